//! The `todo` workload's seeding: one browser (a cookie) with N todos added through the
//! example's no-JavaScript form, before the sessions open with that cookie (or, for
//! `todo-toggle`, one browser per session). Touches plain blocking sockets to the server
//! and nothing else.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

fn roundtrip(server: SocketAddr, raw: &str) -> String {
    let mut s = TcpStream::connect(server).expect("connect to the todo server");
    s.write_all(raw.as_bytes()).expect("send");
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read");
    String::from_utf8_lossy(&out).into_owned()
}

fn between<'a>(text: &'a str, open: &str, close: char) -> &'a str {
    let at = text.find(open).expect("a marker in the page") + open.len();
    let end = text[at..].find(close).unwrap_or(text.len() - at);
    &text[at..at + end]
}

/// Adds `n` todos for a new browser; its cookie (`name=value`).
pub fn seed(server: SocketAddr, n: usize) -> String {
    let host = format!("Host: {server}\r\nConnection: close\r\n");
    let page = roundtrip(server, &format!("GET / HTTP/1.1\r\n{host}\r\n"));
    let at = page
        .to_ascii_lowercase()
        .find("\r\nset-cookie: ")
        .expect("the first paint sets the cookie");
    let cookie = between(&page[at..], ": ", ';').to_owned();
    // The first paint gave the browser its session id; the forms' token is bound to it.
    let token = between(&page, "name=\"_csrf\" value=\"", '"').to_owned();
    for i in 0..n {
        let body = format!("_csrf={token}&title=Todo+number+{}", i + 1);
        let answer = roundtrip(
            server,
            &format!(
                "POST /todos HTTP/1.1\r\n{host}Cookie: {cookie}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        assert!(answer.starts_with("HTTP/1.1 303"), "seeding: {answer}");
    }
    cookie
}

/// Seeds `browsers` browsers with `n` todos each, on `threads` threads; their cookies, in
/// order (session `i` is browser `i`).
pub fn seed_many(server: SocketAddr, browsers: usize, n: usize, threads: usize) -> Vec<String> {
    let threads = threads.clamp(1, browsers.max(1));
    let per = browsers.div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = (0..threads)
            .map(|t| {
                let count = per.min(browsers.saturating_sub(t * per));
                s.spawn(move || (0..count).map(|_| seed(server, n)).collect::<Vec<_>>())
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("a seeding thread"))
            .collect()
    })
}
