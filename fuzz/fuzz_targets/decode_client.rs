//! Fuzz target: `decode_client` never panics, and whatever decodes re-encodes to a frame
//! that decodes to the same meaning.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vango::protocol::decode_client;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = decode_client(data) {
        let mut out = Vec::new();
        frame.encode(&mut out);
        assert_eq!(decode_client(&out).as_ref(), Ok(&frame));
        assert!(out.len() <= data.len());
    }
});
