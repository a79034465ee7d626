//! Form POSTs over plain HTTP on real sockets (raw bytes): post/redirect/get with the
//! cookie set, a refusal re-rendered with its errors (422), and every bad body: no length
//! (411), too large (413), wrong type (415), malformed (400), bad CSRF (403), too slow.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use vango::live::form::CSRF_FIELD;
use vango::live::form::{post_form, use_submission, FormReply};
use vango::live::use_cookie_session;
use vango::prelude::*;
use vango::protocol::{Op, ServerFrame};
use vango::server::{Limits, RunningServer, SecretKey};
use vango::vdom::{Event, EventData, Patch};
use vango_test_support::client::{attr, page, Client};
use vango_test_support::raw::*;

/// The signing page: the signer from the cookie session, the form, a refusal's error.
fn sign_page() -> impl Render {
    let sub = use_submission();
    let err = sub.as_ref().and_then(|s| s.error("who").map(str::to_owned));
    let kept = sub
        .as_ref()
        .and_then(|s| s.value("note").map(str::to_owned));
    let who = use_cookie_session().get_str("who").unwrap_or_default();
    move || {
        div((
            p(format!("who=[{who}]")),
            post_form(
                "/sign",
                (
                    input().attr("name", "who"),
                    input()
                        .attr("name", "note")
                        .attr("value", kept.clone().unwrap_or_default()),
                ),
            )
            .attr("id", "f"),
            err.clone().map(|e| p(format!("error=[{e}]"))),
        ))
    }
}

fn start(limits: Limits) -> RunningServer {
    vango::App::new()
        .secret_key(SecretKey::from_bytes([9; 32]))
        .workers(1)
        .limits(limits)
        .page("/", sign_page)
        .page("/sign", sign_page)
        .form("/sign", |f| match f.get("who") {
            Some(w) if !w.trim().is_empty() => {
                use_cookie_session().set("who", w).unwrap();
                FormReply::redirect("/sign?done=1")
            }
            _ => f.invalid([("who", "a name, please")]),
        })
        .form("/away", |_| FormReply::redirect("https://evil.example/"))
        .spawn("127.0.0.1:0")
        .unwrap()
}

fn get(addr: SocketAddr, path: &str, cookie: &str) -> Resp {
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Connection: close\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

/// POSTs `body` to `path` as a form (type and length given unless `None`).
fn post(addr: SocketAddr, path: &str, cookie: &str, ty: Option<&str>, body: &str) -> Resp {
    let mut raw = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        raw.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(ty) = ty {
        raw.push_str(&format!("Content-Type: {ty}\r\n"));
    }
    if !body.is_empty() || ty.is_some() {
        raw.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    raw.push_str("\r\n");
    raw.push_str(body);
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

const FORM: &str = "application/x-www-form-urlencoded";

fn html(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The CSRF token of the page's form (the hidden `_csrf` field's value).
fn form_token(page: &str) -> String {
    let at = page.find(r#"name="_csrf""#).expect("a CSRF field");
    let open = page[..at].rfind('<').unwrap();
    attr(&page[open..], "value")
}

#[test]
fn post_redirect_get_sets_the_cookie_the_next_page_reads() {
    let srv = start(Limits::default());
    let a = srv.local_addr();
    let page = html(&get(a, "/sign", ""));
    assert!(page.contains(r#" method="post" action="/sign""#), "{page}");
    let token = form_token(&page);
    let r = post(
        a,
        "/sign",
        "",
        Some(FORM),
        &format!("_csrf={token}&who=Ada+L%C3%B6w&note=hi"),
    );
    assert_eq!(r.status, 303, "{}", html(&r));
    assert_eq!(r.header("location"), Some("/sign?done=1"));
    let cookie = r
        .header("set-cookie")
        .expect("the cookie")
        .split(';')
        .next()
        .unwrap();
    let next = html(&get(a, "/sign?done=1", cookie));
    assert!(next.contains("who=[Ada Löw]"), "{next}");
    // The next form's token is bound to the new cookie session: it posts fine.
    let token = form_token(&next);
    let r = post(
        a,
        "/sign",
        cookie,
        Some(FORM),
        &format!("_csrf={token}&who=Bo"),
    );
    assert_eq!(r.status, 303);
    // Without the cookie (another browser) the same token is refused.
    let r = post(a, "/sign", "", Some(FORM), &format!("_csrf={token}&who=Bo"));
    assert_eq!(r.status, 403);
}

#[test]
fn a_refusal_re_renders_the_page_with_its_errors() {
    let srv = start(Limits::default());
    let a = srv.local_addr();
    let token = form_token(&html(&get(a, "/sign", "")));
    let r = post(
        a,
        "/sign",
        "",
        Some(FORM),
        &format!("_csrf={token}&who=+&note=kept%21"),
    );
    assert_eq!(r.status, 422);
    let page = html(&r);
    assert!(page.contains("error=[a name, please]"), "{page}");
    assert!(
        page.contains(r#"value="kept!""#),
        "the submitted value comes back: {page}"
    );
    assert!(page.ends_with("</body></html>"), "a full page");
    assert!(
        !page.contains("vango-boot"),
        "static: a live mount would drop the errors"
    );
    assert_eq!(r.header("set-cookie"), None);
}

#[test]
fn bad_bodies_get_their_status() {
    let srv = start(Limits::default());
    let a = srv.local_addr();
    let token = form_token(&html(&get(a, "/sign", "")));
    let ok = format!("_csrf={token}&who=x");
    assert_eq!(post(a, "/sign", "", None, "").status, 411, "no length");
    assert_eq!(post(a, "/sign", "", Some("text/plain"), &ok).status, 415);
    assert_eq!(
        post(a, "/sign", "", Some("multipart/form-data; boundary=x"), &ok).status,
        415
    );
    let typed = "application/x-www-form-urlencoded; charset=UTF-8";
    assert_eq!(
        post(a, "/sign", "", Some(typed), &ok).status,
        303,
        "parameters allowed"
    );
    assert_eq!(
        post(a, "/sign", "", Some(FORM), &format!("{ok}&bad=%G0")).status,
        400
    );
    assert_eq!(
        post(a, "/sign", "", Some(FORM), "who=x").status,
        403,
        "no token"
    );
    let forged = format!("_csrf={}&who=x", "0".repeat(44));
    assert_eq!(post(a, "/sign", "", Some(FORM), &forged).status, 403);
    let big = format!("{ok}&pad={}", "a".repeat(64 * 1024));
    assert_eq!(post(a, "/sign", "", Some(FORM), &big).status, 413);
    assert_eq!(
        post(a, "/away", "", Some(FORM), &ok).status,
        500,
        "off-site redirect"
    );
    assert_eq!(post(a, "/elsewhere", "", Some(FORM), &ok).status, 404);
    let r = post(a, "/", "", Some(FORM), &ok);
    assert!(matches!(r.status, 404 | 405), "{}", r.status);
    let mut raw = format!("POST /sign HTTP/1.1\r\nHost: {a}\r\nContent-Type: {FORM}\r\n");
    raw.push_str("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");
    assert_eq!(roundtrip(a, raw.as_bytes()).unwrap().status, 411, "chunked");
    // The server keeps answering.
    assert_eq!(get(a, "/sign", "").status, 200);
}

#[test]
fn a_slow_body_is_cut_off() {
    let srv = start(Limits {
        header_timeout: Duration::from_millis(400),
        ..Default::default()
    });
    let a = srv.local_addr();
    let mut s = connect(a);
    let head = format!(
        "POST /sign HTTP/1.1\r\nHost: {a}\r\nContent-Type: {FORM}\r\nContent-Length: 100\r\n\r\nwho="
    );
    s.write_all(head.as_bytes()).unwrap();
    let t = Instant::now();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 256];
    let n = s.read(&mut buf).unwrap_or(0);
    assert_eq!(
        n,
        0,
        "closed without an answer: {:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}

/// Submits form `hid` over the socket with `fields`; returns the answer's ops.
fn submit(c: &mut Client, seq: u64, hid: u32, fields: &[(&str, &str)]) -> Vec<Op> {
    let fields = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    c.send(vango::protocol::ClientFrame::Event {
        seq,
        event: Event {
            hid,
            name: "submit",
            data: EventData::Form(fields),
        },
    });
    match c.recv() {
        Some(ServerFrame::Patches { ops, .. }) => ops,
        other => panic!("a Patches frame, got {other:?}"),
    }
}

/// With the client running, the same form goes over the socket to the same handler: a
/// refusal re-mounts the page with its errors, a redirect navigates in place and the
/// cookie write comes as a ticket.
#[test]
fn the_same_form_submits_over_the_socket() {
    let srv = start(Limits::default());
    let a = srv.local_addr();
    let info = page(a);
    assert!(
        info.html.contains("data-on=\"submit"),
        "the submit is listened to: {}",
        info.html
    );
    let form = info.hid("f");
    let token = form_token(&info.html);
    let mut c = Client::open(a, &info);
    assert!(
        c.try_recv(300).is_none(),
        "the live mount equals the first paint (same token)"
    );
    let ops = submit(
        &mut c,
        1,
        form,
        &[(CSRF_FIELD, &token), ("who", " "), ("note", "kept!")],
    );
    let html = match &ops[..] {
        [Op::Patch(Patch::ReplaceNode { html, .. }), Op::SetTitle(_), Op::PushUrl { replace: true, url }] =>
        {
            assert_eq!(url, "/");
            html.clone()
        }
        other => panic!("a re-mount in place, got {other:?}"),
    };
    assert!(html.contains("error=[a name, please]"), "{html}");
    assert!(html.contains(r#"value="kept!""#), "{html}");
    let form = {
        let at = html.find(r#"id="f""#).unwrap();
        let open = html[..at].rfind('<').unwrap();
        attr(&html[open..], "data-hid").parse().unwrap()
    };
    let ops = submit(&mut c, 2, form, &[(CSRF_FIELD, &token), ("who", "Ada")]);
    match &ops[..] {
        [Op::Patch(Patch::ReplaceNode { html, .. }), Op::SetTitle(_), Op::PushUrl {
            replace: false,
            url,
        }, Op::CookieTicket(_)] => {
            assert_eq!(url, "/sign?done=1");
            assert!(html.contains("who=[Ada]"), "{html}");
        }
        other => panic!("a navigation with a ticket, got {other:?}"),
    }
}
