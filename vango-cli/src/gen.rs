//! `vango gen page|component|route NAME`: adds files in the scaffold's conventions (pages
//! under `src/routes/`, components under `src/components/` with a test in `tests/`), never
//! overwriting a file. With file-based routes the route table follows by itself.

use std::fs;
use std::path::{Path, PathBuf};

use crate::args::GenKind;
use crate::new::write;
use crate::project::Project;
use crate::template::{render, COMPONENT, COMPONENT_TEST, LAYOUT, PAGE};

/// Runs `vango gen` in the current folder's project.
pub fn run(kind: GenKind, name: &str) -> Result<(), String> {
    let project = Project::here()?;
    let written = match kind {
        GenKind::Page => page(&project, name)?,
        GenKind::Route => route(&project, name)?,
        GenKind::Component => component(&project, name)?,
    };
    for path in &written {
        println!("created {}", path.display());
    }
    if kind != GenKind::Component && !project.file_routes() {
        println!(
            "note: this project registers its pages by hand (no vango_build::file_routes in build.rs): add `.page(\"{}\", ...)` to its App",
            route_of(name.trim_matches('/'))?
        );
    }
    Ok(())
}

/// The route of a page file's path under `src/routes/` (without `.rs`): `blog/[slug]` →
/// `/blog/:slug`, `index` → `/`. Segments follow vango-build's naming rules.
fn route_of(name: &str) -> Result<String, String> {
    let segments: Vec<&str> = name.split('/').collect();
    let mut route = String::new();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if let Some(inner) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            let (catch_all, param) = match inner.strip_prefix("...") {
                Some(p) => (true, p),
                None => (false, inner),
            };
            if param.is_empty() || !param.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!(
                    "`{seg}`: a parameter is `[name]` or `[...name]`, name in [A-Za-z0-9_]"
                ));
            }
            if catch_all && !last {
                return Err(format!("`{seg}`: a catch-all must be the last segment"));
            }
            route.push_str(if catch_all { "/*" } else { "/:" });
            route.push_str(param);
        } else if seg.is_empty()
            || seg.starts_with('_')
            || seg.starts_with('.')
            || !seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))
        {
            return Err(format!(
                "`{seg}`: a route segment uses [A-Za-z0-9-_.~], does not start with `_` or `.`, or is `[param]`"
            ));
        } else if !(last && *seg == "index") {
            route.push('/');
            route.push_str(seg);
        }
    }
    Ok(if route.is_empty() { "/".into() } else { route })
}

/// `blog/[slug]` → `Slug`; `about-us` → `About us`.
fn title_of(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    let words = last.trim_matches(|c| c == '[' || c == ']' || c == '.');
    let words = words.replace(['-', '_'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn create(path: PathBuf, text: &str, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.exists() {
        return Err(format!(
            "{} already exists; nothing written",
            path.display()
        ));
    }
    write(&path, text)?;
    out.push(path);
    Ok(())
}

fn page(p: &Project, name: &str) -> Result<Vec<PathBuf>, String> {
    let name = name.trim_matches('/').trim_end_matches(".rs");
    let route = route_of(name)?;
    let path = p.root.join("src/routes").join(format!("{name}.rs"));
    refuse_existing(&[&path])?;
    let mut out = Vec::new();
    let text = render(PAGE, &[("route", &route), ("title", &title_of(name))]);
    create(path, &text, &mut out)?;
    Ok(out)
}

fn route(p: &Project, name: &str) -> Result<Vec<PathBuf>, String> {
    let name = name.trim_matches('/');
    let route = route_of(name)?;
    let dir = p.root.join("src/routes").join(name);
    let (layout, index) = (dir.join("_layout.rs"), dir.join("index.rs"));
    refuse_existing(&[&layout, &index, &dir.with_extension("rs")])?;
    let title = title_of(name);
    let ident = ident_of(name.rsplit('/').next().unwrap_or(name));
    let mut out = Vec::new();
    let vars = [
        ("route", route.as_str()),
        ("title", &title),
        ("ident", &ident),
    ];
    create(layout, &render(LAYOUT, &vars), &mut out)?;
    create(index, &render(PAGE, &vars), &mut out)?;
    Ok(out)
}

fn refuse_existing(paths: &[&Path]) -> Result<(), String> {
    match paths.iter().find(|p| p.exists()) {
        Some(p) => Err(format!("{} already exists; nothing written", p.display())),
        None => Ok(()),
    }
}

/// A Rust identifier from a name: lower case, `-` and other separators as `_`.
fn ident_of(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn component(p: &Project, name: &str) -> Result<Vec<PathBuf>, String> {
    let ident = ident_of(name);
    let keyword = [
        "mod", "fn", "use", "type", "struct", "self", "super", "crate", "match", "loop", "move",
        "ref", "impl", "pub", "let", "in", "as",
    ];
    if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        || keyword.contains(&ident.as_str())
    {
        return Err(format!(
            "`{name}` cannot be a component name: letters, digits, `-` and `_`, starting with a letter, not a Rust keyword"
        ));
    }
    let dir = p.root.join("src/components");
    let file = dir.join(format!("{ident}.rs"));
    let test = p.root.join("tests").join(format!("{ident}.rs"));
    refuse_existing(&[&file, &test])?;
    let krate = p.crate_name();
    let vars = [("ident", ident.as_str()), ("crate", krate.as_str())];
    let mut out = Vec::new();
    create(file, &render(COMPONENT, &vars), &mut out)?;
    create(test, &render(COMPONENT_TEST, &vars), &mut out)?;
    let mod_rs = dir.join("mod.rs");
    let mut text = fs::read_to_string(&mod_rs).unwrap_or_else(|_| {
        "//! The app's components: functions that return a view, used by the pages.\n\n".into()
    });
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("pub mod {ident};\n"));
    write(&mod_rs, &text)?;
    let lib = fs::read_to_string(p.root.join("src/lib.rs")).unwrap_or_default();
    if !lib.contains("pub mod components") {
        println!("note: add `pub mod components;` to src/lib.rs to use it");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_of_page_paths() {
        assert_eq!(route_of("index").unwrap(), "/");
        assert_eq!(route_of("about").unwrap(), "/about");
        assert_eq!(route_of("blog/[slug]").unwrap(), "/blog/:slug");
        assert_eq!(route_of("blog/index").unwrap(), "/blog");
        assert_eq!(route_of("docs/[...path]").unwrap(), "/docs/*path");
        for bad in ["_x", "a b", "[]", "[...p]/x", "../etc", "a//b", ".hidden"] {
            assert!(route_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn titles_and_idents() {
        assert_eq!(title_of("about-us"), "About us");
        assert_eq!(title_of("blog/[slug]"), "Slug");
        assert_eq!(ident_of("user-card"), "user_card");
    }
}
