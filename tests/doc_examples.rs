//! The documentation ratchet: scans `src/` for public items (`pub fn`, `struct`, `enum`,
//! `trait`, `type`, `const`, `static`) whose doc comment has no `# Examples` section and
//! fails when there are more than [`MAX_WITHOUT_EXAMPLES`]. Lower the constant whenever
//! examples are added; never raise it (document the new item instead).
//!
//! Reads files only. A file's trailing `#[cfg(test)] mod tests` is not scanned, and
//! neither is `pub(crate)` / `pub(super)`: only what a user of the crate can name.

use std::fs;
use std::path::{Path, PathBuf};

/// Public items without an `# Examples` section today; the count may only go down.
const MAX_WITHOUT_EXAMPLES: usize = 23;

const ITEM_PREFIXES: &[&str] = &[
    "pub fn ",
    "pub const fn ",
    "pub async fn ",
    "pub unsafe fn ",
    "pub struct ",
    "pub enum ",
    "pub trait ",
    "pub type ",
    "pub const ",
    "pub static ",
    "pub union ",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `(file:line, item line)` of each public item of `src` whose docs have no example.
fn missing_examples(path: &Path, src: &str) -> Vec<String> {
    let lines: Vec<&str> = src.lines().collect();
    // The unit tests at the end of a file are not API.
    let end = lines
        .iter()
        .enumerate()
        .position(|(i, l)| {
            l.trim() == "#[cfg(test)]"
                && lines
                    .get(i + 1)
                    .is_some_and(|n| n.trim_start().starts_with("mod "))
        })
        .unwrap_or(lines.len());
    let mut out = Vec::new();
    for i in 0..end {
        let t = lines[i].trim_start();
        if !ITEM_PREFIXES.iter().any(|p| t.starts_with(p)) {
            continue;
        }
        // The doc comment and attributes right above the item.
        let mut has_example = false;
        let mut j = i;
        while j > 0 {
            j -= 1;
            let above = lines[j].trim_start();
            if above.starts_with("///") {
                has_example |= above.trim_start_matches('/').trim() == "# Examples";
            } else if !(above.starts_with("#[") || above.starts_with("//")) {
                break;
            }
        }
        if !has_example {
            out.push(format!("{}:{}: {}", path.display(), i + 1, t.trim_end()));
        }
    }
    out
}

#[test]
fn public_items_without_examples_only_go_down() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    // The guide's doctest carriers are documentation, not API.
    files.retain(|f| !f.ends_with("src/docs.rs"));
    let mut missing = Vec::new();
    for f in &files {
        let src = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        missing.extend(missing_examples(f.strip_prefix(root).unwrap_or(f), &src));
    }
    eprintln!(
        "{} public items without an `# Examples` section",
        missing.len()
    );
    assert!(
        missing.len() <= MAX_WITHOUT_EXAMPLES,
        "{} public items lack an `# Examples` section, more than the {} allowed; \
         document the new ones:\n{}",
        missing.len(),
        MAX_WITHOUT_EXAMPLES,
        missing.join("\n")
    );
}

#[test]
fn the_scanner_sees_a_missing_example() {
    let src = "/// Documented.\n///\n/// # Examples\n///\n/// ```\n/// ```\npub fn a() {}\n\
               /// No example.\n#[inline]\npub fn b() {}\npub(crate) fn c() {}\n\
               #[cfg(test)]\nmod tests {\n    pub fn d() {}\n}\n";
    let missing = missing_examples(Path::new("x.rs"), src);
    assert_eq!(missing, vec!["x.rs:10: pub fn b() {}".to_string()]);
}
