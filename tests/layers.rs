//! The architecture, checked: reads every file under `src/`, resolves its `crate::` /
//! `super::` / `self::` paths to files, and fails when a layer imports a layer above it
//! (the order of `LAYERS`, as `ARCHITECTURE.md` states it) or when files import each other
//! in a loop.
//!
//! Comments, doc comments and a file's trailing `#[cfg(test)] mod tests` are not read:
//! intra-doc links and unit tests are not dependencies of the shipped code. A folder's
//! `mod.rs` (and `lib.rs`, `prelude.rs`) is a façade: its `mod` and `pub use` lines
//! declare and re-export, so they are not edges; its other imports are.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Lowest first: a file may import only files of its own layer or of layers before it.
const LAYERS: &[&str] = &[
    "reactive",
    "vdom",
    "render",
    "protocol",
    "component",
    "view",
    "features",
    "server",
    "router",
    "live",
    "app",
    "testing",
    "prelude",
    "lib",
    "docs",
];

/// One source file: its module path (`["live", "conn"]`) and its code without comments.
struct Source {
    module: Vec<String>,
    code: String,
}

fn read_tree(root: &Path) -> BTreeMap<PathBuf, Source> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                let text = fs::read_to_string(&path).unwrap();
                out.insert(
                    rel.clone(),
                    Source {
                        module: module_of(&rel),
                        code: strip(&text),
                    },
                );
            }
        }
    }
    out
}

/// `live/conn.rs` → `["live", "conn"]`; `live/mod.rs` → `["live"]`; `lib.rs` → `[]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

/// The code without comments, string literals' contents, and a trailing unit-test module.
fn strip(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Every path the code names: `use` trees expanded (`use a::{b, c::d}` → `a::b`,
/// `a::c::d`), plus inline `crate::…` / `super::…` paths. Façade files skip `pub use`.
fn paths(src: &Source, facade: bool) -> Vec<(Vec<String>, bool)> {
    let mut found = Vec::new();
    let code = &src.code;
    let mut rest = code.as_str();
    // `use` statements.
    while let Some(i) = find_use(rest) {
        let after = &rest[i..];
        let end = after.find(';').unwrap_or(after.len());
        let stmt = &after[..end];
        let is_pub = rest[..i].trim_end().ends_with("pub") || rest[..i].ends_with("pub(crate) ");
        let body = stmt.trim_start_matches("use").trim();
        if !(facade && is_pub) {
            for p in expand(body) {
                found.push((p, true));
            }
        }
        rest = &after[end..];
    }
    // Inline paths anywhere in the code (also inside `use` lines: harmless duplicates).
    for start in ["crate::", "super::"] {
        let mut at = 0;
        while let Some(i) = code[at..].find(start) {
            let s = at + i;
            let prev = code[..s].chars().last().unwrap_or(' ');
            at = s + start.len();
            if prev.is_alphanumeric() || prev == '_' || prev == '{' || prev == ',' {
                continue;
            }
            let tail: String = code[s..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segs: Vec<String> = tail
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            found.push((segs, false));
        }
    }
    found
}

/// The byte offset of the next `use ` keyword that starts a statement.
fn find_use(s: &str) -> Option<usize> {
    let mut at = 0;
    while let Some(i) = s[at..].find("use ") {
        let j = at + i;
        let prev = s[..j].chars().last().unwrap_or('\n');
        if prev == '\n' || prev == ' ' || prev == ';' || prev == '{' || prev == '}' {
            let line_start = s[..j].rfind('\n').map_or(0, |k| k + 1);
            let lead = s[line_start..j].trim();
            if lead.is_empty() || lead == "pub" || lead.starts_with("pub(") {
                return Some(j);
            }
        }
        at = j + 4;
    }
    None
}

/// Expands a use tree into its leaf paths.
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    expand_into(&tree, &mut Vec::new(), &mut out);
    out
}

fn expand_into(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree.find('{') {
        None => {
            let mut p = prefix.clone();
            let t = tree.split(" as ").next().unwrap_or(tree).trim();
            p.extend(segments(t));
            out.push(p);
        }
        Some(open) => {
            let head = &tree[..open];
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let n = prefix.len();
            prefix.extend(segments(head));
            for part in split_top(inner) {
                let part = part.trim();
                if part == "self" {
                    out.push(prefix.clone());
                } else if !part.is_empty() {
                    expand_into(part, prefix, out);
                }
            }
            prefix.truncate(n);
        }
    }
}

fn segments(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Splits `a, b::{c, d}, e` at top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// The file a path names: the longest module prefix that is a file of the tree.
fn resolve(
    from: &[String],
    path: &[String],
    modules: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<PathBuf> {
    // `super` is the parent of the module: a file's folder, a folder's (`mod.rs`) parent.
    let mut base: Vec<String> = from.to_vec();
    let mut segs = path.iter().peekable();
    match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            base.clear();
            segs.next();
        }
        Some("super") => {
            while segs.peek().map(|s| s.as_str()) == Some("super") {
                segs.next();
                base.pop();
            }
        }
        Some("self") => {
            segs.next();
        }
        _ => return None,
    }
    let mut full = base;
    full.extend(segs.cloned());
    (0..=full.len())
        .rev()
        .find_map(|n| modules.get(&full[..n]).cloned())
}

/// Checks `tree` and returns every violation found, one line each.
fn check(tree: &BTreeMap<PathBuf, Source>) -> Vec<String> {
    let modules: BTreeMap<Vec<String>, PathBuf> = tree
        .iter()
        .map(|(p, s)| (s.module.clone(), p.clone()))
        .collect();
    let layer_of = |p: &Path| -> usize {
        let first = p.iter().next().unwrap().to_string_lossy();
        let name = first.trim_end_matches(".rs");
        LAYERS
            .iter()
            .position(|l| *l == name)
            .unwrap_or_else(|| panic!("{}: layer {name:?} is not in LAYERS", p.display()))
    };
    let mut problems = Vec::new();
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, src) in tree {
        let name = file.file_name().unwrap().to_string_lossy();
        let facade = name == "mod.rs" || name == "lib.rs" || name == "prelude.rs";
        for (path, _) in paths(src, facade) {
            let Some(target) = resolve(&src.module, &path, &modules) else {
                continue;
            };
            if &target == file {
                continue;
            }
            let (a, b) = (layer_of(file), layer_of(&target));
            if b > a {
                problems.push(format!(
                    "{} (layer {}) imports {} (layer {}, above it): {}",
                    file.display(),
                    LAYERS[a],
                    target.display(),
                    LAYERS[b],
                    path.join("::")
                ));
            }
            edges.entry(file.clone()).or_default().insert(target);
        }
    }
    for cycle in cycles(&edges) {
        let names: Vec<String> = cycle.iter().map(|p| p.display().to_string()).collect();
        problems.push(format!("import loop: {}", names.join(" → ")));
    }
    problems.sort();
    problems.dedup();
    problems
}

/// One loop per strongly connected component with more than one file (Tarjan).
fn cycles(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct St<'a> {
        edges: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on: BTreeSet<&'a PathBuf>,
        next: usize,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(st: &mut St<'a>, v: &'a PathBuf) {
        st.index.insert(v, st.next);
        st.low.insert(v, st.next);
        st.next += 1;
        st.stack.push(v);
        st.on.insert(v);
        if let Some(ws) = st.edges.get(v) {
            for w in ws {
                if !st.index.contains_key(w) {
                    visit(st, w);
                    let lw = st.low[w];
                    let lv = st.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if st.on.contains(w) {
                    let iw = st.index[w];
                    let lv = st.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
        }
        if st.low[v] == st.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = st.stack.pop() {
                st.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                st.out.push(comp);
            }
        }
    }
    let mut st = St {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    let all: BTreeSet<&PathBuf> = edges
        .iter()
        .flat_map(|(k, vs)| std::iter::once(k).chain(vs))
        .collect();
    for v in all {
        if !st.index.contains_key(v) {
            visit(&mut st, v);
        }
    }
    st.out
}

#[test]
fn layers_import_only_downward_and_files_never_in_a_loop() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let tree = read_tree(&root);
    assert!(tree.len() > 50, "read only {} files", tree.len());
    let problems = check(&tree);
    assert!(
        problems.is_empty(),
        "architecture violations:\n{}",
        problems.join("\n")
    );
}

/// The checker itself: an upward import and a two-file loop must both be reported.
#[test]
fn the_checker_finds_an_upward_import_and_a_loop() {
    let file = |path: &str, code: &str| {
        let rel = PathBuf::from(path);
        (
            rel.clone(),
            Source {
                module: module_of(&rel),
                code: strip(code),
            },
        )
    };
    let tree: BTreeMap<PathBuf, Source> = [
        file("lib.rs", "pub mod vdom;\npub mod live;\n"),
        file("vdom/mod.rs", "pub mod a;\npub mod b;\npub use a::A;\n"),
        file(
            "vdom/a.rs",
            "//! A.\nuse super::b::B; // loop\npub struct A(B);\n",
        ),
        file(
            "vdom/b.rs",
            "use super::{a::{self, A}};\nuse crate::live::Session;\n",
        ),
        file("live/mod.rs", "pub struct Session;\nuse crate::vdom::A;\n"),
    ]
    .into_iter()
    .collect();
    let problems = check(&tree);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("vdom/b.rs (layer vdom) imports live/mod.rs")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p == "import loop: vdom/a.rs → vdom/b.rs"),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn use_trees_expand_to_their_leaves() {
    let got = expand("crate::vdom::{diff::{diff, mount}, node::VNode as N, self}");
    let want: Vec<Vec<String>> = [
        "crate::vdom::diff::diff",
        "crate::vdom::diff::mount",
        "crate::vdom::node::VNode",
        "crate::vdom",
    ]
    .iter()
    .map(|s| s.split("::").map(str::to_string).collect())
    .collect();
    assert_eq!(got, want);
}

/// The files allowed `unsafe`, one `// SAFETY:` block each: adopting systemd's inherited
/// fds, glibc's `malloc_trim` after a burst, and registering a parked socket in the core's
/// epoll set (`polling`). The crate denies it everywhere else.
const UNSAFE_ALLOWED: [&str; 3] = ["server/listen.rs", "server/trim.rs", "live/lot.rs"];

#[test]
fn unsafe_code_lives_only_in_the_allowed_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(root.join("lib.rs")).unwrap();
    assert!(
        lib.contains("#![deny(unsafe_code)]"),
        "lib.rs must deny unsafe_code"
    );
    let tree = read_tree(&root);
    let mut found = Vec::new();
    for (path, src) in &tree {
        let rel = path.to_string_lossy().replace('\\', "/");
        let code = src.code.replace("#![deny(unsafe_code)]", "");
        // Unsafe code, not the word (a CSP's 'unsafe-inline' is a string).
        let is_unsafe = [
            "unsafe {",
            "unsafe fn",
            "unsafe impl",
            "unsafe extern",
            "allow(unsafe_code)",
        ]
        .iter()
        .any(|k| code.contains(k));
        if is_unsafe && !UNSAFE_ALLOWED.contains(&rel.as_str()) {
            found.push(rel);
        }
    }
    assert!(
        found.is_empty(),
        "unsafe outside {UNSAFE_ALLOWED:?}: {found:?}"
    );
    for file in UNSAFE_ALLOWED {
        let allowed = fs::read_to_string(root.join(file)).unwrap();
        assert_eq!(
            allowed.matches("unsafe {").count(),
            1,
            "{file}: one unsafe block"
        );
        assert!(allowed.contains("// SAFETY:"), "{file}");
    }
}
