//! Fuzz target: `decode_server` never panics, and whatever decodes re-encodes to exactly
//! the input (server frames have one encoding per meaning).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vango::protocol::decode_server;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = decode_server(data) {
        let mut out = Vec::new();
        frame.encode(&mut out);
        assert_eq!(out, data);
    }
});
