//! Walking `src/routes/`: file and folder names to route patterns, and the rules that make
//! a tree a valid route table (names, one parameter name per folder, catch-alls last, no
//! two files for one route). Reads the file system only; writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::{Error, Kind, RouteEntry};

/// How deep folders may nest below the routes folder: far beyond any real URL, and a bound
/// on a symlink loop.
pub(crate) const MAX_DEPTH: usize = 32;

/// One path segment a file or folder name stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    /// `about` → `about`.
    Static(String),
    /// `[id]` → `:id`.
    Param(String),
    /// `[...path]` → `*path`.
    CatchAll(String),
}

impl Seg {
    /// The segment as the router writes it.
    fn pattern(&self) -> String {
        match self {
            Seg::Static(s) => s.clone(),
            Seg::Param(n) => format!(":{n}"),
            Seg::CatchAll(n) => format!("*{n}"),
        }
    }

    /// The segment with parameter names erased: two routes of one shape conflict.
    fn shape(&self) -> String {
        match self {
            Seg::Static(s) => s.clone(),
            Seg::Param(_) => ":".into(),
            Seg::CatchAll(_) => "*".into(),
        }
    }
}

/// Parses a file stem or folder name; `Err` says why it is not a route name.
fn parse_segment(name: &str) -> Result<Seg, String> {
    if let Some(inner) = name.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return Err("a parameter is written `[name]` or `[...name]`".into());
        };
        let (catch_all, ident) = match inner.strip_prefix("...") {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        if ident.is_empty()
            || !ident
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(format!(
                "parameter name `{ident}` must be non-empty and use only [A-Za-z0-9_]"
            ));
        }
        return Ok(if catch_all {
            Seg::CatchAll(ident.into())
        } else {
            Seg::Param(ident.into())
        });
    }
    if name.starts_with('_') {
        return Err("names starting with `_` are reserved (only `_layout.rs` is known)".into());
    }
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    {
        return Err(
            "a static name uses only [A-Za-z0-9-_.~] (what a URL carries unencoded)".into(),
        );
    }
    Ok(Seg::Static(name.into()))
}

/// The pattern of a route whose segments are `segs`.
fn pattern_of(segs: &[Seg]) -> String {
    if segs.is_empty() {
        return "/".into();
    }
    segs.iter().map(|s| format!("/{}", s.pattern())).collect()
}

/// The walk's state: the routes found so far, by shape, to report conflicts.
struct Walk<'a> {
    root: &'a Path,
    out: Vec<RouteEntry>,
    shapes: BTreeMap<String, PathBuf>,
}

/// Scans `dir` (see the crate docs for the naming rules).
pub(crate) fn scan(dir: &Path) -> Result<Vec<RouteEntry>, Error> {
    let meta = fs::metadata(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    if !meta.is_dir() {
        return Err(Error::Io {
            path: dir.to_path_buf(),
            message: "not a folder".into(),
        });
    }
    let mut walk = Walk {
        root: dir,
        out: Vec::new(),
        shapes: BTreeMap::new(),
    };
    walk.folder(dir, &mut Vec::new())?;
    Ok(walk.out)
}

/// One folder's entries, sorted by name: `(name, path, is_dir)`; hidden entries and files
/// that are not `.rs` are left out.
fn entries(dir: &Path) -> Result<Vec<(String, PathBuf, bool)>, Error> {
    let io = |path: &Path, e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            return Err(Error::BadName {
                file: path,
                reason: "the name is not UTF-8".into(),
            });
        };
        if name.starts_with('.') {
            continue;
        }
        // Follows symlinks: a linked folder is walked like a real one (depth-bounded).
        let is_dir = fs::metadata(&path).map_err(|e| io(&path, e))?.is_dir();
        if !is_dir && !name.ends_with(".rs") {
            continue;
        }
        out.push((name, path, is_dir));
    }
    out.sort();
    Ok(out)
}

impl Walk<'_> {
    fn rel(&self, path: &Path) -> PathBuf {
        path.strip_prefix(self.root).unwrap_or(path).to_path_buf()
    }

    fn bad(&self, path: &Path, reason: impl Into<String>) -> Error {
        Error::BadName {
            file: self.rel(path),
            reason: reason.into(),
        }
    }

    /// Adds a page or layout at `segs`, refusing a second file for the same shape.
    fn add(&mut self, segs: &[Seg], path: &Path, kind: Kind) -> Result<(), Error> {
        let pattern = pattern_of(segs);
        let file = self.rel(path);
        if kind == Kind::Page {
            let mut seen: Vec<&str> = Vec::new();
            for s in segs {
                if let Seg::Param(n) | Seg::CatchAll(n) = s {
                    if seen.contains(&n.as_str()) {
                        return Err(self.bad(
                            path,
                            format!("parameter `{n}` appears twice in `{pattern}`"),
                        ));
                    }
                    seen.push(n);
                }
            }
            let shape: String = segs.iter().map(|s| format!("/{}", s.shape())).collect();
            if let Some(first) = self.shapes.get(&shape) {
                return Err(Error::Conflict {
                    first: first.clone(),
                    second: file,
                    pattern,
                });
            }
            self.shapes.insert(shape, file.clone());
        }
        self.out.push(RouteEntry {
            pattern,
            file,
            kind,
        });
        Ok(())
    }

    /// Walks one folder whose path segments are `segs`: its layout first, then its files,
    /// then its subfolders, each in name order.
    fn folder(&mut self, dir: &Path, segs: &mut Vec<Seg>) -> Result<(), Error> {
        if segs.len() > MAX_DEPTH {
            return Err(self.bad(dir, format!("folders nest deeper than {MAX_DEPTH}")));
        }
        let list = entries(dir)?;
        // One parameter name per folder (files and subfolders alike) and one catch-all:
        // `[id].rs` next to `[slug].rs` would be two routes for one URL.
        let mut param: Option<(String, PathBuf)> = None;
        let mut catch_all: Option<PathBuf> = None;
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        let mut layout = None;
        for (name, path, is_dir) in list {
            let stem = if is_dir {
                name.as_str()
            } else {
                &name[..name.len() - 3]
            };
            if !is_dir && stem == "_layout" {
                layout = Some(path);
                continue;
            }
            if !is_dir && stem == "mod" {
                return Err(self.bad(
                    &path,
                    "`mod.rs` is not a route: a folder's page is `index.rs`",
                ));
            }
            let seg = parse_segment(stem).map_err(|reason| self.bad(&path, reason))?;
            match &seg {
                Seg::Param(n) => {
                    if let Some((first, first_path)) = &param {
                        if first != n {
                            let base = pattern_of(segs);
                            let base = base.trim_end_matches('/');
                            return Err(Error::Conflict {
                                first: self.rel(first_path),
                                second: self.rel(&path),
                                pattern: format!("{base}/:{first} and {base}/:{n}"),
                            });
                        }
                    } else {
                        param = Some((n.clone(), path.clone()));
                    }
                }
                Seg::CatchAll(_) if is_dir => {
                    return Err(Error::CatchAllNotLast {
                        file: self.rel(&path),
                    });
                }
                Seg::CatchAll(n) => {
                    if let Some(first) = &catch_all {
                        return Err(Error::Conflict {
                            first: self.rel(first),
                            second: self.rel(&path),
                            pattern: format!("{}/*{n}", pattern_of(segs).trim_end_matches('/')),
                        });
                    }
                    catch_all = Some(path.clone());
                }
                Seg::Static(_) => {}
            }
            if is_dir {
                dirs.push((seg, path));
            } else {
                files.push((stem == "index", seg, path));
            }
        }
        if let Some(path) = layout {
            self.add(segs, &path, Kind::Layout)?;
        }
        // `index.rs` first: the folder's own page before its children.
        files.sort_by_key(|(index, _, _)| !index);
        for (index, seg, path) in files {
            if index {
                self.add(segs, &path, Kind::Page)?;
            } else {
                segs.push(seg);
                let added = self.add(segs, &path, Kind::Page);
                segs.pop();
                added?;
            }
        }
        for (seg, path) in dirs {
            segs.push(seg);
            let walked = self.folder(&path, segs);
            segs.pop();
            walked?;
        }
        Ok(())
    }
}
