//! `vango new` → `vango gen` → `vango test` → `vango build` on a fresh folder, offline, and
//! the clear errors (not a project, a bad or taken name, a missing target, a taken file).

mod support;

use std::fs;

use support::{run, scaffold, scratch, stderr, stdout};

/// One scaffold for the whole flow: its build is this file's cost.
#[test]
fn new_gen_test_build() {
    let app = scaffold("flow", "my-app");
    for f in [
        "Cargo.toml",
        "build.rs",
        "README.md",
        "src/routes/index.rs",
        "src/routes/_layout.rs",
        "src/components/counter.rs",
        "tests/counter.rs",
        "systemd/my-app.service",
        "static/app.css",
    ] {
        assert!(app.join(f).is_file(), "{f} missing");
    }
    let readme = fs::read_to_string(app.join("README.md")).unwrap();
    assert!(readme.contains("    vango dev\n") && readme.contains("    vango test\n"));
    assert!(fs::read_to_string(app.join("Cargo.toml"))
        .unwrap()
        .contains("[profile.min]"));

    for (kind, name, made) in [
        ("page", "about", vec!["src/routes/about.rs"]),
        ("page", "posts/[id]", vec!["src/routes/posts/[id].rs"]),
        (
            "route",
            "blog",
            vec!["src/routes/blog/_layout.rs", "src/routes/blog/index.rs"],
        ),
        (
            "component",
            "user-card",
            vec!["src/components/user_card.rs", "tests/user_card.rs"],
        ),
    ] {
        let out = run(&app, &["gen", kind, name]);
        assert!(out.status.success(), "gen {kind} {name}: {}", stderr(&out));
        for f in made {
            assert!(app.join(f).is_file(), "gen {kind} {name}: {f} missing");
        }
    }
    let again = run(&app, &["gen", "page", "about"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    // The generated pages are in the route table (vango-build), inside their layouts.
    fs::write(
        app.join("tests/generated.rs"),
        r#"
use vango::testing::LiveTest;
#[test]
fn generated_pages_are_routed() {
    let app = my_app::app();
    assert_eq!(LiveTest::mount(&app, "/about").find("main h1").text(), "About");
    assert_eq!(LiveTest::mount(&app, "/posts/7").find("main h1").text(), "Id");
    let blog = LiveTest::mount(&app, "/blog");
    assert_eq!(blog.find("section.blog h2").text(), "Blog");
    assert_eq!(blog.find("section.blog h1").text(), "Blog");
}
"#,
    )
    .unwrap();

    let test = run(&app, &["test"]);
    let text = stdout(&test);
    assert!(
        test.status.success(),
        "vango test: {text}\n{}",
        stderr(&test)
    );
    for name in [
        "counter_counts_clicks",
        "home_page_is_in_the_layout",
        "user_card_opens_on_click",
        "generated_pages_are_routed",
    ] {
        assert!(
            text.contains(&format!("test {name} ... ok")),
            "{name} did not pass:\n{text}"
        );
    }

    let build = run(&app, &["build"]);
    assert!(build.status.success(), "vango build: {}", stderr(&build));
    let line = stdout(&build);
    let (path, rest) = line.trim().split_once("  ").expect("path  size");
    assert!(path.ends_with("/min/my-app"), "{line}");
    let size: u64 = rest.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(fs::metadata(path).unwrap().len(), size);
    let _ = fs::remove_dir_all(app.parent().unwrap());
}

#[test]
fn outside_a_project_every_command_says_so() {
    let dir = scratch("outside");
    for args in [&["dev"][..], &["build"], &["test"], &["gen", "page", "x"]] {
        let out = run(&dir, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("not a Vango project"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"x\"\n[dependencies]\nserde = \"1\"\n",
    )
    .unwrap();
    let out = run(&dir, &["build"]);
    assert!(
        stderr(&out).contains("does not depend on `vango`"),
        "{}",
        stderr(&out)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_names_and_taken_folders_are_refused() {
    let dir = scratch("names");
    for bad in ["2fast", "a b", "../up", "-x"] {
        let out = run(&dir, &["new", bad]);
        assert!(!out.status.success(), "{bad}");
    }
    fs::create_dir(dir.join("taken")).unwrap();
    let out = run(&dir, &["new", "taken"]);
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let out = run(&dir, &["new", "x", "--path-to-vango", "/nonexistent"]);
    assert!(stderr(&out).contains("/nonexistent"), "{}", stderr(&out));
    assert_eq!(
        fs::read_dir(&dir).unwrap().count(),
        1,
        "nothing else was written"
    );
    let out = run(&dir, &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown command `frobnicate`"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_target_names_the_fix() {
    let app = scaffold("target", "tgt");
    let out = run(&app, &["build", "--target", "riscv64gc-unknown-none-elf"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("rustup target add riscv64gc-unknown-none-elf"),
        "{err}"
    );
    let _ = fs::remove_dir_all(app.parent().unwrap());
}
