//! The page's CSP nonce over a real socket: the header's `'nonce-…'` source names the
//! nonce the client's script and the app's head scripts carry, it is new for every
//! response, injected markup in the body gets none, and a response without a nonce (an
//! HTML asset) gets a CSP without nonce sources.

use std::net::SocketAddr;

use vango::prelude::*;
use vango::server::{RunningServer, StaticAsset};
use vango_test_support::raw::{roundtrip, Resp};

fn serve() -> RunningServer {
    vango::App::new()
        .head(r#"<script src="/app.js"></script><link rel="stylesheet" href="/a.css">"#)
        .page("/", || {
            || {
                div(raw_html(RawHtml::trusted(
                    r#"<script src="/app.js"></script>"#,
                )))
            }
        })
        .asset(StaticAsset::new(
            "/file.html",
            "text/html; charset=utf-8",
            b"<p>a file</p>",
            None,
        ))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap()
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

/// The nonce of the CSP's `script-src 'nonce-…'` source.
fn header_nonce(r: &Resp) -> String {
    let csp = r.header("content-security-policy").expect("a CSP");
    let at = csp.find("'nonce-").expect("a nonce source") + "'nonce-".len();
    csp[at..at + csp[at..].find('\'').unwrap()].to_owned()
}

#[test]
fn the_csp_nonce_is_the_one_the_page_scripts_carry_and_new_each_time() {
    let srv = serve();
    let a = srv.local_addr();
    let first = get(a, "/");
    assert_eq!(first.status, 200);
    let nonce = header_nonce(&first);
    assert_eq!(nonce.len(), 32, "128 bits in hex: {nonce}");
    let html = String::from_utf8_lossy(&first.body).into_owned();
    let tagged = format!(r#"nonce="{nonce}""#);
    // The head's script and the client's boot script carry it ...
    assert!(
        html.contains(&format!(r#"<script {tagged} src="/app.js"></script>"#)),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"src="/_vango/client.js" {tagged} id="vango-boot""#
        )),
        "{html}"
    );
    // ... and nothing else: markup in the body (raw HTML) does not.
    assert_eq!(html.matches(&tagged).count(), 2, "{html}");
    assert!(
        html.contains(r#"<script src="/app.js"></script></div>"#),
        "{html}"
    );
    // A fresh nonce per response.
    let second = header_nonce(&get(a, "/"));
    assert_ne!(nonce, second);
    // An HTML file served as it is: a CSP without nonce sources, its scripts by origin.
    let file = get(a, "/file.html");
    let csp = file.header("content-security-policy").expect("a CSP");
    assert!(
        !csp.contains("nonce") && !csp.contains("strict-dynamic"),
        "{csp}"
    );
    assert!(csp.contains("script-src 'self';"), "{csp}");
    srv.shutdown();
}
