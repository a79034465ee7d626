//! Signed cookie sessions over real sockets (raw bytes): the first paint reads them, a page
//! setup writes them, the flags, tampering and forging, a restart with the same key, and
//! the WebSocket's CSRF token bound to the cookie session, and a live session's write
//! stored through a cookie ticket.

use std::io::Write;
use std::net::SocketAddr;

use vango::live::use_cookie_session;
use vango::prelude::*;
use vango::protocol::Op;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, ServerFrame};
use vango::server::{RunningServer, SecretKey};
use vango_test_support::client::{attr, page, Client};
use vango_test_support::raw::*;

fn app(key: u8) -> vango::App {
    vango::App::new()
        .secret_key(SecretKey::from_bytes([key; 32]))
        .workers(1)
        .page("/", || {
            let name = use_cookie_session().get_str("name").unwrap_or_default();
            move || {
                div((
                    p(format!("name=[{name}]")).attr("id", "name"),
                    // Writes the cookie session and changes nothing on the page.
                    button("remember").attr("id", "remember").on_click(|_| {
                        use_cookie_session().set("name", "clicked").unwrap();
                    }),
                ))
            }
        })
        .page("/set/:name", || {
            let name: String = use_request().param("name").unwrap_or_default();
            let s = use_cookie_session();
            s.set("name", &name).unwrap();
            let visits = s.get::<u32>("visits").unwrap_or(0) + 1;
            s.set("visits", visits).unwrap();
            move || p(format!("visits={visits}"))
        })
}

fn start(key: u8) -> RunningServer {
    app(key).spawn("127.0.0.1:0").unwrap()
}

/// GETs `path` with `extra` header lines; returns the response.
fn get(addr: SocketAddr, path: &str, extra: &str) -> Resp {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

fn body(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The `vango_session=...` pair of a `Set-Cookie` answer.
fn cookie_of(r: &Resp) -> String {
    let h = r.header("set-cookie").expect("Set-Cookie");
    h.split(';').next().unwrap().to_owned()
}

#[test]
fn a_write_sets_a_signed_cookie_the_first_paint_reads() {
    let srv = start(1);
    let a = srv.local_addr();
    let r = get(a, "/", "");
    assert_eq!(r.header("set-cookie"), None, "nothing written, no cookie");
    assert!(body(&r).contains("name=[]"));
    let r = get(a, "/set/ada", "");
    assert_eq!(r.status, 200);
    let h = r.header("set-cookie").unwrap();
    assert!(h.starts_with("vango_session="), "{h}");
    assert!(
        h.ends_with("; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax"),
        "30 days, no Secure over plain HTTP: {h}"
    );
    let c = cookie_of(&r);
    let r = get(a, "/", &format!("Cookie: theme=x; {c}\r\n"));
    assert!(body(&r).contains("name=[ada]"), "{}", body(&r));
    let r = get(a, "/set/bob", &format!("Cookie: {c}\r\n"));
    assert!(body(&r).contains("visits=2"), "{}", body(&r));
    let c2 = cookie_of(&r);
    let id = |c: &str| c.split('.').nth(1).unwrap().to_owned();
    assert_eq!(id(&c), id(&c2), "the browser keeps its session id");
}

#[test]
fn tampered_and_forged_cookies_are_ignored() {
    let (srv, other) = (start(1), start(2));
    let c = cookie_of(&get(srv.local_addr(), "/set/ada", ""));
    let forged = cookie_of(&get(other.local_addr(), "/set/eve", ""));
    let tampered = c.replacen("name=ada", "name=eve", 1);
    assert_ne!(tampered, c);
    let truncated = &c[..c.len() - 2];
    for bad in [
        forged.as_str(),
        tampered.as_str(),
        truncated,
        "vango_session=",
        "vango_session=a.b.c.d",
    ] {
        let r = get(srv.local_addr(), "/", &format!("Cookie: {bad}\r\n"));
        assert_eq!(r.status, 200);
        assert!(body(&r).contains("name=[]"), "{bad}: {}", body(&r));
    }
}

#[test]
fn the_cookie_session_survives_a_restart_with_the_same_key() {
    let srv = start(7);
    let c = cookie_of(&get(srv.local_addr(), "/set/ada", ""));
    srv.shutdown();
    let again = start(7);
    let r = get(again.local_addr(), "/", &format!("Cookie: {c}\r\n"));
    assert!(body(&r).contains("name=[ada]"), "{}", body(&r));
    let rekeyed = start(8);
    let r = get(rekeyed.local_addr(), "/", &format!("Cookie: {c}\r\n"));
    assert!(body(&r).contains("name=[]"), "another key: {}", body(&r));
}

#[test]
fn secure_only_behind_a_trusted_proxy_over_https() {
    let plain = start(1);
    let r = get(plain.local_addr(), "/set/a", "X-Forwarded-Proto: https\r\n");
    assert!(
        !r.header("set-cookie").unwrap().contains("Secure"),
        "untrusted header"
    );
    let proxied = app(1).trust_proxy(true).spawn("127.0.0.1:0").unwrap();
    let r = get(
        proxied.local_addr(),
        "/set/a",
        "X-Forwarded-Proto: https\r\n",
    );
    assert!(r.header("set-cookie").unwrap().ends_with("; Secure"));
    let r = get(
        proxied.local_addr(),
        "/set/a",
        "X-Forwarded-Proto: http\r\n",
    );
    assert!(!r.header("set-cookie").unwrap().contains("Secure"));
}

/// Upgrades with `cookie` (may be empty) and says Hello for a new session with `csrf`:
/// `Ok(())` when answered New, `Err(protocol close code)` when closed.
fn open_session(addr: SocketAddr, cookie: &str, csrf: &str, hash: u32) -> Result<(), u16> {
    hello_with(addr, cookie, csrf, "", hash).map(|_| ())
}

/// Upgrades with `cookie` and says Hello with `csrf` for `session` (`""`: a new one):
/// `Ok(status)` of the ServerHello, `Err(protocol close code)` when closed.
fn hello_with(
    addr: SocketAddr,
    cookie: &str,
    csrf: &str,
    session: &str,
    hash: u32,
) -> Result<HelloStatus, u16> {
    let mut s = connect(addr);
    let mut raw = ws_request(&addr.to_string(), Some(&format!("http://{addr}")));
    raw.truncate(raw.len() - 2);
    if !cookie.is_empty() {
        raw.extend_from_slice(format!("Cookie: {cookie}\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    s.write_all(&raw).unwrap();
    let mut pending = Vec::new();
    assert_eq!(
        read_response(&mut s, &mut pending, false).unwrap().status,
        101
    );
    let mut hello = Vec::new();
    ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf: csrf.into(),
        session: session.into(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: hash,
        path: "/".into(),
    }
    .encode(&mut hello);
    s.write_all(&ws_frame(0x2, &hello)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let (op, payload) = read_ws_frame(&mut s, &mut pending).expect("an answer");
    match op {
        0x2 => match decode_server(&payload).unwrap() {
            ServerFrame::ServerHello { status, .. } => Ok(status),
            ServerFrame::Close { code, .. } => Err(u16::from(code)),
            other => panic!("unexpected {other:?}"),
        },
        0x8 => Err(u16::from_be_bytes([payload[0], payload[1]]) - 4000),
        other => panic!("opcode {other}"),
    }
}

/// A page's token opens a session only from the browser it was served to: one with the
/// same cookie session (or, for a page served without one, a browser without one).
#[test]
fn csrf_tokens_are_bound_to_the_cookie_session() {
    let srv = start(1);
    let a = srv.local_addr();
    let mine = cookie_of(&get(a, "/set/ada", ""));
    let theirs = cookie_of(&get(a, "/set/eve", ""));
    let page = get(a, "/", &format!("Cookie: {mine}\r\n"));
    let (token, hash) = (
        attr(&body(&page), "data-csrf"),
        attr(&body(&page), "data-hash"),
    );
    let hash: u32 = hash.parse().unwrap();
    let forbidden = Err(4);
    assert_eq!(open_session(a, &mine, &token, hash), Ok(()));
    assert_eq!(
        open_session(a, &theirs, &token, hash),
        forbidden,
        "another browser"
    );
    assert_eq!(open_session(a, "", &token, hash), forbidden, "no cookie");
    let anon = get(a, "/", "");
    let anon_token = attr(&body(&anon), "data-csrf");
    assert_eq!(open_session(a, "", &anon_token, hash), Ok(()));
    assert_eq!(
        open_session(a, &mine, &anon_token, hash),
        forbidden,
        "an attacker's own token in a victim's browser"
    );
}

/// POSTs a cookie ticket with `origin` and `cookie` header lines (either may be empty).
fn redeem(addr: SocketAddr, ticket: &str, origin: &str, cookie: &str) -> Resp {
    let mut raw = format!("POST /_vango/cookie HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !origin.is_empty() {
        raw.push_str(&format!("Origin: {origin}\r\n"));
    }
    if !cookie.is_empty() {
        raw.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    raw.push_str(&format!(
        "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{ticket}",
        ticket.len()
    ));
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

/// A handler's cookie write in a live session comes back as a ticket in the next frame
/// (even when the page does not change); redeeming it sets the cookie, once per browser
/// and only from this site.
#[test]
fn a_live_write_travels_as_a_ticket_the_client_redeems() {
    let srv = start(1);
    let a = srv.local_addr();
    let info = page(a);
    let mut c = Client::open(a, &info);
    let frame = c.click(1, info.hid("remember"));
    let ServerFrame::Patches { ops, .. } = frame else {
        panic!("a Patches frame, got {frame:?}");
    };
    let [Op::CookieTicket(ticket)] = &ops[..] else {
        panic!("one ticket op, got {ops:?}");
    };
    let origin = format!("http://{a}");
    let other = cookie_of(&get(a, "/set/eve", ""));
    assert_eq!(redeem(a, ticket, "", "").status, 403, "no Origin");
    assert_eq!(redeem(a, ticket, "http://evil.example", "").status, 403);
    assert_eq!(
        redeem(a, ticket, &format!("https://{a}"), "").status,
        403,
        "scheme"
    );
    assert_eq!(
        redeem(a, ticket, &origin, &other).status,
        403,
        "another browser"
    );
    let tampered = ticket.replacen("name=clicked", "name=mallory", 1);
    assert_ne!(&tampered, ticket);
    assert_eq!(redeem(a, &tampered, &origin, "").status, 403);
    let get_it = format!("GET /_vango/cookie HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\n\r\n");
    assert_eq!(roundtrip(a, get_it.as_bytes()).unwrap().status, 405);
    let r = redeem(a, ticket, &origin, "");
    assert_eq!(r.status, 204);
    let h = r.header("set-cookie").unwrap();
    assert!(
        h.ends_with("; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax"),
        "{h}"
    );
    let cookie = cookie_of(&r);
    let shown = get(a, "/", &format!("Cookie: {cookie}\r\n"));
    assert!(body(&shown).contains("name=[clicked]"), "{}", body(&shown));
    // The same ticket again from the browser that now holds it: the same cookie.
    assert_eq!(redeem(a, ticket, &origin, &cookie).status, 204);
    // Every write brings its own ticket.
    let again = c.click(2, info.hid("remember"));
    assert!(
        matches!(&again, ServerFrame::Patches { ops, .. } if matches!(&ops[..], [Op::CookieTicket(_)])),
        "{again:?}"
    );
}

/// A tab whose page was served before the browser had a cookie session (a live write gave
/// it one since) still resumes its session when the socket comes back with the cookie.
#[test]
fn a_tab_resumes_after_its_browser_got_a_cookie_session() {
    let srv = start(1);
    let a = srv.local_addr();
    let info = page(a);
    let mut c = Client::open(a, &info);
    let id = c.id.clone();
    let frame = c.click(1, info.hid("remember"));
    let ServerFrame::Patches { ops, .. } = frame else {
        panic!("{frame:?}");
    };
    let [Op::CookieTicket(ticket)] = &ops[..] else {
        panic!("{ops:?}");
    };
    let cookie = cookie_of(&redeem(a, ticket, &format!("http://{a}"), ""));
    drop(c);
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_eq!(
        hello_with(a, &cookie, &info.csrf, &id, info.hash),
        Ok(HelloStatus::Resumed)
    );
    // A new session with that old page's token is bound to no cookie: refused.
    assert_eq!(open_session(a, &cookie, &info.csrf, info.hash), Err(4));
}
