//! Varints: exhaustive-ish round trips, exact lengths, strictness (non-minimal, overlong,
//! overflow, truncated) and ZigZag.

use fastrand::Rng;
use vango::protocol::varint::*;
use vango::protocol::DecodeError;

#[test]
fn u32_round_trips_across_all_widths() {
    let mut r = Rng::with_seed(1);
    let mut values: Vec<u32> = (0..=20_000).collect();
    for shift in 0..32 {
        let b = 1u32 << shift;
        values.extend([b - 1, b, b.wrapping_add(1), u32::MAX >> shift]);
    }
    values.extend((0..100_000).map(|_| r.u32(..)));
    for v in values {
        let mut out = Vec::new();
        put_u32(&mut out, v);
        assert_eq!(out.len(), len_u64(v as u64), "{v}");
        assert!(out.len() <= 5);
        // A following byte is not consumed.
        out.push(0xff);
        assert_eq!(get_u32(&out), Ok((v, out.len() - 1)), "{v}");
        assert_eq!(get_u64(&out), Ok((v as u64, out.len() - 1)), "{v}");
    }
}

#[test]
fn u64_round_trips() {
    let mut r = Rng::with_seed(2);
    let mut values: Vec<u64> = vec![0, u64::MAX, u64::MAX - 1, 1 << 63];
    for shift in 0..64 {
        values.extend([(1u64 << shift) - 1, 1 << shift]);
    }
    values.extend((0..100_000).map(|_| r.u64(..) >> r.u32(0..64)));
    for v in values {
        let mut out = Vec::new();
        put_u64(&mut out, v);
        assert_eq!(out.len(), len_u64(v), "{v}");
        assert_eq!(get_u64(&out), Ok((v, out.len())), "{v}");
        let as_u32 = get_u32(&out);
        if v <= u32::MAX as u64 {
            assert_eq!(as_u32, Ok((v as u32, out.len())));
        } else {
            assert!(
                matches!(as_u32, Err(DecodeError::Overflow | DecodeError::Overlong)),
                "{v}"
            );
        }
    }
}

#[test]
fn zigzag_round_trips_and_orders_by_magnitude() {
    let mut r = Rng::with_seed(3);
    for v in [0, -1, 1, i32::MIN, i32::MAX]
        .into_iter()
        .chain((0..100_000).map(|_| r.i32(..)))
    {
        assert_eq!(unzigzag(zigzag(v)), v);
        let mut out = Vec::new();
        put_i32(&mut out, v);
        assert_eq!(get_i32(&out), Ok((v, out.len())));
    }
    assert_eq!((zigzag(0), zigzag(-1), zigzag(1), zigzag(-2)), (0, 1, 2, 3));
    assert_eq!(zigzag(i32::MIN), u32::MAX);
}

#[test]
fn every_non_minimal_encoding_is_rejected() {
    // Pad each value with extra zero groups: the decoder must refuse all of them.
    for v in [0u64, 1, 127, 128, 16383, 300_000] {
        let mut out = Vec::new();
        put_u64(&mut out, v);
        for extra in 1..4 {
            let mut padded = out.clone();
            *padded.last_mut().unwrap() |= 0x80;
            padded.extend(std::iter::repeat_n(0x80, extra - 1));
            padded.push(0x00);
            if padded.len() <= 5 {
                assert_eq!(get_u32(&padded), Err(DecodeError::Overlong), "{v} +{extra}");
            }
            assert_eq!(get_u64(&padded), Err(DecodeError::Overlong), "{v} +{extra}");
        }
    }
}

#[test]
fn truncated_overlong_and_overflow() {
    assert_eq!(get_u32(&[]), Err(DecodeError::Truncated));
    for n in 1..5 {
        assert_eq!(get_u32(&vec![0xff; n]), Err(DecodeError::Truncated), "{n}");
    }
    assert_eq!(get_u32(&[0xff; 5]), Err(DecodeError::Overlong));
    assert_eq!(get_u32(&[0xff, 0xff, 0xff, 0xff, 0x0f]), Ok((u32::MAX, 5)));
    for top in 0x10..0x80 {
        assert_eq!(
            get_u32(&[0xff, 0xff, 0xff, 0xff, top]),
            Err(DecodeError::Overflow),
            "{top:x}"
        );
    }
    assert_eq!(get_u64(&[0xff; 9]), Err(DecodeError::Truncated));
    assert_eq!(get_u64(&[0xff; 10]), Err(DecodeError::Overlong));
}

#[test]
fn random_bytes_never_panic_and_accepted_values_are_canonical() {
    let mut r = Rng::with_seed(4);
    for _ in 0..200_000 {
        let bytes: Vec<u8> = (0..r.usize(0..12)).map(|_| r.u8(..)).collect();
        if let Ok((v, n)) = get_u64(&bytes) {
            let mut out = Vec::new();
            put_u64(&mut out, v);
            assert_eq!(&bytes[..n], &out[..], "{bytes:02x?}");
        }
        if let Ok((v, n)) = get_u32(&bytes) {
            let mut out = Vec::new();
            put_u32(&mut out, v);
            assert_eq!(&bytes[..n], &out[..], "{bytes:02x?}");
        }
    }
}
