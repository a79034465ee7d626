//! Restarts over real sockets: with one key file, a token from one server process opens a
//! session in the next; a resume naming a session (or a core) the server does not have is
//! answered Gone whatever its token; stale tokens open no session; a key file others can
//! read is refused.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use vango::live::{Csrf, SessionConfig};
use vango::protocol::{HelloStatus, Op, ServerFrame};
use vango::server::{RunningServer, SecretKey};
use vango::vdom::Patch;
use vango::App;
use vango_test_support::client::{page, Client, PageInfo};
use vango_test_support::counter::{app, set_text, Counter};

const DAY: u64 = 86_400;

/// A fresh directory for this test's key files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vango-restart-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The counter on `workers` cores, its key in `key`.
fn serve(workers: usize, key: &Path, config: SessionConfig) -> RunningServer {
    App::new()
        .title("Counter")
        .page_view("/", || Counter::new(0))
        .workers(workers)
        .sessions(config)
        .secret_key_file(key)
        .spawn("127.0.0.1:0")
        .unwrap()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A token signed with the key in `key`, issued at `issued`: what another process with
/// the same key file handed out.
fn token_at(key: &Path, issued: u64) -> String {
    let key = SecretKey::load_or_create(key).unwrap();
    Csrf::new(&key, Duration::from_secs(DAY))
        .token_at(issued)
        .unwrap()
}

fn status(f: &ServerFrame) -> Option<HelloStatus> {
    match f {
        ServerFrame::ServerHello { status, .. } => Some(*status),
        _ => None,
    }
}

/// The close code and reason, if `f` is a Close frame.
fn closed_with(f: &ServerFrame) -> Option<(u8, &str)> {
    match f {
        ServerFrame::Close { code, reason } => Some((*code, reason.as_str())),
        _ => None,
    }
}

#[test]
fn a_token_from_the_previous_process_opens_a_session_in_the_next() {
    let d = dir("next");
    let key = d.join("secret.key");
    let a = serve(2, &key, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(a.local_addr());
    let mut c = Client::connect(a.local_addr());
    let id = c.new_session(&csrf, hash);
    assert_eq!(set_text(&c.click(1, 3)), Some((1, 1, "Count: 1".into())));
    drop(c);
    a.shutdown();

    let b = serve(2, &key, SessionConfig::default());
    // The tab resumes: its session died with the old process. Gone, not a CSRF refusal.
    let mut c = Client::connect(b.local_addr());
    let answer = c.hello(&csrf, &id, 1, 1, hash);
    assert_eq!(status(&answer), Some(HelloStatus::Gone), "{answer:?}");
    // It starts over with the same page token; hash 0 (its DOM was patched) asks for a
    // full render.
    let mut c = Client::connect(b.local_addr());
    c.new_session(&csrf, 0);
    match c.recv() {
        Some(ServerFrame::Patches { seq: 1, ops, .. }) => assert!(
            matches!(&ops[..], [Op::Patch(Patch::ReplaceNode { hid: 1, html })] if html.contains("Count: 0")),
            "{ops:?}"
        ),
        other => panic!("expected a full render, got {other:?}"),
    }
    assert_eq!(set_text(&c.click(1, 3)), Some((2, 1, "Count: 1".into())));
    b.shutdown();

    // A process with another key refuses the token.
    let other = serve(1, &d.join("other.key"), SessionConfig::default());
    let mut c = Client::connect(other.local_addr());
    let answer = c.hello(&csrf, "", 0, 0, hash);
    assert_eq!(
        closed_with(&answer),
        Some((4, "bad CSRF token")),
        "{answer:?}"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_resume_of_an_unknown_session_is_gone_whatever_the_token() {
    let d = dir("unknown");
    let key = d.join("secret.key");
    let srv = serve(1, &key, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let unknown = format!("00{}", "5a".repeat(16));
    let stale = token_at(&key, now() - 2 * DAY);
    let foreign = Csrf::new(&SecretKey::from_bytes([3; 32]), Duration::from_secs(DAY))
        .token()
        .unwrap();
    for token in [csrf.as_str(), &stale, &foreign, "", "not a token"] {
        let mut c = Client::connect(srv.local_addr());
        let answer = c.hello(token, &unknown, 4, 4, hash);
        assert_eq!(
            status(&answer),
            Some(HelloStatus::Gone),
            "{token:?}: {answer:?}"
        );
    }
    // A live session: its id is the credential, so a token past its age still resumes
    // it; one not signed with this key does not.
    let mut c = Client::connect(srv.local_addr());
    let id = c.new_session(&csrf, hash);
    drop(c);
    let mut c = Client::connect(srv.local_addr());
    let answer = c.hello(&stale, &id, 0, 0, hash);
    assert_eq!(status(&answer), Some(HelloStatus::Resumed), "{answer:?}");
    drop(c);
    let mut c = Client::connect(srv.local_addr());
    let answer = c.hello(&foreign, &id, 0, 0, hash);
    assert_eq!(
        closed_with(&answer),
        Some((4, "bad CSRF token")),
        "{answer:?}"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn an_id_naming_a_core_the_server_does_not_run_is_gone() {
    let srv = app(2, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    // Twelve tries: each core receives some (all on one core has probability 2^-11).
    for (i, core) in ["09", "02", "ff"].iter().cycle().take(12).enumerate() {
        let id = format!("{core}{}", "c3".repeat(16));
        let mut c = Client::connect(srv.local_addr());
        c.send(vango::protocol::ClientFrame::Hello {
            version: vango::protocol::VERSION,
            csrf: csrf.clone(),
            session: id.clone(),
            last_patch_seq: 3,
            last_event_seq: 3,
            render_hash: hash,
            path: "/".into(),
        });
        match c.recv() {
            Some(ServerFrame::ServerHello {
                status: HelloStatus::Gone,
                session,
                ..
            }) => assert_eq!(session, id),
            other => panic!("try {i}, core {core}: expected Gone, got {other:?}"),
        }
    }
}

#[test]
fn stale_tokens_open_no_session() {
    let d = dir("stale");
    let key = d.join("secret.key");
    let hour = SessionConfig {
        csrf_max_age: Duration::from_secs(3600),
        ..Default::default()
    };
    let srv = serve(1, &key, hour);
    let PageInfo { hash, .. } = page(srv.local_addr());
    let t = now();
    for (issued, fresh) in [
        (t - 1800, true),
        (t - 7200, false),
        (t - 2 * DAY, false),
        (t + 3600, false), // from the future: not fresh either
    ] {
        let mut c = Client::connect(srv.local_addr());
        let answer = c.hello(&token_at(&key, issued), "", 0, 0, hash);
        if fresh {
            assert_eq!(status(&answer), Some(HelloStatus::New), "{answer:?}");
        } else {
            assert_eq!(
                closed_with(&answer),
                Some((4, "expired CSRF token")),
                "issued {}s from now: {answer:?}",
                issued as i64 - t as i64
            );
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn key_files_with_loose_permissions_or_the_wrong_size_are_refused() {
    let d = dir("perms");
    let key = d.join("state").join("secret.key");
    // First start: created with mode 0600, its directory 0700.
    serve(1, &key, SessionConfig::default()).shutdown();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(&key), mode(key.parent().unwrap())), (0o600, 0o700));
    assert_eq!(std::fs::read(&key).unwrap().len(), 32);

    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let spawn = || {
        App::new()
            .page_view("/", || Counter::new(0))
            .secret_key_file(&key)
            .spawn("127.0.0.1:0")
    };
    let Err(err) = spawn() else {
        panic!("a 0644 key file is refused")
    };
    let text = err.to_string();
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied, "{text}");
    assert!(
        text.contains(&*key.to_string_lossy())
            && text.contains("0644")
            && text.contains("chmod 600"),
        "{text}"
    );

    std::fs::write(&key, [7u8; 16]).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let Err(err) = spawn() else {
        panic!("a 16-byte key file is refused")
    };
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
    assert!(err.to_string().contains("holds 16 bytes, not 32"), "{err}");
    assert_eq!(std::fs::read(&key).unwrap(), [7u8; 16], "never replaced");
    std::fs::remove_dir_all(&d).unwrap();
}
