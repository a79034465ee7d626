//! An action's optimistic update, reverted when its run fails: the click's answer already
//! renders the predicted state (so the client's own guess, undone at that answer, does not
//! flicker back), and the run's end renders the truth — the old state with the error on a
//! failure, the new one on success — driven in-process through `LiveTest`.

use std::time::Duration;

use vango::prelude::*;
use vango::protocol::{Op, ServerFrame};
use vango::testing::{LiveTest, Outcome};
use vango::vdom::Patch;

/// A row toggled through an action; `#fail` runs a toggle that fails, `#ok` one that works.
fn row() -> impl Render {
    let done = signal(false);
    let toggle = action(Policy::Queue, move |(to, fail): (bool, bool)| async move {
        async_io::Timer::after(Duration::from_millis(30)).await;
        if fail {
            return Err("the database is read-only");
        }
        done.set(to);
        Ok(())
    });
    move || {
        // Each pending toggle flips the shown state once more.
        let shown = done.get() ^ (toggle.pending_count(|_| true) % 2 == 1);
        let button_for = |id: &'static str, fail: bool| {
            let t = toggle.clone();
            button(id)
                .id(id)
                .optimistic_class("done active")
                .on_click(move |_| {
                    t.dispatch((!shown, fail));
                })
        };
        div((
            p(if shown { "done" } else { "active" })
                .id("row")
                .class(if shown { "done" } else { "active" }),
            button_for("fail", true),
            button_for("ok", false),
            match toggle.result() {
                Some(Err(e)) => p(e).id("error"),
                _ => p("").id("error"),
            },
        ))
    }
}

/// The class values a frame sets, in order.
fn classes(f: &ServerFrame) -> Vec<String> {
    let ServerFrame::Patches { ops, .. } = f else {
        return Vec::new();
    };
    ops.iter()
        .filter_map(|op| match op {
            Op::Patch(Patch::SetAttr { name, value, .. }) if name == "class" => Some(value.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_failed_run_reverts_the_optimistic_state() {
    let t = LiveTest::component(row);
    assert!(t.find("#row").has_class("active"));
    assert_eq!(t.find("#fail").click(), Outcome::Accepted);
    // The click's own answer renders the predicted state while the run is pending.
    assert!(t.find("#row").has_class("done"), "{}", t.html());
    let answer = t.frames().last().cloned().expect("the click's answer");
    assert_eq!(classes(&answer), ["done"], "{answer:?}");
    t.settle();
    assert!(t.find("#row").has_class("active"), "reverted: {}", t.html());
    assert_eq!(t.find("#error").text(), "the database is read-only");
    let end = t.frames().last().cloned().expect("the run's end");
    assert_eq!(classes(&end), ["active"], "one frame reverts: {end:?}");
}

#[test]
fn a_successful_run_keeps_the_state_it_predicted() {
    let t = LiveTest::component(row);
    t.find("#ok").click();
    assert!(t.find("#row").has_class("done"));
    let before = t.frames().len();
    t.settle();
    assert!(t.find("#row").has_class("done"), "{}", t.html());
    assert_eq!(t.find("#error").text(), "");
    // The truth replaced the prediction with the same state: no class change went out.
    assert!(t.frames()[before..].iter().all(|f| classes(f).is_empty()));
}

#[test]
fn queued_toggles_each_count_and_a_failure_reverts_only_its_own() {
    let t = LiveTest::component(row);
    t.find("#ok").click(); // → done (pending)
    t.find("#fail").click(); // → active (queued, will fail)
    assert!(t.find("#row").has_class("active"), "two pending flips");
    t.run_for(Duration::from_millis(45)); // the first run ends: done for real
    assert!(
        t.find("#row").has_class("active"),
        "the queued flip still shows"
    );
    t.settle(); // the second fails: back to the truth, done
    assert!(t.find("#row").has_class("done"), "{}", t.html());
    assert_eq!(t.find("#error").text(), "the database is read-only");
}
