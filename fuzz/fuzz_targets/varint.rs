//! Fuzz target: varint decoders never panic, accept only canonical encodings, and agree
//! with each other.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vango::protocol::varint::{get_i32, get_u32, get_u64, put_i32, put_u32, put_u64};

fuzz_target!(|data: &[u8]| {
    let u64v = get_u64(data);
    if let Ok((v, n)) = u64v {
        let mut out = Vec::new();
        put_u64(&mut out, v);
        assert_eq!(&data[..n], &out[..]);
    }
    match get_u32(data) {
        Ok((v, n)) => {
            let mut out = Vec::new();
            put_u32(&mut out, v);
            assert_eq!(&data[..n], &out[..]);
            assert_eq!(u64v, Ok((v as u64, n)));
            let (i, m) = get_i32(data).unwrap();
            let mut out = Vec::new();
            put_i32(&mut out, i);
            assert_eq!((&out[..], m), (&data[..n], n));
        }
        Err(e) => {
            if let Ok((v, _)) = u64v {
                assert!(v > u32::MAX as u64, "{e:?} for {v}");
            }
        }
    }
});
