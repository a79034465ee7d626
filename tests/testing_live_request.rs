//! `LiveRequest`: headers and cookies (one raw `Cookie` header, as a browser sends it) reach
//! the page in its first paint and in its live session; a request for a URL without a page
//! mounts the not-found page; a form submitted in the live session reaches its handler and
//! the cookie session.

use vango::live::form::{post_form, FormReply};
use vango::prelude::*;
use vango::testing::LiveTest;
use vango::App;

#[test]
fn request_carries_cookies_and_headers_to_both_renders() {
    let app = App::new().page("/who", || {
        let req = use_request();
        let theme = req.cookie("theme").unwrap_or("none").to_owned();
        let user = req.cookie("user").unwrap_or("none").to_owned();
        let lang = req.header("accept-language").unwrap_or("none").to_owned();
        let live = connected();
        move || p(format!("{user} {theme} {lang} live={live}"))
    });
    let t = LiveTest::request("/who")
        .cookie("theme", "dark")
        .cookie("user", "ada")
        .header("Accept-Language", "fr")
        .mount(&app);
    assert_eq!(t.text(), "ada dark fr live=true");
    assert!(
        t.first_paint().contains("ada dark fr live=false"),
        "{}",
        t.first_paint()
    );
}

#[test]
fn cookies_are_one_raw_cookie_header() {
    let app = App::new().page("/", || {
        let raw = use_request().header("cookie").unwrap_or("").to_owned();
        move || p(raw.clone())
    });
    let t = LiveTest::request("/")
        .cookie("a", "1")
        .cookie("b", "2")
        .mount(&app);
    assert_eq!(t.text(), "a=1; b=2");
    assert_eq!(LiveTest::request("/").mount(&app).text(), "");
}

#[test]
fn a_url_without_a_page_mounts_the_not_found_page() {
    let app = App::new().page("/", || || p("home"));
    let t = LiveTest::request("/missing?x=1")
        .header("X-Test", "1")
        .mount(&app);
    assert_eq!((t.status(), t.url()), (404, "/missing?x=1".to_string()));
    assert!(t.text().contains("Not Found"), "{}", t.text());
}

#[test]
fn a_form_submitted_in_the_live_session_reaches_its_handler_and_the_cookie_session() {
    let app = App::new()
        .page("/", || {
            let name = use_cookie_session().get_str("name").unwrap_or_default();
            move || {
                div((
                    p(format!("name={name}")).id("name"),
                    post_form("/sign", (input().attr("name", "who"), button("Sign"))),
                ))
            }
        })
        .form("/sign", |f| {
            let who = f.get("who").unwrap_or("").to_owned();
            if who.is_empty() {
                return f.invalid([("who", "required")]);
            }
            use_cookie_session()
                .set("name", &who)
                .expect("a short value fits");
            FormReply::redirect("/")
        });
    let t = LiveTest::mount(&app, "/");
    assert_eq!(t.find("#name").text(), "name=");
    t.find("form").submit(&[("who", "Ada")]);
    t.settle();
    // The redirect re-mounted "/" in place, and its setup read the cookie session the
    // handler wrote in this live session.
    assert_eq!(t.path(), "/");
    assert_eq!(t.find("#name").text(), "name=Ada");
}
