//! File-based routes for [vango](https://docs.rs/vango): a build-script helper that turns
//! the files under `src/routes/` into the app's route table, so nobody registers pages by
//! hand unless they want to. No dependencies; reads the routes folder, writes one file in
//! `OUT_DIR`.
//!
//! # Use
//!
//! `Cargo.toml`: `[build-dependencies] vango-build = "0.1"`; `build.rs`:
//!
//! ```no_run
//! // build.rs: fn main() {
//! vango_build::file_routes();
//! // }
//! ```
//!
//! `src/main.rs`:
//!
//! ```ignore
//! mod routes {
//!     include!(concat!(env!("OUT_DIR"), "/routes.rs"));
//! }
//!
//! fn main() -> std::io::Result<()> {
//!     routes::routes(vango::App::new()).serve("127.0.0.1:8080")
//! }
//! ```
//!
//! Each route file exports `pub fn page() -> impl Render`; each `_layout.rs` exports
//! `pub fn layout(outlet: Outlet) -> impl Render`. The generated `routes` function calls
//! [`App::page`](https://docs.rs/vango/latest/vango/struct.App.html#method.page) (and
//! `App::layout`) for each, exactly as a hand-written table would.
//!
//! # Names
//!
//! | file (under `src/routes/`) | route |
//! |---|---|
//! | `index.rs` | `/` |
//! | `about.rs` | `/about` |
//! | `todos/index.rs` | `/todos` |
//! | `todos/[id].rs` | `/todos/:id` |
//! | `todos/[id]/edit.rs` | `/todos/:id/edit` |
//! | `docs/[...path].rs` | `/docs/*path` |
//! | `_layout.rs`, `todos/_layout.rs` | the layout of `/`, of `/todos` |
//!
//! Static names use `[A-Za-z0-9-_.~]` (a URL carries them unencoded) and may not start
//! with `_` (reserved); parameter names use `[A-Za-z0-9_]`. Files that are not `.rs` and
//! hidden entries are ignored. The build fails with a message naming the files when:
//! a name is malformed (`mod.rs`, `_x.rs`, `a b.rs`, `[].rs`); one folder holds two
//! parameter names (`[id].rs` and `[slug].rs`, or `[id].rs` and `[slug]/`) or two
//! catch-alls; a catch-all is a folder (it must be last); two files are one route
//! (`about.rs` and `about/index.rs`); a parameter name repeats in one route.
//!
//! Order is deterministic: a folder's layout, its `index.rs`, its other files, then its
//! subfolders, each by name.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod generate;
mod scan;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// What a route file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A page: `pub fn page() -> impl Render`, registered with `App::page`.
    Page,
    /// A layout (`_layout.rs`): `pub fn layout(outlet: Outlet) -> impl Render`, registered
    /// with `App::layout` for the folder's prefix.
    Layout,
}

/// One row of the route table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RouteEntry {
    /// The route pattern (`/todos/:id`), or the prefix a layout wraps (`/todos`).
    pub pattern: String,
    /// The file, relative to the routes folder (`todos/[id].rs`).
    pub file: PathBuf,
    /// Page or layout.
    pub kind: Kind,
}

/// Why a routes folder is not a valid route table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Reading the folder failed (it may not exist).
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// A file or folder name is not a route name.
    BadName {
        /// The file or folder, relative to the routes folder.
        file: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Two files would answer the same URL.
    Conflict {
        /// The first file, relative to the routes folder.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
        /// The route(s) they stand for.
        pattern: String,
    },
    /// A catch-all (`[...name]`) is a folder, so it would not be the route's last segment.
    CatchAllNotLast {
        /// The folder, relative to the routes folder.
        file: PathBuf,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, message } => {
                write!(f, "cannot read routes at `{}`: {message}", path.display())
            }
            Error::BadName { file, reason } => {
                write!(f, "`{}` is not a route name: {reason}", file.display())
            }
            Error::Conflict {
                first,
                second,
                pattern,
            } => write!(
                f,
                "conflicting route files `{}` and `{}` ({pattern}): one URL would match both; \
                 rename or remove one",
                first.display(),
                second.display()
            ),
            Error::CatchAllNotLast { file } => write!(
                f,
                "`{}`: a catch-all must be the last segment, so it is a file \
                 (`[...name].rs`), not a folder",
                file.display()
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The route table of the routes folder `dir`, in registration order.
///
/// # Examples
///
/// ```
/// use vango_build::{scan, Kind};
///
/// let dir = std::env::temp_dir().join(format!("vango-build-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("todos"))?;
/// for file in ["index.rs", "about.rs", "todos/index.rs", "todos/[id].rs", "todos/_layout.rs"] {
///     std::fs::write(dir.join(file), "")?;
/// }
/// let table: Vec<(String, Kind)> =
///     scan(&dir).unwrap().into_iter().map(|e| (e.pattern, e.kind)).collect();
/// assert_eq!(table, [
///     ("/".into(), Kind::Page),
///     ("/about".into(), Kind::Page),
///     ("/todos".into(), Kind::Layout),
///     ("/todos".into(), Kind::Page),
///     ("/todos/:id".into(), Kind::Page),
/// ]);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn scan(dir: &Path) -> Result<Vec<RouteEntry>, Error> {
    scan::scan(dir)
}

/// The Rust source registering `entries` (found under the routes folder `root`): a module
/// per file, by `#[path]` (absolute, so `include!` works from `OUT_DIR`), and
/// `pub fn routes(app: vango::App) -> vango::App`.
///
/// # Examples
///
/// ```
/// use std::path::Path;
/// use vango_build::{source, Kind, RouteEntry};
///
/// let entries = [RouteEntry { pattern: "/todos/:id".into(), file: "todos/[id].rs".into(), kind: Kind::Page }];
/// let src = source(Path::new("/app/src/routes"), &entries);
/// assert!(src.contains("#[path = \"/app/src/routes/todos/[id].rs\"]\nmod r0_todos_id;"));
/// assert!(src.contains(".page(\"/todos/:id\", r0_todos_id::page)"));
/// ```
pub fn source(root: &Path, entries: &[RouteEntry]) -> String {
    generate::source(root, entries)
}

/// The `cargo:rerun-if-changed` lines for the routes folder `dir` with `entries`: the
/// folder (Cargo watches it recursively, so an added or removed file re-runs the build
/// script) and each route file.
///
/// # Examples
///
/// ```
/// use std::path::Path;
/// use vango_build::{rerun_lines, Kind, RouteEntry};
///
/// let entries = [RouteEntry { pattern: "/".into(), file: "index.rs".into(), kind: Kind::Page }];
/// let lines = rerun_lines(Path::new("/app/src/routes"), &entries);
/// assert_eq!(lines, [
///     "cargo:rerun-if-changed=/app/src/routes",
///     "cargo:rerun-if-changed=/app/src/routes/index.rs",
/// ]);
/// ```
pub fn rerun_lines(dir: &Path, entries: &[RouteEntry]) -> Vec<String> {
    std::iter::once(dir.to_path_buf())
        .chain(entries.iter().map(|e| dir.join(&e.file)))
        .map(|p| format!("cargo:rerun-if-changed={}", p.display()))
        .collect()
}

/// Scans `dir` and writes its [`source`] to `out` (only when it changed, so an unchanged
/// table does not rebuild the crate); returns the table.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("vango-build-gen-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("index.rs"), "")?;
/// let out = dir.with_extension("out.rs");
/// let table = vango_build::generate(&dir, &out).unwrap();
/// assert_eq!(table[0].pattern, "/");
/// assert!(std::fs::read_to_string(&out)?.contains(".page(\"/\", r0_index::page)"));
/// std::fs::remove_dir_all(&dir)?;
/// std::fs::remove_file(&out)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn generate(dir: &Path, out: &Path) -> Result<Vec<RouteEntry>, Error> {
    let entries = scan(dir)?;
    let text = source(dir, &entries);
    if fs::read_to_string(out).ok().as_deref() != Some(text.as_str()) {
        fs::write(out, text).map_err(|e| Error::Io {
            path: out.to_path_buf(),
            message: e.to_string(),
        })?;
    }
    Ok(entries)
}

/// What a `build.rs` calls: scans `$CARGO_MANIFEST_DIR/src/routes`, writes
/// `$OUT_DIR/routes.rs` and prints the `rerun-if-changed` lines. On an invalid tree it
/// prints the error and exits with status 1, so `cargo build` fails with that message.
///
/// # Examples
///
/// ```no_run
/// // build.rs: fn main() {
/// vango_build::file_routes();
/// // }
/// ```
pub fn file_routes() {
    if let Err(e) = try_file_routes() {
        eprintln!("error: file-based routes: {e}");
        std::process::exit(1);
    }
}

/// [`file_routes`] returning the error instead of exiting.
///
/// # Examples
///
/// ```no_run
/// // build.rs: fn main() {
/// let table = vango_build::try_file_routes().expect("valid src/routes");
/// println!("cargo:warning={} routes", table.len());
/// // }
/// ```
pub fn try_file_routes() -> Result<Vec<RouteEntry>, Error> {
    let var = |name: &str| {
        std::env::var_os(name).map(PathBuf::from).ok_or(Error::Io {
            path: PathBuf::from(format!("${name}")),
            message: "not set: call this from a build script".into(),
        })
    };
    let dir = var("CARGO_MANIFEST_DIR")?.join("src").join("routes");
    let out = var("OUT_DIR")?.join("routes.rs");
    let entries = generate(&dir, &out)?;
    for line in rerun_lines(&dir, &entries) {
        println!("{line}");
    }
    Ok(entries)
}
