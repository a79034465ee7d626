//! `Element`: every event it sends (click, input, change, check, keydown, keyup, submit
//! with the form's own fields, hook events, any event by name), what it reads (text,
//! attr, has_class), a refused event, a link click, and its clear failures (no handler,
//! no match, several matches). The list example's rows are clicked by text.

use vango::prelude::*;
use vango::testing::{LiveTest, Outcome};
use vango::vdom::{EventData, Reject};

#[path = "../examples/list.rs"]
#[allow(dead_code)]
mod list;

/// A page with one control of each kind; `#log` lists what the handlers saw.
fn controls() -> impl Render {
    let log = signal(Vec::<String>::new());
    let say = move |s: String| log.update(|l| l.push(s));
    let name = signal(String::from("Ada"));
    move || {
        div((
            input()
                .id("name")
                .attr("name", "name")
                .value(name.get())
                .on_input(move |e| name.set(e.value().to_owned()))
                .on_change(move |e| say(format!("change {}", e.value()))),
            input()
                .id("agree")
                .attr("type", "checkbox")
                .attr("name", "agree")
                .attr("value", "yes")
                .on_change(move |e| say(format!("agree {}", e.checked()))),
            input()
                .id("box")
                .on_keydown(move |e| say(format!("down {}", e.key())))
                .on_keyup(move |e| say(format!("up {}", e.key()))),
            form((
                input().attr("name", "title").value("draft"),
                input()
                    .attr("name", "done")
                    .attr("type", "checkbox")
                    .attr("checked", true),
                input().attr("name", "skip").attr("type", "checkbox"),
                textarea("").attr("name", "notes").value("n"),
                button("save").attr("type", "submit"),
            ))
            .id("f")
            .on_submit(move |e| {
                let EventData::Form(fields) = &e.data else {
                    return Err(Reject);
                };
                say(format!("submit {fields:?}"));
                Ok(())
            }),
            div("chart")
                .id("chart")
                .class("hooked wide")
                .hook("Chart")
                .on_hook("zoom", move |e: &Event| {
                    say(format!("hook zoom {}", e.value()))
                })
                .on_hook("pan", move |e: &Event| {
                    say(format!("hook pan {}", e.value()))
                }),
            button("no").id("no").on_click(|_| Err::<(), _>(Reject)),
            p(name.get()).id("echo"),
            ul(log.get().into_iter().map(li).collect::<Vec<_>>()).id("log"),
        ))
    }
}

fn log(t: &LiveTest) -> String {
    t.find("#log").text()
}

#[test]
fn input_and_change_carry_the_value() {
    let t = LiveTest::component(controls);
    assert_eq!(t.find("#name").attr("value").as_deref(), Some("Ada"));
    assert_eq!(t.find("#name").input("Grace"), Outcome::Accepted);
    assert_eq!(t.find("#echo").text(), "Grace");
    assert_eq!(t.find("#name").attr("value").as_deref(), Some("Grace"));
    t.find("#name").change("Grace H");
    assert_eq!(log(&t), "change Grace H");
}

#[test]
fn check_sends_checked_with_the_value() {
    let t = LiveTest::component(controls);
    t.find("#agree").check(true);
    t.find("#agree").check(false);
    assert_eq!(
        t.find_with_text("#log li", "agree true").text(),
        "agree true"
    );
    assert_eq!(t.count("#log li"), 2);
    assert!(log(&t).ends_with("agree false"));
}

#[test]
fn keydown_and_keyup_carry_the_key() {
    let t = LiveTest::component(controls);
    t.find("#box").keydown("Enter");
    t.find("#box").keyup("a");
    assert_eq!(log(&t), "down Enterup a");
}

#[test]
fn submit_sends_the_forms_fields_with_overrides() {
    let t = LiveTest::component(controls);
    assert_eq!(
        t.find("form#f")
            .submit(&[("title", "final"), ("extra", "1")]),
        Outcome::Accepted
    );
    assert_eq!(
        log(&t),
        r#"submit [("title", "final"), ("done", "on"), ("notes", "n"), ("extra", "1")]"#
    );
}

#[test]
fn hook_events_reach_on_hook() {
    let t = LiveTest::component(controls);
    let chart = t.find("#chart");
    assert!(chart.has_class("wide") && !chart.has_class("narrow"));
    assert_eq!(chart.attr("data-hook").as_deref(), Some("Chart"));
    assert_eq!(chart.hook_event("zoom", "{\"k\":2}"), Outcome::Accepted);
    assert_eq!(log(&t), r#"hook zoom {"k":2}"#);
    // Each name reaches its own handler; a name nobody handles does nothing.
    assert_eq!(chart.hook_event("pan", "3"), Outcome::Accepted);
    assert_eq!(chart.hook_event("spin", "1"), Outcome::Accepted);
    assert_eq!(log(&t), r#"hook zoom {"k":2}hook pan 3"#);
}

#[test]
fn a_refused_event_is_rejected() {
    let t = LiveTest::component(controls);
    assert_eq!(t.find("#no").click(), Outcome::Rejected);
    assert!(t
        .frames()
        .iter()
        .any(|f| matches!(f, vango::protocol::ServerFrame::Reject { .. })));
}

#[test]
fn dispatch_sends_any_event_by_name() {
    let t = LiveTest::component(|| {
        let n = signal(0);
        move || {
            div(n.get().to_string())
                .id("d")
                .on_dblclick(move |_| n.update(|n| *n += 2))
        }
    });
    t.find("#d").dispatch("dblclick", EventData::None);
    assert_eq!(t.find("#d").text(), "2");
}

#[test]
fn the_list_examples_rows_are_clicked_by_text() {
    let t = LiveTest::mount(&list::app(), "/");
    assert_eq!(t.count("ul > li"), 50);
    let row7 = t.find_with_text("li", "Row 7 ");
    let plus = row7.find("button");
    plus.click();
    plus.click();
    assert!(t
        .find_with_text("li", "Row 7 ")
        .text()
        .contains("clicked 2 times"));
    assert!(t
        .find_with_text("li", "Row 8 ")
        .text()
        .contains("clicked 0 times"));
}

#[test]
#[should_panic(expected = "has no \"click\" handler")]
fn an_element_without_the_handler_is_a_clear_failure() {
    let t = LiveTest::component(controls);
    t.find("#echo").click();
}

#[test]
#[should_panic(expected = "no element matches \"#missing\"")]
fn no_match_is_a_clear_failure() {
    LiveTest::component(controls).find("#missing");
}

#[test]
#[should_panic(expected = "matches 6 elements, not one")]
fn several_matches_are_a_clear_failure() {
    LiveTest::component(controls).find("input");
}
