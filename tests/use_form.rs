//! `use_form` (src/live/use_form/): built-in and custom validators, touched/dirty, an
//! async check whose stale answer is discarded, form arrays (add, remove, reorder with
//! their state), a submit's pending state and server errors on fields — in-process with
//! `LiveTest` — and the signup example's no-JavaScript path over a real socket: the
//! 422 re-render shows the errors the live form shows.

use std::net::SocketAddr;
use std::time::Duration;

use vango::live::form::Form;
use vango::live::use_form::*;
use vango::prelude::*;
use vango::server::SecretKey;
use vango::testing::LiveTest;
use vango_test_support::client::attr;
use vango_test_support::raw::{roundtrip, Resp};

#[path = "../examples/signup.rs"]
#[allow(dead_code)]
mod signup;

fn blur(t: &LiveTest, sel: &str) {
    let value = t.find(sel).attr("value").unwrap_or_default();
    t.find(sel).dispatch(
        "blur",
        EventData::Input {
            value,
            checked: false,
        },
    );
}

#[test]
fn built_in_validators_and_custom_ones() {
    let fails = |v: Validator, s: &str| v.check(s).is_err();
    assert!(fails(required(), "") && fails(required(), "  ") && !fails(required(), "x"));
    for ok in ["a@b.co", "first.last+tag@mail.example.org"] {
        assert!(!fails(email(), ok), "{ok}");
    }
    for bad in [
        "a", "a@b", "@b.co", "a@@b.co", "a b@c.de", "a@b..co", "a@.b",
    ] {
        assert!(fails(email(), bad), "{bad}");
    }
    assert!(fails(min_len(3), "ab") && !fails(min_len(3), "abc"));
    assert!(!fails(min_len(2), "éé"), "characters, not bytes");
    assert!(fails(max_len(3), "abcd") && !fails(max_len(3), "abc"));
    assert!(!fails(max_len(3), &"x".repeat(0)));
    assert!(fails(range(1.0, 10.0), "0") && fails(range(1.0, 10.0), "11"));
    assert!(fails(range(1.0, 10.0), "ten") && fails(range(1.0, 10.0), "NaN"));
    assert!(!fails(range(1.0, 10.0), "2.5") && !fails(range(1.0, 10.0), ""));
    assert!(!fails(pattern(r"\d{3}-\d{4}"), "555-1234"));
    assert!(fails(pattern(r"\d{3}-\d{4}"), "555-12345"));
    assert!(fails(one_of(&["free", "pro"]), "gold") && !fails(one_of(&["free", "pro"]), "pro"));
    assert!(fails(matches(|s| s.starts_with('#'), "a tag"), "x"));
    let custom = Validator::new(|v| {
        if v == "42" {
            Ok(())
        } else {
            Err("not 42".into())
        }
    });
    assert_eq!(custom.check("41"), Err("not 42".into()));
    assert_eq!(
        custom.check(""),
        Err("not 42".into()),
        "a custom rule sees empty values"
    );
    assert!(std::panic::catch_unwind(|| pattern("[oops")).is_err());
    assert!(Pattern::new("[oops").is_err());
}

#[derive(Clone, Default, Debug, PartialEq)]
struct Profile {
    name: String,
    age: u32,
    tags: Vec<String>,
}

fn profile_spec() -> FormSpec<Profile> {
    FormSpec::new()
        .field(
            "name",
            |p: &mut Profile| &mut p.name,
            [required(), min_len(3)],
        )
        .field("age", |p: &mut Profile| &mut p.age, [range(0.0, 150.0)])
        .array(
            "tags",
            |p: &mut Profile| &mut p.tags,
            [required(), max_len(5)],
        )
}

/// A page showing each field's state as text, to assert on.
fn profile_page(spec: fn() -> FormSpec<Profile>) -> impl Fn() -> Box<dyn Fn() -> El> {
    move || {
        let f = use_form_with(
            spec(),
            Profile {
                name: "Ada".into(),
                age: 36,
                tags: Vec::new(),
            },
        );
        Box::new(move || {
            let state = |n: &str| {
                format!(
                    "{n}: error={:?} touched={} dirty={} pending={}",
                    f.error(n),
                    f.touched(n),
                    f.dirty(n),
                    f.pending(n)
                )
            };
            let tags: Vec<String> = (0..f.rows("tags")).map(|i| format!("tags[{i}]")).collect();
            div((
                f.input("name").id("name"),
                f.input("age").id("age"),
                ul(keyed(
                    f.row_keys("tags").into_iter().zip(tags.clone()),
                    |(k, _)| *k,
                    |(_, n)| li((f.input(&n), span(state(&n)).class("state"))),
                )),
                p(state("name")).id("name-state"),
                p(state("age")).id("age-state"),
                p(format!("dirty={} valid={}", f.is_dirty(), f.is_valid())).id("form"),
                p(format!("{:?}", f.values())).id("values"),
            ))
        })
    }
}

fn render_fn(b: Box<dyn Fn() -> El>) -> impl Render {
    move || b()
}

fn mount(spec: fn() -> FormSpec<Profile>) -> LiveTest {
    let page = profile_page(spec);
    LiveTest::component(move || render_fn(page()))
}

#[test]
fn touched_and_dirty_follow_the_user() {
    let t = mount(profile_spec);
    let state = |id: &str| t.find(id).text();
    assert_eq!(
        t.find("#name").attr("value").as_deref(),
        Some("Ada"),
        "the initial value"
    );
    assert_eq!(
        state("#name-state"),
        "name: error=None touched=false dirty=false pending=false"
    );
    t.find("#name").input("Al");
    assert_eq!(
        state("#name-state"),
        "name: error=None touched=false dirty=true pending=false",
        "an error waits for the field to be touched"
    );
    assert_eq!(t.find("#form").text(), "dirty=true valid=false");
    blur(&t, "#name");
    assert_eq!(
        state("#name-state"),
        r#"name: error=Some("at least 3 characters") touched=true dirty=true pending=false"#
    );
    assert_eq!(
        t.find("#name").attr("aria-invalid").as_deref(),
        Some("true")
    );
    t.find("#name").input("");
    assert!(
        state("#name-state").contains(r#"Some("required")"#),
        "as the user types"
    );
    t.find("#name").input("Ada");
    assert_eq!(
        state("#name-state"),
        "name: error=None touched=true dirty=false pending=false"
    );
    assert_eq!(t.find("#name").attr("aria-invalid"), None);
    t.find("#age").input("old");
    blur(&t, "#age");
    assert!(
        state("#age-state").contains(r#"Some("a number")"#),
        "{}",
        state("#age-state")
    );
    t.find("#age").input("200");
    assert!(state("#age-state").contains(r#"Some("from 0 to 150")"#));
    t.find("#age").input("37");
    assert_eq!(t.find("#form").text(), "dirty=true valid=true");
    assert!(t.find("#values").text().contains(r#"name: "Ada", age: 37"#));
}

fn checked_spec() -> FormSpec<Profile> {
    // Slow answers for names starting with "slow"; names containing "taken" are taken.
    profile_spec().check_async("name", |name| async move {
        let ms = if name.starts_with("slow") { 300 } else { 20 };
        async_io::Timer::after(Duration::from_millis(ms)).await;
        if name.contains("taken") {
            Err(format!("{name} is taken"))
        } else {
            Ok(())
        }
    })
}

#[test]
fn an_async_check_is_pending_and_its_stale_answer_is_discarded() {
    let t = mount(checked_spec);
    blur(&t, "#name");
    t.find("#name").input("slowtaken");
    assert!(t.find("#name-state").text().ends_with("pending=true"));
    // The value changes before the slow answer comes: that answer is stale.
    t.find("#name").input("fresh");
    assert!(t.find("#name-state").text().ends_with("pending=true"));
    t.run_for(Duration::from_millis(100));
    assert_eq!(
        t.find("#name-state").text(),
        "name: error=None touched=true dirty=true pending=false"
    );
    t.run_for(Duration::from_millis(400));
    assert_eq!(
        t.find("#name-state").text(),
        "name: error=None touched=true dirty=true pending=false",
        "the stale 'taken' answer for slowtaken is discarded"
    );
    // A current answer lands.
    t.find("#name").input("taken1");
    t.run_for(Duration::from_millis(100));
    assert_eq!(
        t.find("#name-state").text(),
        r#"name: error=Some("taken1 is taken") touched=true dirty=true pending=false"#
    );
    assert_eq!(t.find("#form").text(), "dirty=true valid=false");
    // A value failing its validators is not checked at all.
    t.find("#name").input("x");
    assert!(t.find("#name-state").text().ends_with("pending=false"));
    assert_eq!(t.task_panics(), 0);
}

#[test]
fn form_arrays_add_remove_and_reorder_rows_with_their_state() {
    let app = vango::App::new().page("/", || {
        let ada = Profile {
            name: "Ada".into(),
            ..Profile::default()
        };
        let f = use_form_with(profile_spec(), ada);
        move || {
            let n = f.rows("tags");
            div((
                ol(keyed(
                    f.row_keys("tags").into_iter().enumerate(),
                    |(_, k)| *k,
                    |(i, _)| {
                        let name = format!("tags[{i}]");
                        li((
                            f.input(&name),
                            f.move_button("tags", i, true, "up").class("up"),
                            f.remove_button("tags", i, "x").class("rm"),
                            span(f.error(&name).unwrap_or_default()).class("err"),
                        ))
                        .id(format!("row-{i}"))
                    },
                )),
                f.add_button("tags", "add").id("add"),
                p(format!("{n} {:?}", f.values().map(|p| p.tags))).id("values"),
                p(f.is_dirty().to_string()).id("dirty"),
            ))
        }
    });
    let t = LiveTest::mount(&app, "/");
    assert_eq!(t.find("#dirty").text(), "false");
    for _ in 0..3 {
        t.find("#add").click();
    }
    assert_eq!(t.count("li"), 3);
    t.find("#row-0 input").input("a");
    t.find("#row-1 input").input("toolong");
    blur(&t, "#row-1 input");
    t.find("#row-2 input").input("c");
    assert_eq!(t.find("#row-1 .err").text(), "at most 5 characters");
    assert!(t
        .find("#values")
        .text()
        .contains(r#"tags[1]", "at most 5 characters"#));
    // Move row 2 up: its value, error and touched state go with it, names renumber.
    t.find("#row-1 .up").click();
    let names: Vec<_> = (1..=3)
        .map(|i| {
            t.find(&format!("#row-{} input", i - 1))
                .attr("name")
                .unwrap()
        })
        .collect();
    assert_eq!(names, ["tags[0]", "tags[1]", "tags[2]"]);
    assert_eq!(
        t.find("#row-0 input").attr("value").as_deref(),
        Some("toolong")
    );
    assert_eq!(t.find("#row-0 .err").text(), "at most 5 characters");
    assert_eq!(t.find("#row-1 .err").text(), "");
    // Remove the bad row, fix nothing else: the values are valid, in order.
    t.find("#row-0 .rm").click();
    assert_eq!(t.find("#values").text(), r#"2 Ok(["a", "c"])"#);
    assert_eq!(t.find("#dirty").text(), "true");
    // Out-of-range moves do nothing.
    t.find("#row-0 .up").click();
    assert_eq!(t.find("#values").text(), r#"2 Ok(["a", "c"])"#);
}

#[test]
fn a_form_array_is_capped() {
    let t = LiveTest::component(|| {
        let f = use_form(profile_spec());
        move || div((f.add_button("tags", "add"), p(f.rows("tags").to_string())))
    });
    for _ in 0..MAX_ROWS + 5 {
        t.find("button").click();
    }
    assert_eq!(t.find("p").text(), MAX_ROWS.to_string());
}

fn submit_page() -> impl Render {
    let f = use_form(profile_spec()).on_submit(|p: Profile| async move {
        async_io::Timer::after(Duration::from_millis(100)).await;
        if p.name == "root" {
            Err(vec![("name".into(), "root is reserved".into())])
        } else {
            Ok(format!("/done?name={}", p.name))
        }
    });
    move || {
        f.form(
            "/",
            (
                f.input("name").id("name"),
                span(f.error("name").unwrap_or_default()).id("name-err"),
                f.input("age").id("age"),
                span(f.error("age").unwrap_or_default()).id("age-err"),
                button(if f.submitting() { "saving" } else { "save" }).id("save"),
            ),
        )
        .id("f")
    }
}

#[test]
fn submit_is_pending_and_server_errors_land_on_fields() {
    let app = vango::App::new()
        .page("/", submit_page)
        .page("/done", || || p("done").id("done"));
    let t = LiveTest::mount(&app, "/");
    // Invalid: every error shows, nothing runs.
    t.find("#f").submit(&[("age", "x")]);
    assert_eq!(t.find("#name-err").text(), "required");
    assert_eq!(t.find("#age-err").text(), "a number");
    assert_eq!(t.find("#save").text(), "save");
    // Valid: pending until the answer, then the server's error on its field.
    t.find("#f").submit(&[("name", "root"), ("age", "3")]);
    assert_eq!(t.find("#save").text(), "saving");
    assert_eq!(t.find("#name-err").text(), "");
    t.run_for(Duration::from_millis(200));
    assert_eq!(t.find("#save").text(), "save");
    assert_eq!(t.find("#name-err").text(), "root is reserved");
    // The error goes when the field changes; the next submit navigates.
    t.find("#name").input("grace");
    assert_eq!(t.find("#name-err").text(), "");
    t.find("#f").submit(&[]);
    t.run_for(Duration::from_millis(200));
    assert_eq!(t.path(), "/done");
}

#[test]
fn without_on_submit_the_app_form_handler_answers_live() {
    let app = vango::App::new()
        .page("/", || {
            let f = use_form(profile_spec());
            move || {
                f.form(
                    "/save",
                    (
                        f.input("name").id("name"),
                        span(f.error("name").unwrap_or_default()).id("err"),
                    ),
                )
                .id("f")
            }
        })
        .form("/save", |form: &Form| {
            profile_spec().handle(form, |p| {
                if p.name == "taken" {
                    Err(vec![("name".into(), "taken, sorry".into())])
                } else {
                    Ok("/".into())
                }
            })
        });
    let t = LiveTest::mount(&app, "/");
    t.find("#f").submit(&[("name", "taken")]);
    t.settle();
    assert_eq!(t.find("#err").text(), "taken, sorry");
}

// ---- The signup example, live and without JavaScript over a real socket. ----

fn start_signup() -> vango::server::RunningServer {
    signup::app()
        .secret_key(SecretKey::from_bytes([3; 32]))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap()
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

fn post(addr: SocketAddr, cookie: &str, body: &str) -> Resp {
    let raw = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

fn html(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The CSRF token and the session cookie of a fresh page.
fn session(addr: SocketAddr) -> (String, String) {
    let r = get(addr, "/");
    let page = html(&r);
    let at = page.find(r#"name="_csrf""#).expect("a CSRF field");
    let open = page[..at].rfind('<').unwrap();
    let token = attr(&page[open..], "value");
    let cookie = r
        .header("set-cookie")
        .map(|c| c.split(';').next().unwrap().to_owned())
        .unwrap_or_default();
    (token, cookie)
}

/// The text of every `.error` element of a page, in order.
fn errors(page: &str) -> Vec<String> {
    page.split(r#"class="error""#)
        .skip(1)
        .map(|rest| {
            let start = rest.find('>').unwrap() + 1;
            let end = rest.find("</span>").unwrap();
            rest[start..end].to_owned()
        })
        .collect()
}

const BAD: &[(&str, &str)] = &[
    ("name", "Ad"),
    ("email", "ada@"),
    ("age", "7"),
    ("plan", "gold"),
    ("phones[0]", "12"),
];

#[test]
fn without_javascript_the_post_re_renders_the_errors_the_live_form_shows() {
    // Live: the same values submitted in-process.
    let live = LiveTest::mount(&signup::app(), "/");
    live.find("#add-phone").click();
    live.find("#signup").submit(BAD);
    let live_errors = errors(&live.html());
    assert_eq!(
        live_errors,
        [
            "at least 3 characters",
            "an email address, like name@example.com",
            "from 13 to 130",
            "one of free, pro",
            "6 to 15 digits"
        ]
    );

    let srv = start_signup();
    let a = srv.local_addr();
    let (token, cookie) = session(a);
    let body: String = BAD
        .iter()
        .map(|(k, v)| {
            format!(
                "&{}={}",
                k.replace('[', "%5B").replace(']', "%5D"),
                v.replace('@', "%40")
            )
        })
        .collect();
    let r = post(a, &cookie, &format!("_csrf={token}{body}"));
    assert_eq!(r.status, 422, "{}", html(&r));
    let page = html(&r);
    assert_eq!(
        errors(&page),
        live_errors,
        "the same errors as the live form"
    );
    assert!(
        page.contains(r#"value="ada@""#),
        "the typed values are kept: {page}"
    );

    // A row button without JavaScript: the form comes back with a row more, no errors.
    let r = post(
        a,
        &cookie,
        &format!("_csrf={token}&name=bob&phones%5B0%5D=1&_row=add%3Aphones"),
    );
    assert_eq!(r.status, 422);
    let page = html(&r);
    assert!(page.contains(r#"name="phones[1]""#), "{page}");
    assert_eq!(
        errors(&page),
        Vec::<String>::new(),
        "a row operation is no submit"
    );
    let r = post(
        a,
        &cookie,
        &format!("_csrf={token}&phones%5B0%5D=1&phones%5B1%5D=2&_row=up%3Aphones%3A1"),
    );
    let page = html(&r);
    assert!(
        page.find(r#"value="2""#).unwrap() < page.find(r#"value="1""#).unwrap(),
        "{page}"
    );

    // Taken on the server (the live check only advises), then accepted: 303.
    let ok = "&email=a%40b.co&age=30&plan=pro&phones%5B0%5D=%2B44+20+7946+0000";
    let r = post(a, &cookie, &format!("_csrf={token}&name=admin{ok}"));
    assert_eq!(r.status, 422);
    assert_eq!(errors(&html(&r)), ["admin is taken"]);
    let r = post(a, &cookie, &format!("_csrf={token}&name=grace{ok}"));
    assert_eq!(r.status, 303, "{}", html(&r));
    assert_eq!(r.header("location"), Some("/welcome?name=grace&phones=1"));
    let r = post(a, &cookie, &format!("_csrf={token}&name=grace{ok}"));
    assert_eq!(errors(&html(&r)), ["grace is taken"], "registered once");
    // Too many rows: a clear error, no panic.
    let rows: String = (0..=MAX_ROWS)
        .map(|i| format!("&phones%5B{i}%5D=1234567"))
        .collect();
    let r = post(a, &cookie, &format!("_csrf={token}&name=zed{ok}{rows}"));
    assert_eq!(r.status, 422);
    assert_eq!(errors(&html(&r)), [format!("at most {MAX_ROWS} rows")]);
}

#[test]
fn the_signup_example_checks_the_name_while_typing_and_submits() {
    let t = LiveTest::mount(&signup::app(), "/");
    t.find("#name").input("ada");
    assert_eq!(t.find("#name-status").text(), "checking…");
    t.run_for(Duration::from_millis(300));
    assert_eq!(t.find("#name-status").text(), "");
    blur(&t, "#name");
    assert_eq!(t.find("#name-error").text(), "ada is taken");
    t.find("#name").input("grace");
    t.run_for(Duration::from_millis(300));
    assert_eq!(t.find("#name-status").text(), "available");
    t.find("#add-phone").click();
    t.find("#signup").submit(&[
        ("email", "g@h.io"),
        ("plan", "free"),
        ("phones[0]", "555 0100"),
    ]);
    assert_eq!(t.find("#submit").text(), "Signing up…");
    t.run_for(Duration::from_millis(500));
    assert_eq!(t.path(), "/welcome");
    assert_eq!(t.find("#welcome").text(), "Welcome, grace (1 phones)");
}
