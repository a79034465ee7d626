//! The routes-folder rules on real temporary folders: names to patterns, order, layouts,
//! the generated source, and a clear error (never a panic) for each invalid tree.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use vango_build::{generate, rerun_lines, scan, source, Error, Kind, RouteEntry};

/// A fresh folder holding `files` (empty files; a name ending in `/` is a folder); removed
/// on drop.
struct Tree(PathBuf);

impl Tree {
    fn new(files: &[&str]) -> Tree {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "vango-build-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for f in files {
            let path = dir.join(f);
            if f.ends_with('/') {
                fs::create_dir_all(&path).unwrap();
            } else {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, "").unwrap();
            }
        }
        Tree(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn table(files: &[&str]) -> Vec<(String, String, Kind)> {
    let t = Tree::new(files);
    scan(t.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|e| {
            (
                e.pattern,
                e.file.to_string_lossy().replace('\\', "/"),
                e.kind,
            )
        })
        .collect()
}

fn error(files: &[&str]) -> Error {
    let t = Tree::new(files);
    scan(t.path()).expect_err("an invalid tree")
}

fn page(pattern: &str, file: &str) -> (String, String, Kind) {
    (pattern.into(), file.into(), Kind::Page)
}

fn layout(pattern: &str, file: &str) -> (String, String, Kind) {
    (pattern.into(), file.into(), Kind::Layout)
}

#[test]
fn names_become_patterns_in_a_fixed_order() {
    let files = [
        "todos/[id].rs",
        "about.rs",
        "docs/[...path].rs",
        "index.rs",
        "todos/index.rs",
        "todos/[id]/edit.rs",
        "contact-us.rs",
        "v1.2/index.rs",
        "README.md",
        ".hidden.rs",
        "todos/notes.txt",
    ];
    let want = vec![
        page("/", "index.rs"),
        page("/about", "about.rs"),
        page("/contact-us", "contact-us.rs"),
        page("/docs/*path", "docs/[...path].rs"),
        page("/todos", "todos/index.rs"),
        page("/todos/:id", "todos/[id].rs"),
        page("/todos/:id/edit", "todos/[id]/edit.rs"),
        page("/v1.2", "v1.2/index.rs"),
    ];
    assert_eq!(table(&files), want);
    // The same tree created in another order scans the same.
    let mut reversed = files;
    reversed.reverse();
    assert_eq!(table(&reversed), want);
}

#[test]
fn layouts_wrap_their_folders_prefix() {
    let got = table(&[
        "_layout.rs",
        "index.rs",
        "todos/_layout.rs",
        "todos/index.rs",
        "todos/[id]/_layout.rs",
        "todos/[id]/index.rs",
    ]);
    assert_eq!(
        got,
        vec![
            layout("/", "_layout.rs"),
            page("/", "index.rs"),
            layout("/todos", "todos/_layout.rs"),
            page("/todos", "todos/index.rs"),
            layout("/todos/:id", "todos/[id]/_layout.rs"),
            page("/todos/:id", "todos/[id]/index.rs"),
        ]
    );
}

#[test]
fn generated_source_registers_pages_and_layouts() {
    let t = Tree::new(&[
        "_layout.rs",
        "index.rs",
        "todos/_layout.rs",
        "todos/[id].rs",
        "my-page.rs",
    ]);
    let entries = scan(t.path()).unwrap();
    let src = source(t.path(), &entries);
    let path = |f: &str| format!("#[path = {:?}]", t.path().join(f).to_string_lossy());
    for line in [
        format!("{}\nmod r0_layout;", path("_layout.rs")),
        format!("{}\nmod r1_index;", path("index.rs")),
        format!("{}\nmod r2_my_page;", path("my-page.rs")),
        format!("{}\nmod r3_todos_layout;", path("todos/_layout.rs")),
        format!("{}\nmod r4_todos_id;", path("todos/[id].rs")),
        "pub fn routes(app: ::vango::App) -> ::vango::App {\n    app\n\
         \x20       .layout(\"/\", r0_layout::layout)\n\
         \x20       .page(\"/\", r1_index::page)\n\
         \x20       .page(\"/my-page\", r2_my_page::page)\n\
         \x20       .layout(\"/todos\", r3_todos_layout::layout)\n\
         \x20       .page(\"/todos/:id\", r4_todos_id::page)\n}\n"
            .to_string(),
    ] {
        assert!(src.contains(&line), "missing {line:?} in\n{src}");
    }
    // Writing: the file holds the source; rewriting an unchanged table leaves it alone.
    let out = t.path().with_extension("routes.rs");
    generate(t.path(), &out).unwrap();
    assert_eq!(fs::read_to_string(&out).unwrap(), src);
    let before = fs::metadata(&out).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    generate(t.path(), &out).unwrap();
    assert_eq!(fs::metadata(&out).unwrap().modified().unwrap(), before);
    fs::remove_file(&out).unwrap();
}

#[test]
fn rerun_lines_name_the_folder_and_each_file() {
    let t = Tree::new(&["index.rs", "a/b.rs"]);
    let entries = scan(t.path()).unwrap();
    let lines = rerun_lines(t.path(), &entries);
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        format!("cargo:rerun-if-changed={}", t.path().display())
    );
    assert!(lines[2].ends_with("b.rs"), "{lines:?}");
}

#[test]
fn two_parameter_names_in_one_folder_conflict() {
    let e = error(&["todos/[id].rs", "todos/[slug].rs"]);
    assert_eq!(
        e,
        Error::Conflict {
            first: "todos/[id].rs".into(),
            second: "todos/[slug].rs".into(),
            pattern: "/todos/:id and /todos/:slug".into(),
        }
    );
    let msg = e.to_string();
    assert!(
        msg.contains("todos/[id].rs") && msg.contains("todos/[slug].rs"),
        "{msg}"
    );
    // A parameter file and a parameter folder of other names, too.
    assert!(matches!(
        error(&["[id].rs", "[slug]/edit.rs"]),
        Error::Conflict { .. }
    ));
    // The same name is one parameter.
    assert_eq!(table(&["[id].rs", "[id]/edit.rs"]).len(), 2);
}

#[test]
fn two_files_for_one_route_conflict() {
    for files in [
        &["about.rs", "about/index.rs"][..],
        &["[id].rs", "[id]/index.rs"],
        &["docs/[...a].rs", "docs/[...b].rs"],
    ] {
        let e = error(files);
        assert!(matches!(e, Error::Conflict { .. }), "{files:?}: {e:?}");
    }
}

#[test]
fn a_catch_all_folder_is_refused() {
    assert_eq!(
        error(&["docs/[...path]/index.rs"]),
        Error::CatchAllNotLast {
            file: "docs/[...path]".into()
        }
    );
    assert!(error(&["[...rest]/x.rs"])
        .to_string()
        .contains("must be the last segment"));
}

#[test]
fn bad_names_are_refused_with_the_reason() {
    for (file, reason) in [
        ("mod.rs", "index.rs"),
        ("_helpers.rs", "reserved"),
        ("a b.rs", "static name"),
        ("caf\u{e9}.rs", "static name"),
        ("[].rs", "parameter name"),
        ("[...].rs", "parameter name"),
        ("[a-b].rs", "parameter name"),
        ("[id.rs", "`[name]`"),
        ("x/[id/y.rs", "`[name]`"),
        ("_layout/index.rs", "reserved"),
        ("[id]/[id].rs", "appears twice"),
    ] {
        match error(&[file]) {
            Error::BadName { reason: r, .. } => assert!(r.contains(reason), "{file}: {r}"),
            e => panic!("{file}: {e:?}"),
        }
    }
}

#[test]
fn a_missing_folder_is_an_error_not_a_panic() {
    let t = Tree::new(&[]);
    let e = scan(&t.path().join("routes")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    assert!(e.to_string().contains("cannot read routes"), "{e}");
    // An empty folder is an empty table.
    assert_eq!(scan(t.path()).unwrap(), Vec::<RouteEntry>::new());
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_ends_in_an_error() {
    let t = Tree::new(&["index.rs", "a/"]);
    std::os::unix::fs::symlink(t.path(), t.path().join("a/b")).unwrap();
    let e = scan(t.path()).unwrap_err();
    assert!(e.to_string().contains("deeper than"), "{e}");
}
