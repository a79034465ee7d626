//! Run with: VANGO_DEV=1 cargo run --example devreload (a debug build: dev mode is always
//! off in release).
//!
//! Hot reload's demo page: a typed input echoed by the server, a query-bound tab, a cookie
//! session name, a long body to scroll, and a stylesheet from a static folder. Edit
//! `examples/devreload/app.css` and the style changes in place; restart the process and
//! the open tab comes back on the same URL with its typed value, scroll, tab and name.
//! `DEVRELOAD_STATIC` serves another folder; a `banner.txt` in it, read at startup, is the
//! heading (the e2e test's stand-in for an edited source file).

use vango::prelude::*;

fn home(banner: String) -> impl Render {
    set_title("Dev reload");
    let tab = url_state("tab");
    let name = signal(use_cookie_session().get_str("name").unwrap_or_default());
    let note = signal(String::new());
    move || {
        let who = match name.get() {
            n if n.is_empty() => "Nobody signed in".to_owned(),
            n => format!("Signed in as {n}"),
        };
        div((
            h1(banner.clone()).id("banner"),
            p("This text is styled by app.css").id("styled"),
            p(who).id("who"),
            button("Sign in as Ada").id("sign-in").on_click(move |_| {
                if use_cookie_session().set("name", "Ada").is_ok() {
                    name.set("Ada".to_owned());
                }
            }),
            p(format!("Tab: {}", tab.get_or("a"))).id("tab"),
            button("Tab b").id("tab-b").on_click(move |_| tab.set("b")),
            input()
                .id("note")
                .attr("name", "note")
                .on_input(move |e| note.set(e.value().to_owned())),
            p(format!("Echo: {}", note.get())).id("echo"),
            div((0..150)
                .map(|i| p(format!("Line {i}")).class("filler"))
                .collect::<Vec<_>>()),
            p("The end").id("end"),
        ))
    }
}

/// The app (public so tests can mount it in-process).
pub fn app() -> std::io::Result<vango::App> {
    let dir = std::env::var("DEVRELOAD_STATIC")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/examples/devreload").into());
    let banner = std::fs::read_to_string(format!("{dir}/banner.txt"))
        .map_or_else(|_| "Dev reload".to_owned(), |b| b.trim().to_owned());
    Ok(vango::App::new()
        .title("Dev reload")
        .head("<link rel=\"stylesheet\" href=\"/static/app.css\">")
        .static_dir(vango::server::StaticDir::new("/static/", dir)?)
        .page("/", move || home(banner.clone())))
}

fn main() -> std::io::Result<()> {
    app()?.serve_env()
}
