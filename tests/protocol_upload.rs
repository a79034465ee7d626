//! The Upload frame decoder (`0x07`) under random input: valid frames round-trip, every
//! truncation and every random byte string gives a typed error or a frame, never a panic,
//! and limits are enforced.

use vango::protocol::upload::{decode_upload, FileMeta, UploadFrame, MAX_UPLOAD_FILES};
use vango::protocol::DecodeError;

/// A random Begin, Chunk (its bytes in `data`) or Cancel.
fn random_frame<'a>(r: &mut fastrand::Rng, data: &'a mut Vec<u8>) -> UploadFrame<'a> {
    let (key, xfer) = (r.u32(..), r.u32(..));
    match r.u8(0..3) {
        0 => UploadFrame::Begin {
            key,
            xfer,
            files: (0..r.usize(0..5))
                .map(|_| FileMeta {
                    name: (0..r.usize(0..20)).map(|_| r.char(..)).collect(),
                    size: r.u64(..),
                    content_type: "image/png".into(),
                })
                .collect(),
        },
        1 => {
            data.clear();
            data.extend((0..r.usize(1..3000)).map(|_| r.u8(..)));
            UploadFrame::Chunk {
                key,
                xfer,
                file: r.u32(..),
                offset: r.u64(..u64::MAX / 2),
                data,
            }
        }
        _ => UploadFrame::Cancel { key, xfer },
    }
}

#[test]
fn valid_frames_round_trip_and_truncations_are_errors() {
    let mut r = fastrand::Rng::with_seed(7);
    let mut data = Vec::new();
    for _ in 0..3000 {
        let f = random_frame(&mut r, &mut data);
        let mut out = Vec::new();
        f.encode(&mut out);
        assert_eq!(decode_upload(&out), Ok(f.clone()));
        // Cutting a Begin or Cancel anywhere is an error; a chunk cut after its header
        // is a shorter chunk.
        let chunk = matches!(f, UploadFrame::Chunk { .. });
        for cut in 0..out.len() {
            let d = decode_upload(&out[..cut]);
            if !chunk {
                assert!(d.is_err(), "{f:?} cut at {cut} decoded");
            }
        }
        if !chunk {
            out.push(0);
            assert_eq!(decode_upload(&out), Err(DecodeError::Trailing));
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut r = fastrand::Rng::with_seed(11);
    for _ in 0..200_000 {
        let mut b: Vec<u8> = (0..r.usize(0..40)).map(|_| r.u8(..)).collect();
        if r.bool() && !b.is_empty() {
            b[0] = 0x07;
        }
        let _ = decode_upload(&b);
    }
}

#[test]
fn limits_are_enforced() {
    // An empty chunk, an unknown kind, too many files, a too-long frame.
    assert_eq!(
        decode_upload(&[7, 1, 1, 1, 0, 0]),
        Err(DecodeError::Truncated)
    );
    assert_eq!(
        decode_upload(&[7, 3, 1, 1]),
        Err(DecodeError::Invalid("upload kind"))
    );
    let mut many = vec![7, 0, 1, 1];
    vango::protocol::varint::put_u32(&mut many, MAX_UPLOAD_FILES as u32 + 1);
    assert!(matches!(
        decode_upload(&many),
        Err(DecodeError::TooMany { .. })
    ));
    let big = vec![7u8; 64 * 1024 + 1];
    assert!(matches!(
        decode_upload(&big),
        Err(DecodeError::TooLarge { .. })
    ));
    // A chunk whose end would overflow u64.
    let mut o = vec![7, 1, 1, 1, 0];
    vango::protocol::varint::put_u64(&mut o, u64::MAX);
    o.push(1);
    assert_eq!(decode_upload(&o), Err(DecodeError::Overflow));
    assert_eq!(decode_upload(&[8]), Err(DecodeError::UnknownFrame(8)));
}
