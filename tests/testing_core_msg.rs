//! `LiveTest` runs the `CoreMsg`s sent to its core (`Core::send_to(0, …)`), as a server
//! worker does, when the test lets tasks run (`settle`), with that core current.

use std::sync::atomic::{AtomicUsize, Ordering};

use vango::prelude::*;
use vango::server::{Core, CoreMsg};
use vango::testing::LiveTest;

static RAN_ON: AtomicUsize = AtomicUsize::new(usize::MAX);
static SENT: AtomicUsize = AtomicUsize::new(0);
static TASK_RAN: AtomicUsize = AtomicUsize::new(0);

#[test]
fn a_message_to_the_test_core_runs_on_settle() {
    let t = LiveTest::component(|| {
        let core = Core::current().unwrap();
        let msg: CoreMsg = Box::new(|there| {
            let current = Core::current().expect("the test's core is current");
            assert!(std::rc::Rc::ptr_eq(&current, there));
            RAN_ON.store(there.index(), Ordering::SeqCst);
            // Work the message starts runs too, as on a worker.
            there.spawn(async {
                TASK_RAN.fetch_add(1, Ordering::SeqCst);
            });
        });
        let sent = core.send_to(0, msg);
        SENT.fetch_add(1, Ordering::SeqCst);
        move || p(format!("sent: {sent}"))
    });
    assert_eq!(t.text(), "sent: true");
    t.settle();
    assert_eq!(RAN_ON.load(Ordering::SeqCst), 0);
    // The page is set up for its first paint and again for its session: one message each.
    assert!(SENT.load(Ordering::SeqCst) >= 1);
    assert_eq!(TASK_RAN.load(Ordering::SeqCst), SENT.load(Ordering::SeqCst));
}
