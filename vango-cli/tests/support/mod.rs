//! Shared by the CLI's tests: run the real `vango` binary in a scratch folder, with the
//! scaffold builds sharing one warm target folder, offline.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// `vango` with the test environment: offline, builds in `target/cli-scaffold`.
pub fn vango(dir: &Path) -> Command {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/cli-scaffold");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vango"));
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        .env_remove("VANGO_ADDR")
        .env_remove("VANGO_STATE_DIR");
    cmd
}

/// A fresh empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vango-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `vango args...` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    vango(dir).args(args).output().expect("vango runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `vango new NAME` in a fresh scratch folder; the project's folder.
pub fn scaffold(test: &str, name: &str) -> PathBuf {
    let dir = scratch(test);
    let out = run(&dir, &["new", name]);
    assert!(out.status.success(), "vango new: {}", stderr(&out));
    dir.join(name)
}

/// The body of `GET path`, or None if nothing answers.
pub fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Runs `vango args...` in `dir` for at most `limit`: a command expected to fail at once
/// (a port in use) must not hang the suite when it wrongly starts.
pub fn run_limited(dir: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = vango(dir)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vango runs");
    let t0 = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if t0.elapsed() > limit {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let out = child.wait_with_output().expect("output");
            panic!(
                "`vango {}` still running after {limit:?}: {}",
                args.join(" "),
                stderr(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}
