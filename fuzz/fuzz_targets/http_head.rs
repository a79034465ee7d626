//! Fuzz target: the HTTP request-head parser and the WebSocket handshake check never panic,
//! and what parses is consistent (used bytes within the input, body within the used bytes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vango::server::http::{parse_request, Parsed};
use vango::server::websocket::{check_handshake, origin_matches_host};
use vango::server::{Limits, MAX_HEADERS_CAP};

fuzz_target!(|data: &[u8]| {
    // The first byte picks small limits sometimes, so the limit paths are reached too.
    let (limits, data) = match data.split_first() {
        Some((&b, rest)) if b & 1 == 1 => (
            Limits {
                max_request_line: 16 + usize::from(b >> 2),
                max_head: 32 + usize::from(b),
                max_headers: usize::from(b >> 3),
                max_body: usize::from(b),
                ..Limits::default()
            },
            rest,
        ),
        Some((_, rest)) => (Limits::default(), rest),
        None => (Limits::default(), data),
    };
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS_CAP];
    let n = limits.max_headers.min(MAX_HEADERS_CAP);
    match parse_request(data, &mut headers[..n], &limits) {
        Ok(Parsed::Complete(req, used)) => {
            assert!(used <= data.len());
            assert!(req.body().len() <= limits.max_body);
            assert!(req.body().len() <= used);
            assert!(req.target().len() <= limits.max_request_line);
            assert!(req.path().len() <= req.target().len());
            assert!(req.query().len() <= req.target().len());
            let _ = req.keep_alive();
            let _ = req.is_get_or_head();
            for (name, value) in req.headers() {
                assert!(req.header(name).is_some());
                let _ = value;
            }
            match check_handshake(&req, data.len() % 2 == 0) {
                Ok(accept) => {
                    assert_eq!(req.method(), "GET");
                    assert_eq!(accept.len(), 28);
                }
                Err(status) => assert!(matches!(status, 400 | 403 | 405 | 426)),
            }
            if let (Some(o), Some(h)) = (req.header("origin"), req.header("host")) {
                let _ = origin_matches_host(o, h, req.scheme(true));
            }
        }
        Ok(Parsed::Partial(need)) => {
            if let Some(total) = need {
                assert!(total > data.len());
                assert!(total <= limits.max_head + limits.max_body);
            } else {
                assert!(data.len() <= limits.max_head);
            }
        }
        Err(e) => {
            assert!(matches!(e.status(), 400 | 411 | 413 | 414 | 431 | 501));
        }
    }
});
