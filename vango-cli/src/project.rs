//! The project `vango` runs in: the current folder's `Cargo.toml`, which must depend on
//! vango, and the names derived from it. Reads that one file.

use std::fs;
use std::path::{Path, PathBuf};

/// A Vango project: its folder and its package name.
pub struct Project {
    /// The folder holding `Cargo.toml`.
    pub root: PathBuf,
    /// `[package] name`.
    pub name: String,
}

impl Project {
    /// The project in the current folder, or an error that says what is wrong with it.
    pub fn here() -> Result<Project, String> {
        let cwd = std::env::current_dir().map_err(|e| format!("current folder: {e}"))?;
        Project::at(&cwd)
    }

    /// The project in `root`.
    pub fn at(root: &Path) -> Result<Project, String> {
        let manifest = root.join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|_| {
            format!(
                "not a Vango project: {} has no Cargo.toml (run this in the folder `vango new` made)",
                root.display()
            )
        })?;
        let name = package_name(&text).ok_or_else(|| {
            format!(
                "not a Vango project: {} has no [package] name (a workspace root? run this in the app's folder)",
                manifest.display()
            )
        })?;
        if !depends_on_vango(&text) {
            return Err(format!(
                "not a Vango project: {} does not depend on `vango`",
                manifest.display()
            ));
        }
        Ok(Project {
            root: root.to_path_buf(),
            name,
        })
    }

    /// The library's crate name (`my-app` → `my_app`).
    pub fn crate_name(&self) -> String {
        self.name.replace('-', "_")
    }

    /// Whether the route table comes from `src/routes/` (a build script calling vango-build).
    pub fn file_routes(&self) -> bool {
        fs::read_to_string(self.root.join("build.rs"))
            .is_ok_and(|b| b.contains("vango_build::file_routes"))
    }
}

/// The `name` of the `[package]` table.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(rest) = line.strip_prefix("name") {
                let v = rest.trim_start().strip_prefix('=')?.trim();
                return Some(v.trim_matches('"').to_owned());
            }
        }
    }
    None
}

fn depends_on_vango(manifest: &str) -> bool {
    let mut in_deps = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            if line == "[dependencies.vango]" {
                return true;
            }
        } else if in_deps {
            let key = line.split('=').next().unwrap_or("").trim();
            if key == "vango" {
                return true;
            }
        }
    }
    false
}

/// Whether `name` can be a package (and so a crate and a folder) name.
pub fn valid_package_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_and_vango_dependency() {
        let m = "[package]\nname = \"blog\"\n\n[dependencies]\nvango = { path = \"..\" }\n";
        assert_eq!(package_name(m).as_deref(), Some("blog"));
        assert!(depends_on_vango(m));
        assert!(!depends_on_vango("[dependencies]\nvango-build = \"1\"\n"));
        assert!(!depends_on_vango("[dev-dependencies]\nvango = \"1\"\n"));
        assert!(depends_on_vango("[dependencies.vango]\npath = \"x\"\n"));
        assert_eq!(package_name("[workspace]\nmembers = []\n"), None);
    }

    #[test]
    fn package_names() {
        assert!(valid_package_name("my-app_2"));
        for bad in ["", "2app", "a b", "../x", "a/b", "é"] {
            assert!(!valid_package_name(bad), "{bad:?}");
        }
    }
}
