//! `vango test`'s browser step on a fresh scaffold: the scaffolded browser test drives the
//! app in Chromium and passes, and a broken browser test fails `vango test` with its own
//! message. Needs Node.js (skipped, saying so, without it); the scaffolded test itself
//! skips when playwright-core or Chromium is missing.

mod support;

use std::fs;
use std::process::Command;

use support::{run, scaffold, stderr, stdout};

#[test]
fn vango_test_runs_the_browser_tests() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("skipped: node is not on PATH");
        return;
    }
    let app = scaffold("browser", "web-app");
    assert!(app.join("tests/browser/counter.mjs").is_file());

    let ok = run(&app, &["test"]);
    let out = format!("{}\n{}", stdout(&ok), stderr(&ok));
    assert!(ok.status.success(), "vango test: {out}");
    assert!(
        out.contains("the counter counts clicks in a real browser"),
        "the browser test ran: {out}"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if std::path::Path::new(&chromium).exists() {
        assert!(!out.contains("skipping the browser tests"), "{out}");
        assert!(out.contains("# pass 1"), "it passed, not skipped: {out}");
    }

    fs::write(
        app.join("tests/browser/broken.mjs"),
        "import { test } from 'node:test';\n\
         import assert from 'node:assert/strict';\n\
         test('a deliberately broken check', () => {\n\
           assert.equal(1 + 1, 3, 'the deliberately broken check says why');\n\
         });\n",
    )
    .unwrap();
    let broken = run(&app, &["test"]);
    let out = format!("{}\n{}", stdout(&broken), stderr(&broken));
    assert_eq!(broken.status.code(), Some(1), "vango test fails: {out}");
    assert!(
        out.contains("the deliberately broken check says why"),
        "the test's message: {out}"
    );
    assert!(out.contains("the browser tests failed"), "{out}");
    let _ = fs::remove_dir_all(app.parent().unwrap());
}
