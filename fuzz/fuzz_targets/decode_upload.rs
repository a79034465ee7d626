//! Fuzz target: `decode_upload` (the Upload frame, 0x07) never panics, and whatever
//! decodes re-encodes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vango::protocol::upload::decode_upload;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = decode_upload(data) {
        let mut out = Vec::new();
        frame.encode(&mut out);
        assert_eq!(decode_upload(&out).as_ref(), Ok(&frame));
    }
});
