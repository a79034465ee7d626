//! `FileStore`: round trips, key validation, limits, and crash safety (a child process
//! saving in a tight loop is SIGKILLed at random times; the file always holds one whole value).

use std::io::ErrorKind;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use vango::features::persist::{FileStore, Store, MAX_KEY_LEN};

const CHILD_DIR: &str = "VANGO_PERSIST_CHILD_DIR";
const CHILD_START: &str = "VANGO_PERSIST_CHILD_START";
const KEY: &str = "state";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "vango-persist-{name}-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `seq` (8 bytes) + payload length (4) + payload (length depends on seq) + FNV-1a (8).
fn encode(seq: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seq);
    let len = rng.usize(0..8192);
    let mut v = Vec::with_capacity(20 + len);
    v.extend_from_slice(&seq.to_le_bytes());
    v.extend_from_slice(&(len as u32).to_le_bytes());
    v.extend((0..len).map(|_| rng.u8(..)));
    let sum = fnv(&v);
    v.extend_from_slice(&sum.to_le_bytes());
    v
}

/// The seq of a whole, well-formed value, or why it is not one.
fn decode(v: &[u8]) -> Result<u64, String> {
    if v.len() < 20 {
        return Err(format!("torn: {} bytes", v.len()));
    }
    let seq = u64::from_le_bytes(v[..8].try_into().unwrap());
    let len = u32::from_le_bytes(v[8..12].try_into().unwrap()) as usize;
    if v.len() != 20 + len {
        return Err(format!("torn: {} bytes, header says {}", v.len(), 20 + len));
    }
    let (body, sum) = v.split_at(12 + len);
    if fnv(body).to_le_bytes() != sum {
        return Err("checksum mismatch".into());
    }
    if v != encode(seq) {
        return Err(format!("not a value that was written (seq {seq})"));
    }
    Ok(seq)
}

#[test]
fn round_trip_and_overwrite() {
    let dir = temp_dir("rt");
    let store = FileStore::open(&dir).unwrap();
    assert_eq!(store.load("a").unwrap(), None);
    let mut rng = fastrand::Rng::new();
    for _ in 0..50 {
        let key = ["a", "b.json", "c-1_x"][rng.usize(..3)];
        let bytes: Vec<u8> = (0..rng.usize(0..3000)).map(|_| rng.u8(..)).collect();
        store.save(key, &bytes).unwrap();
        assert_eq!(store.load(key).unwrap().as_deref(), Some(&bytes[..]));
    }
    store.save("empty", b"").unwrap();
    assert_eq!(store.load("empty").unwrap(), Some(Vec::new()));
    // No temporary file is left behind by successful saves.
    assert_eq!(store.remove_stale_temps().unwrap(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_keys_are_rejected() {
    let dir = temp_dir("keys");
    let store = FileStore::open(&dir).unwrap();
    let long = "k".repeat(MAX_KEY_LEN + 1);
    for key in [
        "",
        ".hidden",
        "../escape",
        "a/b",
        "a\\b",
        "nul\0",
        "é",
        long.as_str(),
    ] {
        let e = store.save(key, b"x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{key:?}");
        assert_eq!(store.load(key).unwrap_err().kind(), ErrorKind::InvalidInput);
    }
    store.save(&"k".repeat(MAX_KEY_LEN), b"x").unwrap();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn oversized_file_is_an_error_not_an_allocation() {
    let dir = temp_dir("big");
    let store = FileStore::open(&dir).unwrap().with_max_value(100);
    store.save("v", &[7; 100]).unwrap();
    assert_eq!(store.load("v").unwrap().unwrap().len(), 100);
    store.save("v", &[7; 101]).unwrap();
    assert_eq!(store.load("v").unwrap_err().kind(), ErrorKind::InvalidData);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn concurrent_saves_leave_one_whole_value() {
    let dir = temp_dir("threads");
    let store = std::sync::Arc::new(FileStore::open(&dir).unwrap());
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let store = store.clone();
            thread::spawn(move || {
                for i in 0..25 {
                    store.save(KEY, &encode(t * 1000 + i)).unwrap();
                    let got = store.load(KEY).unwrap().unwrap();
                    decode(&got).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    decode(&store.load(KEY).unwrap().unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Not a test on its own: the child process of `killed_saver_never_leaves_a_torn_file`,
/// which saves increasing values in a tight loop until it is killed.
#[test]
#[ignore = "child process of killed_saver_never_leaves_a_torn_file"]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let start: u64 = std::env::var(CHILD_START).unwrap().parse().unwrap();
    let store = FileStore::open(dir).unwrap();
    for seq in start.. {
        store.save(KEY, &encode(seq)).unwrap();
    }
}

#[test]
fn killed_saver_never_leaves_a_torn_file() {
    let seed = fastrand::u64(..);
    println!("seed {seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    let dir = temp_dir("crash");
    let store = FileStore::open(&dir).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut last_seq = None::<u64>;
    let mut start = 0;
    for round in 0..40 {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child", "--ignored", "--test-threads", "1"])
            .env(CHILD_DIR, &dir)
            .env(CHILD_START, start.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if round == 0 {
            // Until the first save completes there is legitimately no file.
            let deadline = Instant::now() + Duration::from_secs(20);
            while store.load(KEY).unwrap().is_none() {
                assert!(Instant::now() < deadline, "child never saved");
                thread::sleep(Duration::from_millis(1));
            }
        }
        thread::sleep(Duration::from_micros(rng.u64(0..30_000)));
        child.kill().unwrap();
        child.wait().unwrap();

        let bytes = store
            .load(KEY)
            .unwrap()
            .unwrap_or_else(|| panic!("seed {seed} round {round}: file vanished"));
        let seq = decode(&bytes).unwrap_or_else(|e| panic!("seed {seed} round {round}: {e}"));
        if let Some(last) = last_seq {
            assert!(seq >= last, "seed {seed}: went back from {last} to {seq}");
        }
        last_seq = Some(seq);
        start = seq + 1;
    }
    // Kills between writing and renaming leave temporaries; startup cleans them.
    store.remove_stale_temps().unwrap();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
