//! Common misuse gets an error that says the fix: a signal read after its owner was
//! disposed (both locations), a duplicate key in a keyed list (the key), a route conflict
//! at startup (both routes), a session-only API called outside a session (the API, the
//! caller's line, the fix; its `try_` variant returns the error).

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

/// The text of the panic `f` raises, and the line of this file it was called on.
fn panic_text(f: impl FnOnce()) -> String {
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .expect_err("a session-only API outside a session panics");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap()
}

fn assert_names_api_place_and_fix(api: &str, line: u32, msg: &str) {
    assert!(msg.contains(&format!("`{api}`")), "{api}: {msg}");
    // The caller's line: the one `line` names, or the next few (rustfmt may wrap).
    let at: u32 = msg
        .split("tests/misuse_messages.rs:")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{api}: no caller location in {msg}"));
    assert!(
        (line..line + 4).contains(&at),
        "{api} at line {line}: {msg}"
    );
    assert!(
        msg.contains(
            "call it from a page's setup, a component, or an event handler of a live session"
        ),
        "{msg}"
    );
}

/// An API's name, the line it is called on, and the call.
type Case = (&'static str, u32, Box<dyn FnOnce()>);

#[test]
fn session_only_apis_outside_a_session_name_the_api_the_caller_and_the_fix() {
    use vango::live::command::{focus, push_hook};
    use vango::live::use_hook_script;
    // Each call is on the line of its `line!()`.
    let cases: Vec<Case> = vec![
        ("navigate", line!(), Box::new(|| navigate("/todos/7"))),
        (
            "navigate_replace",
            line!(),
            Box::new(|| navigate_replace("/todos")),
        ),
        (
            "set_query",
            line!(),
            Box::new(|| set_query([("f", "done")])),
        ),
        (
            "patch_query",
            line!(),
            Box::new(|| patch_query("page", Some("2"), false)),
        ),
        (
            "patch_query",
            line!(),
            Box::new(|| url_state("tab").set("reviews")),
        ),
        (
            "patch_query",
            line!(),
            Box::new(|| url_state("tab").clear()),
        ),
        (
            "use_request",
            line!(),
            Box::new(|| drop(url_state("tab").get())),
        ),
        ("use_request", line!(), Box::new(|| drop(use_request()))),
        (
            "use_cookie_session",
            line!(),
            Box::new(|| drop(use_cookie_session())),
        ),
        ("set_title", line!(), Box::new(|| set_title("Todo 7"))),
        ("focus", line!(), Box::new(|| focus("edit"))),
        (
            "push_hook",
            line!(),
            Box::new(|| push_hook("chart", "zoom", "2")),
        ),
        (
            "use_hook_script",
            line!(),
            Box::new(|| use_hook_script("/hook.js")),
        ),
    ];
    for (api, line, call) in cases {
        assert_names_api_place_and_fix(api, line, &panic_text(call));
    }
}

#[test]
fn try_variants_return_the_error_outside_a_session_and_work_inside_one() {
    use vango::live::command::{try_focus, try_push_hook};
    use vango::live::{
        try_navigate, try_navigate_replace, try_patch_query, try_set_query, try_use_cookie_session,
        try_use_request, SessionStore,
    };
    let line = line!();
    let err = try_navigate("/a").unwrap_err();
    assert_eq!(err.api(), "navigate");
    assert_names_api_place_and_fix("navigate", line, &err.to_string());
    assert!(err.to_string().contains("use `try_navigate`"), "{err}");
    assert!(try_navigate_replace("/a").is_err());
    assert!(try_set_query([("a", "1")]).is_err());
    assert!(try_patch_query("a", None, true).is_err());
    assert!(try_use_request().is_err());
    assert!(try_use_cookie_session().is_err());
    assert!(try_focus("x").is_err());
    assert!(try_push_hook("x", "y", "z").is_err());

    let store = SessionStore::new();
    store.enter(|| {
        assert!(try_navigate("/a").is_ok());
        assert!(try_use_request().is_ok());
        assert!(try_focus("x").is_ok());
        // The plain APIs do not panic inside a session.
        navigate("/b");
        set_title("t");
        drop(use_request());
    });
    assert_eq!(store.title().as_deref(), Some("t"));
}

/// Inside a live session the APIs behave as before: a handler's navigation and URL-state
/// write land (the misuse check only looks for the session).
#[test]
fn inside_a_live_session_the_apis_work_as_before() {
    use vango::testing::LiveTest;
    let t = LiveTest::component(|| {
        let tab = url_state("tab");
        move || button(tab.get_or("info")).on_click(move |_| tab.set("reviews"))
    });
    t.find("button").click();
    assert_eq!(t.url(), "/?tab=reviews");
    assert_eq!(t.text(), "reviews");
}
