//! The TodoMVC example (`examples/todomvc.rs`) through `LiveTest`, on a SQLite file in a
//! temp dir: the spec's behaviours (hidden main and footer, new todo, mark all, toggle,
//! edit / Escape / blur / empty deletes, the counter, clear completed), the filter from the
//! URL's fragment without a remount, and persistence per browser (cookie) across mounts.

use std::path::PathBuf;

use vango::protocol::{Op, ServerFrame};
use vango::testing::LiveTest;
use vango::vdom::{EventData, Patch};

#[path = "../examples/todomvc.rs"]
#[allow(dead_code)]
mod todomvc;

/// A fresh database file for one test.
fn db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vango-todomvc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("todomvc.sqlite3")
}

fn mount(path: &PathBuf, url: &str) -> LiveTest {
    let t = LiveTest::mount(&todomvc::app(path), url);
    t.settle();
    t
}

/// Types `title` in the new-todo field and presses Enter.
fn add(t: &LiveTest, title: &str) {
    let field = t.find("input.new-todo");
    field.input(title);
    field.keydown("Enter");
    t.settle();
}

/// The labels of the shown rows, in order.
fn titles(t: &LiveTest) -> Vec<String> {
    let n = t.count(".todo-list li");
    let html = t.html();
    let mut out = Vec::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<label") {
        let from = at + rest[at..].find('>').unwrap() + 1;
        let to = from + rest[from..].find('<').unwrap();
        let text = &rest[from..to];
        if text != "Mark all as complete" {
            out.push(text.to_owned());
        }
        rest = &rest[to..];
    }
    assert_eq!(out.len(), n, "{html}");
    out
}

fn count(t: &LiveTest) -> String {
    t.find(".todo-count").text()
}

/// The row whose label reads `title`.
fn row(t: &LiveTest, title: &str) -> String {
    let html = t.html();
    let at = html
        .find(&format!(">{title}</label>"))
        .unwrap_or_else(|| panic!("no row {title:?}: {html}"));
    let li = html[..at].rfind("<li").unwrap();
    let id = vango_test_support::client::attr(&html[li..], "data-id");
    format!(r#"li[data-id="{id}"]"#)
}

#[test]
fn no_todos_hides_main_and_footer() {
    let t = mount(&db("empty"), "/");
    assert_eq!(t.count("section.todoapp header.header h1"), 1);
    assert_eq!(
        t.find("input.new-todo").attr("autofocus").as_deref(),
        Some("")
    );
    assert_eq!(t.count(".main"), 0);
    assert_eq!(t.count(".footer"), 0);
    add(&t, "   ");
    assert_eq!(t.count(".main"), 0, "a blank title adds nothing");
}

#[test]
fn new_todos_are_trimmed_appended_and_counted() {
    let t = mount(&db("new"), "/");
    add(&t, "  Buy milk ");
    assert_eq!(t.find("input.new-todo").attr("value").as_deref(), Some(""));
    assert_eq!(t.count(".main"), 1);
    assert_eq!(t.count(".footer"), 1);
    assert_eq!(count(&t), "1 item left");
    assert_eq!(t.find(".todo-count strong").text(), "1");
    add(&t, "Walk the dog");
    assert_eq!(titles(&t), ["Buy milk", "Walk the dog"]);
    assert_eq!(count(&t), "2 items left");
    assert_eq!(t.count("button.clear-completed"), 0);
}

#[test]
fn toggle_mark_all_and_clear_completed() {
    let t = mount(&db("toggle"), "/");
    add(&t, "a");
    add(&t, "b");
    let a = row(&t, "a");
    t.find(&format!("{a} input.toggle")).check(true);
    assert!(t.find(&a).has_class("completed"));
    assert_eq!(count(&t), "1 item left");
    assert_eq!(t.find("button.clear-completed").text(), "Clear completed");
    assert_eq!(t.find("#toggle-all").attr("checked"), None);

    t.find("#toggle-all").check(true);
    assert_eq!(t.count(".todo-list li.completed"), 2);
    assert_eq!(count(&t), "0 items left");
    assert!(t.find("#toggle-all").attr("checked").is_some());
    t.find("#toggle-all").check(false);
    assert_eq!(t.count(".todo-list li.completed"), 0);
    assert_eq!(t.count("button.clear-completed"), 0);

    t.find(&format!("{a} input.toggle")).check(true);
    t.find("button.clear-completed").click();
    t.settle();
    assert_eq!(titles(&t), ["b"]);
    t.find(&format!("{} button.destroy", row(&t, "b"))).click();
    t.settle();
    assert_eq!(t.count(".main"), 0);
    assert_eq!(t.count(".footer"), 0);
}

/// Presses `key` in the edit field with `value` typed in it.
fn key_in_edit(t: &LiveTest, key: &str, value: &str) {
    t.find("li.editing input.edit").dispatch(
        "keydown",
        EventData::Key {
            key: key.into(),
            mods: 0,
            value: value.into(),
        },
    );
    t.settle();
}

#[test]
fn editing_saves_cancels_and_deletes() {
    let t = mount(&db("edit"), "/");
    add(&t, "Buy milk");
    let r = row(&t, "Buy milk");
    t.find(&format!("{r} label")).dispatch(
        "dblclick",
        EventData::Pointer {
            x: 0,
            y: 0,
            button: 0,
            mods: 0,
        },
    );
    assert!(t.find(&r).has_class("editing"));
    let edit = t.find(&format!("{r} input.edit"));
    assert_eq!(edit.attr("value").as_deref(), Some("Buy milk"));
    // The edit field is focused from the server.
    let focused = t.frames().into_iter().any(|f| match f {
        ServerFrame::Patches { ops, .. } => ops.iter().any(|o| matches!(o, Op::Focus { .. })),
        _ => false,
    });
    assert!(focused);
    assert_eq!(t.count(&format!("{r} .view")), 0);

    key_in_edit(&t, "Enter", "  Buy oat milk  ");
    assert_eq!(titles(&t), ["Buy oat milk"]);
    assert!(!t.find(&r).has_class("editing"));

    let dbl = |t: &LiveTest| {
        t.find(&format!("{r} label")).dispatch(
            "dblclick",
            EventData::Pointer {
                x: 0,
                y: 0,
                button: 0,
                mods: 0,
            },
        );
    };
    dbl(&t);
    key_in_edit(&t, "Escape", "something else");
    assert_eq!(titles(&t), ["Buy oat milk"], "Escape discards");

    dbl(&t);
    t.find("li.editing input.edit").dispatch(
        "blur",
        EventData::Input {
            value: "Blurred".into(),
            checked: false,
        },
    );
    t.settle();
    assert_eq!(titles(&t), ["Blurred"], "leaving the field saves");

    dbl(&t);
    key_in_edit(&t, "Enter", "   ");
    assert_eq!(t.count(".todo-list li"), 0, "an empty title deletes");
}

#[test]
fn the_filter_follows_the_fragment() {
    let path = db("filter");
    let t = mount(&path, "/");
    add(&t, "a");
    add(&t, "b");
    t.find(&format!("{} input.toggle", row(&t, "a")))
        .check(true);
    assert_eq!(
        t.find(".filters a.selected").attr("href").as_deref(),
        Some("#/")
    );

    t.navigate("/#/active");
    assert_eq!(titles(&t), ["b"]);
    assert_eq!(
        t.find(".filters a.selected").attr("href").as_deref(),
        Some("#/active")
    );
    t.navigate("/#/completed");
    assert_eq!(titles(&t), ["a"]);
    // Back to the first entry (no fragment): everything again, on the same page (a
    // remount would replace the root and show the list loading again).
    let frames = t.frames().len();
    t.navigate("/");
    assert_eq!(titles(&t), ["a", "b"]);
    let new = t.frames().split_off(frames);
    assert_eq!(new.len(), 1, "one frame");
    let ServerFrame::Patches { ops, .. } = &new[0] else {
        panic!("{new:?}")
    };
    assert!(!ops
        .iter()
        .any(|o| matches!(o, Op::Patch(Patch::ReplaceNode { .. }) | Op::PushUrl { .. })));
}

#[test]
fn a_page_opened_at_a_filter_applies_it_in_the_live_session() {
    let t = mount(&db("opened"), "/#/active");
    add(&t, "a");
    add(&t, "b");
    assert_eq!(
        t.find(".filters a.selected").attr("href").as_deref(),
        Some("#/active")
    );
    t.find(&format!("{} input.toggle", row(&t, "a")))
        .check(true);
    assert_eq!(titles(&t), ["b"], "a completed todo leaves the active list");
    assert_eq!(count(&t), "1 item left");
}

#[test]
fn each_browser_has_its_own_list_and_the_file_keeps_it() {
    let path = db("persist");
    let app = todomvc::app(&path);
    let a = LiveTest::mount(&app, "/");
    let b = LiveTest::mount(&app, "/");
    add(&a, "A's todo");
    b.settle();
    assert_eq!(
        b.count(".todo-list li"),
        0,
        "another browser sees none of it"
    );
    add(&b, "B's todo");
    assert_eq!(titles(&a), ["A's todo"]);
    drop((a, b));

    // What the page wrote is in the file, per owner, in order, after a reopen.
    let db = todomvc::Db::open(&path).unwrap();
    for (owner, id) in [("o1", 5), ("o1", 9), ("o2", 7)] {
        let t = todomvc::Todo {
            id,
            title: format!("{owner} {id}"),
            completed: false,
        };
        db.save(owner, &todomvc::Op::Add(t)).unwrap();
    }
    db.save("o1", &todomvc::Op::Set(9, true)).unwrap();
    db.save("o1", &todomvc::Op::Rename(5, "renamed".into()))
        .unwrap();
    drop(db);
    let db = todomvc::Db::open(&path).unwrap();
    let o1 = db.list("o1").unwrap();
    assert_eq!(
        o1.iter()
            .map(|t| (t.title.as_str(), t.completed))
            .collect::<Vec<_>>(),
        [("renamed", false), ("o1 9", true)]
    );
    db.save("o1", &todomvc::Op::ClearCompleted).unwrap();
    assert_eq!(db.list("o1").unwrap().len(), 1);
    assert_eq!(db.list("o2").unwrap().len(), 1);
    assert!(
        db.list("o3").unwrap().is_empty(),
        "an unknown owner has none"
    );
}
