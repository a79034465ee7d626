//! `GlobalSignal::persisted`: values survive a restart; bursts coalesce into few saves.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use vango::features::bus::Bus;
use vango::features::global::GlobalSignal;
use vango::features::persist::{FileStore, Persist, Store};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vango-gp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Counts saves, and makes each one slow like an fsync on a real disk.
struct Counting {
    inner: FileStore,
    saves: AtomicUsize,
}

impl Store for Counting {
    fn load(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        self.inner.load(key)
    }
    fn save(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        self.saves.fetch_add(1, SeqCst);
        std::thread::sleep(Duration::from_millis(1));
        self.inner.save(key, bytes)
    }
}

#[test]
fn values_survive_a_restart() {
    let seed = fastrand::u64(..);
    println!("seed {seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    let dir = temp_dir("restart");
    let store: Arc<dyn Store + Send + Sync> = Arc::new(FileStore::open(&dir).unwrap());
    let name = GlobalSignal::persisted(&Bus::new(), store.clone(), "name", String::new()).unwrap();
    let count = GlobalSignal::persisted(&Bus::new(), store.clone(), "count", 0i64).unwrap();
    let flag = GlobalSignal::persisted(&Bus::new(), store.clone(), "flag", false).unwrap();
    assert_eq!(
        name.get_untracked(),
        "",
        "nothing stored yet: the initial value"
    );
    let mut expect = (String::new(), 0i64, false);
    for _ in 0..50 {
        expect.0 = (0..rng.usize(0..20)).map(|_| rng.alphanumeric()).collect();
        expect.1 = rng.i64(..);
        expect.2 = rng.bool();
        name.set(expect.0.clone());
        count.set(expect.1);
        flag.update(|f| *f = expect.2);
    }
    for r in [name.flush(), count.flush(), flag.flush()] {
        r.unwrap();
    }
    // A restart: a new bus, a new store on the same directory.
    let store: Arc<dyn Store + Send + Sync> = Arc::new(FileStore::open(&dir).unwrap());
    let bus = Bus::new();
    let name = GlobalSignal::persisted(&bus, store.clone(), "name", String::from("x")).unwrap();
    let count = GlobalSignal::persisted(&bus, store.clone(), "count", 7i64).unwrap();
    let flag = GlobalSignal::persisted(&bus, store, "flag", !expect.2).unwrap();
    assert_eq!(
        (
            name.get_untracked(),
            count.get_untracked(),
            flag.get_untracked()
        ),
        expect,
        "seed {seed}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn undecodable_file_gives_the_initial_value() {
    let dir = temp_dir("garbage");
    let store = Arc::new(FileStore::open(&dir).unwrap());
    store.save("n", b"abc").unwrap(); // 3 bytes: not a u32
    let n = GlobalSignal::persisted(&Bus::new(), store.clone(), "n", 42u32).unwrap();
    assert_eq!(n.get_untracked(), 42);
    n.flush().unwrap(); // nothing written yet
    assert_eq!(
        store.load("n").unwrap(),
        None,
        "the garbage went aside, not overwritten"
    );
    n.set(5);
    n.flush().unwrap();
    assert_eq!(u32::from_bytes(&store.load("n").unwrap().unwrap()), Some(5));
    let bad_key = GlobalSignal::persisted(&Bus::new(), store, "../escape", 0u32);
    assert_eq!(bad_key.unwrap_err().kind(), io::ErrorKind::InvalidInput);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_burst_coalesces_and_ends_with_the_last_value() {
    let dir = temp_dir("burst");
    let store = Arc::new(Counting {
        inner: FileStore::open(&dir).unwrap(),
        saves: AtomicUsize::new(0),
    });
    let n = GlobalSignal::persisted(&Bus::new(), store.clone(), "n", 0u64).unwrap();
    for _ in 0..10_000 {
        n.update(|v| *v += 3);
    }
    n.flush().unwrap();
    let on_disk = u64::from_bytes(&store.inner.load("n").unwrap().unwrap());
    assert_eq!(on_disk, Some(30_000));
    let saves = store.saves.load(SeqCst);
    println!("{saves} saves for 10000 writes");
    assert!(
        (1..1_000).contains(&saves),
        "{saves} saves: bursts must coalesce"
    );
    // After `flush` the saver is quiet: no save of an already saved version, so nothing
    // touches the directory (a stray save here once broke the cleanup below in CI).
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(store.saves.load(SeqCst), saves, "a save after flush");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["n"], "only the value's file, no temporary left");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A store that always fails: writes still succeed in memory; `flush` reports the error.
struct Broken;

impl Store for Broken {
    fn load(&self, _: &str) -> io::Result<Option<Vec<u8>>> {
        Ok(None)
    }
    fn save(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
    }
}

#[test]
fn flush_reports_a_failed_save() {
    let v = GlobalSignal::persisted(&Bus::new(), Arc::new(Broken), "v", vec![1u8]).unwrap();
    assert!(v.flush().is_ok(), "nothing written: nothing to save");
    v.set(vec![2, 3]);
    assert_eq!(v.get_untracked(), [2, 3]);
    assert_eq!(v.flush().unwrap_err().kind(), io::ErrorKind::StorageFull);
    let plain = GlobalSignal::new(&Bus::new(), 1);
    assert!(plain.flush().is_ok(), "not persisted: a no-op");
}

fn round_trips<T: Persist + PartialEq + std::fmt::Debug>(v: T, seed: u64) {
    assert_eq!(
        T::from_bytes(&v.to_bytes()).as_ref(),
        Some(&v),
        "seed {seed}"
    );
}

#[test]
fn persist_encodings_round_trip_and_reject_bad_input() {
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    for _ in 0..1_000 {
        round_trips(rng.i32(..), seed);
        round_trips(rng.i64(..), seed);
        round_trips(rng.u32(..), seed);
        round_trips(rng.u64(..), seed);
        round_trips(rng.usize(..), seed);
        round_trips(rng.bool(), seed);
        let bytes: Vec<u8> = (0..rng.usize(0..40)).map(|_| rng.u8(..)).collect();
        round_trips(bytes.clone(), seed);
        let text: String = (0..rng.usize(0..20)).map(|_| rng.char(..)).collect();
        round_trips(text, seed);
        // Wrong lengths and invalid UTF-8 decode to None, never panic.
        if bytes.len() != 4 {
            assert_eq!(u32::from_bytes(&bytes), None, "seed {seed}");
        }
        if bytes.len() != 8 {
            assert_eq!(i64::from_bytes(&bytes), None, "seed {seed}");
        }
        if std::str::from_utf8(&bytes).is_err() {
            assert_eq!(String::from_bytes(&bytes), None, "seed {seed}");
        }
    }
    assert_eq!(bool::from_bytes(&[2]), None);
    assert_eq!(7u64.to_bytes(), [7, 0, 0, 0, 0, 0, 0, 0], "little-endian");
}

#[test]
fn a_value_that_does_not_decode_is_kept_aside_not_overwritten() {
    let dir = temp_dir("aside");
    let store = Arc::new(FileStore::open(&dir).unwrap());
    store.save("count", b"not eight bytes").unwrap();
    let g = GlobalSignal::persisted(&Bus::new(), store.clone(), "count", 7u64).unwrap();
    assert_eq!(g.get_untracked(), 7, "starts from the initial value");
    let aside: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("count.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "kept aside once: {aside:?}");
    assert_eq!(
        std::fs::read(dir.join(&aside[0])).unwrap(),
        b"not eight bytes",
        "the unreadable bytes survive for a person to look at"
    );
    g.set(8);
    g.flush().unwrap();
    assert_eq!(
        store.load("count").unwrap().as_deref(),
        Some(&8u64.to_le_bytes()[..])
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn opening_a_store_removes_temp_files_of_dead_processes_only() {
    let dir = temp_dir("temps");
    std::fs::create_dir_all(&dir).unwrap();
    // A pid that certainly ran and is gone: a child that exited and was reaped.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let names = [
        format!(".k.{dead}.3.tmp"),
        format!(".k.{}.4.tmp", std::process::id()),
        ".k.1.5.tmp".to_string(), // pid 1 always runs
        "k".to_string(),
    ];
    for n in &names {
        std::fs::write(dir.join(n), b"x").unwrap();
    }
    FileStore::open(&dir).unwrap();
    for (i, n) in names.iter().enumerate() {
        assert_eq!(dir.join(n).exists(), i != 0, "{n}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Saves slowly, so a value written just before shutdown is still in flight when the
/// server stops unless shutdown waits for it.
struct Slow(FileStore);

impl Store for Slow {
    fn load(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        self.0.load(key)
    }
    fn save(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        std::thread::sleep(Duration::from_millis(300));
        self.0.save(key, bytes)
    }
}

#[test]
fn shutdown_saves_the_latest_value_of_persisted_globals() {
    let dir = temp_dir("shutdown");
    let store = Arc::new(Slow(FileStore::open(&dir).unwrap()));
    let app = vango::App::new();
    let g = GlobalSignal::persisted(app.bus(), store.clone(), "last", 0u64).unwrap();
    let srv = app
        .page("/", || || vango::prelude::p("x"))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    g.set(41);
    g.set(42);
    srv.shutdown();
    assert_eq!(
        store.0.load("last").unwrap().as_deref(),
        Some(&42u64.to_le_bytes()[..]),
        "the write made before shutdown is on disk when shutdown returns"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
