//! Middleware (`App::middleware`) over real sockets and in live sessions: a redirect when
//! not signed in (303 over HTTP, a live navigation over the socket), the cookie session
//! it reads, headers it adds, its timing hook, a status answer, a guarded form POST, and a
//! redirect loop (bounded, 500, one `log::error!` line).

use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

use vango::app::Next;
use vango::prelude::*;
use vango::protocol::{Op, ServerFrame};
use vango::server::SecretKey;
use vango::testing::LiveTest;
use vango::App;
use vango_test_support::raw::*;

/// Captures log records (the loop's error line).
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, r: &log::Record<'_>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", r.level(), r.args()));
    }
    fn flush(&self) {}
}

/// Runs of the `/admin` form handler.
static HANDLED: AtomicUsize = AtomicUsize::new(0);

static LOG: Capture = Capture(Mutex::new(Vec::new()));

fn capture() {
    let _ = log::set_logger(&LOG);
    log::set_max_level(log::LevelFilter::Info);
}

fn lines(needle: &str) -> Vec<String> {
    let lines = LOG.0.lock().unwrap();
    lines
        .iter()
        .filter(|l| l.contains(needle))
        .cloned()
        .collect()
}

/// The answered statuses and the calls of the admin middleware.
#[derive(Default)]
struct Seen {
    status: AtomicU16,
    calls: AtomicUsize,
}

fn app(seen: Arc<Seen>) -> App {
    App::new()
        .secret_key(SecretKey::from_bytes([3; 32]))
        .workers(1)
        .layout("/", |outlet: Outlet| {
            move || div((nav("menu"), outlet.clone()))
        })
        .middleware("/", |m| {
            m.header("X-Frame-Note", "layouts");
            m.header("X-Bad", "a\r\nSet-Cookie: evil=1");
            Next::Continue
        })
        .middleware("/admin", move |m| {
            seen.calls.fetch_add(1, SeqCst);
            let seen = seen.clone();
            m.after(move |status| seen.status.store(status, SeqCst));
            if m.cookie_session().get_str("user").is_none() {
                return Next::redirect(format!("/login?next={}", m.path()));
            }
            m.header("Cache-Control", "private");
            Next::Continue
        })
        .middleware("/secret", |_| Next::Status(403))
        .middleware("/loop/a", |_| Next::redirect("/loop/b"))
        .middleware("/loop/b", |_| Next::redirect("/loop/a"))
        .middleware("/chain/:n", |m| {
            let n: u32 = m.request().param("n").unwrap_or(0);
            Next::redirect(format!("/chain/{}", n + 1))
        })
        .middleware("/away", |_| Next::redirect("https://example.com/"))
        .page("/", || || h1("Home"))
        .page("/admin", || {
            set_title("Admin");
            || h1("Admin")
        })
        .page("/admin/users/:id", || {
            let id: u32 = use_request().param("id").unwrap_or_default();
            move || h1(format!("User {id}"))
        })
        .form("/admin", |_| {
            HANDLED.fetch_add(1, SeqCst);
            vango::live::form::FormReply::redirect("/admin")
        })
        .page("/contact", || {
            || vango::live::form::post_form("/admin", (input().attr("name", "a"), button("Go")))
        })
        .page("/login", || {
            set_title("Sign in");
            let next = use_request().query().get("next").unwrap_or("").to_owned();
            move || h1(format!("Sign in for {next}"))
        })
        .page("/signin", || {
            use_cookie_session().set("user", "ada").unwrap();
            || h1("Signed in")
        })
        .page("/secret", || || h1("Secret"))
        .page("/loop/a", || || h1("A"))
        .page("/loop/b", || || h1("B"))
        .page("/chain/:n", || || h1("Chain"))
        .page("/away", || || h1("Away"))
}

fn get(a: std::net::SocketAddr, path: &str, extra: &str) -> Resp {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {a}\r\n{extra}Connection: close\r\n\r\n");
    roundtrip(a, raw.as_bytes()).expect("an answer")
}

fn body(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[test]
fn over_http_a_guest_is_redirected_and_a_signed_in_user_passes() {
    let seen = Arc::new(Seen::default());
    let srv = app(seen.clone()).spawn("127.0.0.1:0").unwrap();
    let a = srv.local_addr();
    let r = get(a, "/admin/users/4", "");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login?next=/admin/users/4"));
    assert_eq!(
        r.header("x-frame-note"),
        Some("layouts"),
        "headers on a redirect too"
    );
    assert_eq!(
        seen.status.load(SeqCst),
        303,
        "the after hook saw the answer"
    );
    assert_eq!(r.header("x-bad"), None, "a header with CR/LF is dropped");

    let signin = get(a, "/signin", "");
    let cookie = signin.header("set-cookie").expect("a cookie session");
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let r = get(a, "/admin/users/4", &format!("Cookie: {cookie}\r\n"));
    assert_eq!(r.status, 200, "{}", body(&r));
    assert!(body(&r).contains("User 4</h1>"));
    assert!(body(&r).contains("<nav"), "inside the layout");
    assert_eq!(r.header("cache-control"), Some("private"));
    assert_eq!(r.header("x-frame-note"), Some("layouts"));
    assert_eq!(seen.status.load(SeqCst), 200);

    // A forged cookie is no sign-in.
    let forged = cookie.replacen("user", "usr", 1);
    let r = get(a, "/admin", &format!("Cookie: {forged}x\r\n"));
    assert_eq!(r.status, 303);

    // A form POST under the prefix passes the middleware before its handler.
    let post = format!(
        "POST /admin HTTP/1.1\r\nHost: {a}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b"
    );
    let r = roundtrip(a, post.as_bytes()).expect("an answer");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login?next=/admin"));
    srv.shutdown();
}

#[test]
fn a_status_answer_renders_inside_the_layout() {
    let srv = app(Arc::default()).spawn("127.0.0.1:0").unwrap();
    let r = get(srv.local_addr(), "/secret", "");
    assert_eq!(r.status, 403);
    let html = body(&r);
    assert!(
        html.contains("403 Forbidden</h1>") && html.contains("<nav"),
        "{html}"
    );
    assert!(!html.contains("Secret</h1>"));
    let t = LiveTest::mount(&app(Arc::default()), "/");
    t.navigate("/secret");
    assert_eq!(t.find("h1").text(), "403 Forbidden");
    assert_eq!(t.find("nav").text(), "menu");
    srv.shutdown();
}

#[test]
fn live_navigation_runs_the_middleware_and_follows_the_redirect() {
    let seen = Arc::new(Seen::default());
    let t = LiveTest::mount(&app(seen.clone()), "/");
    let calls = seen.calls.load(SeqCst);
    t.navigate("/admin");
    assert_eq!(
        seen.calls.load(SeqCst),
        calls + 1,
        "ran on the live navigation"
    );
    assert_eq!(t.find("h1").text(), "Sign in for /admin");
    assert_eq!(t.path(), "/login");
    assert_eq!(t.title(), "Sign in");
    let ServerFrame::Patches { ops, .. } = t.frames().pop().unwrap() else {
        panic!("a Patches frame")
    };
    assert!(
        ops.contains(&Op::PushUrl {
            replace: true,
            url: "/login?next=/admin".into()
        }),
        "the browser's URL is the target's, no history entry for /admin: {ops:?}"
    );
    // A form submitted over the socket passes the same middleware before its handler.
    t.navigate("/contact");
    let handled = HANDLED.load(SeqCst);
    t.find("form").submit(&[("a", "b")]);
    assert_eq!(
        HANDLED.load(SeqCst),
        handled,
        "the guest never reached the handler"
    );
    assert_eq!(t.find("h1").text(), "Sign in for /admin");

    // Signed in (in this session's cookie session): it passes.
    t.navigate("/signin");
    t.navigate("/admin");
    assert_eq!(t.find("h1").text(), "Admin");
    assert_eq!(t.path(), "/admin");
    t.navigate("/contact");
    t.find("form").submit(&[("a", "b")]);
    assert_eq!(
        HANDLED.load(SeqCst),
        handled + 1,
        "signed in: the handler ran"
    );
    assert_eq!(t.find("h1").text(), "Admin");
}

#[test]
fn a_session_opened_on_a_guarded_url_mounts_the_target() {
    // The first paint answered 303; a live session asking for the URL anyway (a tab
    // kept open while the user signed out) mounts where the middleware sends it.
    let t = LiveTest::mount(&app(Arc::default()), "/admin");
    assert_eq!(t.status(), 303);
    assert_eq!(t.find("h1").text(), "Sign in for /admin");
}

#[test]
fn a_redirect_loop_is_a_500_with_one_clear_log_line() {
    capture();
    let srv = app(Arc::default()).spawn("127.0.0.1:0").unwrap();
    let r = get(srv.local_addr(), "/loop/a", "");
    assert_eq!(r.status, 500);
    assert!(
        body(&r).contains("500 Internal Server Error</h1>"),
        "{}",
        body(&r)
    );
    let l = lines("redirect loop: /loop/a -> /loop/b -> /loop/a");
    assert_eq!(l.len(), 1, "{:?}", lines("redirect"));
    assert!(l[0].starts_with("ERROR "), "{l:?}");

    // Without a repeat, the hops are bounded.
    let r = get(srv.local_addr(), "/chain/0", "");
    assert_eq!(r.status, 500);
    let l = lines("redirect loop: /chain/0 -> /chain/1");
    assert_eq!(l.len(), 1);
    assert!(l[0].contains("/chain/8 -> /chain/9"), "{l:?}");

    // Off-site: refused.
    let r = get(srv.local_addr(), "/away", "");
    assert_eq!(r.status, 500);
    assert_eq!(lines("redirected off-site").len(), 1);

    // Live: the 500 page in place, the session goes on.
    let t = LiveTest::mount(&app(Arc::default()), "/");
    t.navigate("/loop/b");
    assert_eq!(t.find("h1").text(), "500 Internal Server Error");
    assert_eq!(t.ended(), None);
    t.navigate("/");
    assert_eq!(t.find("h1").text(), "Home");
    srv.shutdown();
}

#[test]
fn over_a_socket_a_session_hello_on_a_guarded_url_lands_on_the_target() {
    use vango::protocol::{ClientFrame, HelloStatus};
    use vango_test_support::client::{page, Client};
    let srv = app(Arc::default()).spawn("127.0.0.1:0").unwrap();
    let a = srv.local_addr();
    let p = page(a);
    let mut c = Client::connect(a);
    c.send(ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf: p.csrf.clone(),
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: 0,
        path: "/admin".into(),
    });
    assert!(matches!(
        c.recv(),
        Some(ServerFrame::ServerHello {
            status: HelloStatus::New,
            ..
        })
    ));
    let mut ops = Vec::new();
    while let Some(ServerFrame::Patches { ops: o, .. }) = c.try_recv(500) {
        ops.extend(o);
    }
    let text = format!("{ops:?}");
    assert!(text.contains("Sign in for /admin"), "{text}");
    assert!(!text.contains(">Admin<"), "{text}");
    assert!(ops.contains(&Op::PushUrl {
        replace: true,
        url: "/login?next=/admin".into()
    }));
    assert!(ops.contains(&Op::SetTitle("Sign in".into())), "{text}");
    srv.shutdown();
}
