//! A polling file watcher: the modification time and length of every file under the
//! watched paths, compared between two looks. Reads directory entries and metadata only.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a watched file looked like.
type Stamp = (Option<SystemTime>, u64);

/// Every file under some roots, at one moment.
#[derive(Default, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<PathBuf, Stamp>);

impl Snapshot {
    /// Looks at `roots` (files or folders, missing ones skipped); hidden entries, `target`
    /// and editors' backup files are not watched.
    pub fn take(roots: &[PathBuf]) -> Snapshot {
        let mut map = BTreeMap::new();
        for root in roots {
            walk(root, &mut map);
        }
        Snapshot(map)
    }

    /// The files added, removed or changed between `self` and `newer`.
    pub fn changes(&self, newer: &Snapshot) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = newer
            .0
            .iter()
            .filter(|(p, s)| self.0.get(*p) != Some(s))
            .map(|(p, _)| p.clone())
            .collect();
        out.extend(self.0.keys().filter(|p| !newer.0.contains_key(*p)).cloned());
        out
    }
}

fn ignored(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.') || name == "target" || name.ends_with('~') || name.ends_with(".swp")
}

fn walk(path: &Path, map: &mut BTreeMap<PathBuf, Stamp>) {
    let Ok(meta) = fs::metadata(path) else { return };
    if meta.is_dir() {
        let Ok(entries) = fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if !ignored(&p) {
                walk(&p, map);
            }
        }
    } else {
        map.insert(path.to_path_buf(), (meta.modified().ok(), meta.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_added_changed_and_removed_files() {
        let dir = std::env::temp_dir().join(format!("vango-watch-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/.git")).unwrap();
        fs::write(dir.join("src/a.rs"), "a").unwrap();
        fs::write(dir.join("src/.git/x"), "x").unwrap();
        let roots = [dir.join("src"), dir.join("missing")];
        let s0 = Snapshot::take(&roots);
        assert!(s0.changes(&Snapshot::take(&roots)).is_empty());
        fs::write(dir.join("src/a.rs"), "ab").unwrap();
        fs::write(dir.join("src/b.rs"), "b").unwrap();
        fs::write(dir.join("src/.git/x"), "xy").unwrap();
        let s1 = Snapshot::take(&roots);
        assert_eq!(
            s0.changes(&s1),
            [dir.join("src/a.rs"), dir.join("src/b.rs")]
        );
        fs::remove_file(dir.join("src/a.rs")).unwrap();
        assert_eq!(s1.changes(&Snapshot::take(&roots)), [dir.join("src/a.rs")]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
