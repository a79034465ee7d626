//! Named nodes over real sockets: the node in session ids and in the `vango_node` cookie
//! on pages, a resume on its own node, and a resume that reached another node (its own
//! is down) answered Gone there so the tab mounts afresh.

use vango::protocol::{HelloStatus, ServerFrame};
use vango::server::{RunningServer, SecretKey};
use vango::App;
use vango_test_support::client::{page, Client, PageInfo};
use vango_test_support::counter::{set_text, Counter};
use vango_test_support::raw::{roundtrip, ws_request};

fn node(name: Option<&str>) -> RunningServer {
    let app = App::new()
        .page_view("/", || Counter::new(0))
        .workers(2)
        .secret_key(SecretKey::from_bytes([7; 32]));
    match name {
        Some(n) => app.node(n),
        None => app,
    }
    .spawn("127.0.0.1:0")
    .unwrap()
}

fn status(frame: ServerFrame) -> HelloStatus {
    match frame {
        ServerFrame::ServerHello { status, .. } => status,
        other => panic!("{other:?}"),
    }
}

/// The `vango_node` cookie set by a page (`ws`: by the WebSocket upgrade's 101).
fn node_cookie(srv: &RunningServer, ws: bool) -> Option<String> {
    let addr = srv.local_addr();
    let get = match ws {
        true => ws_request(&addr.to_string(), Some(&format!("http://{addr}"))),
        false => format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes(),
    };
    let r = roundtrip(addr, &get).unwrap();
    assert_eq!(r.status, if ws { 101 } else { 200 });
    r.headers
        .into_iter()
        .find(|(n, v)| n.eq_ignore_ascii_case("set-cookie") && v.starts_with("vango_node="))
        .map(|(_, v)| v)
}

#[test]
fn a_named_node_names_itself_in_ids_and_cookies_and_resumes_only_its_own() {
    let (a, b) = (node(Some("a")), node(Some("node-b")));
    // On the page and on the 101 (a tab that failed over is routed to its new node).
    for ws in [false, true] {
        assert_eq!(
            node_cookie(&a, ws).as_deref(),
            Some("vango_node=a; Path=/; SameSite=Lax; HttpOnly")
        );
        assert_eq!(
            node_cookie(&b, ws).as_deref(),
            Some("vango_node=node-b; Path=/; SameSite=Lax; HttpOnly")
        );
    }
    let PageInfo { csrf, hash, .. } = page(a.local_addr());
    let mut c = Client::connect(a.local_addr());
    let id = c.new_session(&csrf, hash);
    assert!(id.starts_with("a.") && id.len() == 36, "{id}");
    assert_eq!(set_text(&c.click(1, 3)), Some((1, 1, "Count: 1".into())));
    drop(c);

    // On its own node: resumed, with its state.
    let mut c = Client::connect(a.local_addr());
    assert_eq!(
        status(c.hello(&csrf, &id, 1, 1, hash)),
        HelloStatus::Resumed
    );
    assert_eq!(set_text(&c.click(2, 3)), Some((2, 2, "Count: 2".into())));
    drop(c);

    // Sent to the other node (the proxy's failover): Gone, then a new session there,
    // named after that node, with the same page token (one secret key for all nodes).
    let mut c = Client::connect(b.local_addr());
    assert_eq!(status(c.hello(&csrf, &id, 2, 2, 0)), HelloStatus::Gone);
    let mut c = Client::connect(b.local_addr());
    let fresh = c.new_session(&csrf, hash);
    assert!(fresh.starts_with("node-b."), "{fresh}");

    // The same random part under another node's name, or under none, is not this
    // node's session: only the exact text it gave resumes.
    let bare = &id["a.".len()..];
    for other in [
        format!("node-b.{bare}"),
        bare.to_string(),
        format!("A.{bare}"),
    ] {
        let mut c = Client::connect(a.local_addr());
        assert_eq!(
            status(c.hello(&csrf, &other, 2, 2, 0)),
            HelloStatus::Gone,
            "{other}"
        );
    }
    let mut c = Client::connect(a.local_addr());
    assert_eq!(
        status(c.hello(&csrf, &id, 2, 2, hash)),
        HelloStatus::Resumed
    );
    a.shutdown();
    b.shutdown();
}

#[test]
fn without_a_node_ids_and_pages_are_as_before() {
    let srv = node(None);
    assert_eq!(node_cookie(&srv, false), None);
    assert_eq!(node_cookie(&srv, true), None);
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = c.new_session(&csrf, hash);
    assert!(
        id.len() == 34 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    drop(c);
    let mut c = Client::connect(srv.local_addr());
    assert_eq!(
        status(c.hello(&csrf, &id, 0, 0, hash)),
        HelloStatus::Resumed
    );
    srv.shutdown();
}

#[test]
fn a_bad_node_name_is_refused_at_start() {
    for bad in ["", "A", "a.b", "a b", "a_b", "abcdefghijklmnopq"] {
        let err = App::new()
            .node(bad)
            .page_view("/", || Counter::new(0))
            .spawn("127.0.0.1:0")
            .err()
            .unwrap_or_else(|| panic!("{bad:?} accepted"));
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{bad:?}");
    }
}
