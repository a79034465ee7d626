//! Common misuse gets an error that says the fix: a signal read after its owner was
//! disposed (both locations), a duplicate key in a keyed list (the key), a route conflict
//! at startup (both routes).

use std::sync::Mutex;

use vango::component::Tree;
use vango::prelude::*;
use vango::reactive::Owner;
use vango::vdom::Patch;

#[test]
fn a_signal_read_after_its_owner_was_disposed_names_both_places_and_the_fix() {
    let owner = Owner::new();
    let s = owner.with(|| signal(1));
    owner.dispose();
    let msg = s.try_get().unwrap_err().to_string();
    let file = "tests/misuse_messages.rs:";
    assert_eq!(msg.matches(file).count(), 2, "created and used at: {msg}");
    assert!(msg.contains("created at"), "{msg}");
    assert!(
        msg.contains("create it in an owner that lives as long as its readers"),
        "{msg}"
    );
}

/// Collects warnings (the diff logs what it meets).
struct Logs(Mutex<Vec<String>>);
impl log::Log for Logs {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, r: &log::Record) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", r.level(), r.args()));
    }
    fn flush(&self) {}
}
static LOGS: Logs = Logs(Mutex::new(Vec::new()));

#[test]
fn a_duplicate_key_names_the_key_and_the_fix() {
    let _ = log::set_logger(&LOGS);
    log::set_max_level(log::LevelFilter::Debug);
    let rows = signal(vec![1u64, 2, 3]);
    let mut tree = Tree::mount(move || {
        move || {
            ul(rows
                .get()
                .into_iter()
                .map(|r| li(r.to_string()).key(r))
                .collect::<Vec<_>>())
        }
    });
    rows.set(vec![3, 7, 3, 1]);
    tree.rerender(&mut Vec::<Patch>::new());
    assert_eq!(tree.warnings(), 1);
    let logs = LOGS.0.lock().unwrap();
    let w = logs
        .iter()
        .find(|l| l.contains("duplicate key"))
        .expect("a warning");
    assert!(w.contains("duplicate key 3 "), "{w}");
    assert!(w.contains("give every row a unique key"), "{w}");
}

#[test]
fn a_route_conflict_at_startup_names_both_routes_and_the_fix() {
    let caught = std::panic::catch_unwind(|| {
        vango::App::new()
            .page("/todos/:id", || || div("a"))
            .page("/todos/:name", || || div("b"))
            .workers(1)
            .spawn("127.0.0.1:0")
    });
    let Err(err) = caught else {
        panic!("a conflict panics at startup")
    };
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(
        msg.contains("/todos/:name") && msg.contains("/todos/:id"),
        "{msg}"
    );
    assert!(
        msg.contains("change one's path, or give them different methods"),
        "{msg}"
    );
}
