//! `LiveRequest`: headers and cookies (one raw `Cookie` header, as a browser sends it) reach
//! the page in its first paint and in its live session; a request for a URL without a page
//! mounts the not-found page.

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
