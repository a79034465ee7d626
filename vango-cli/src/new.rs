//! `vango new NAME`: writes the scaffold into `./NAME` (never into an existing folder),
//! depending on vango by path so it builds offline.

use std::fs;
use std::path::{Path, PathBuf};

use crate::project::valid_package_name;
use crate::template::{render, NEW};

/// The vango checkout this binary was built from (the CLI is a member of its workspace).
fn default_vango() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Scaffolds `./name`.
pub fn run(name: &str, vango: Option<&Path>) -> Result<(), String> {
    if !valid_package_name(name) {
        return Err(format!(
            "`{name}` cannot be a project name: use letters, digits, `-` and `_`, starting with a letter"
        ));
    }
    let vango = match vango {
        Some(p) => p.to_path_buf(),
        None => default_vango(),
    };
    let vango =
        fs::canonicalize(&vango).map_err(|e| format!("vango at {}: {e}", vango.display()))?;
    if !vango.join("vango-build/Cargo.toml").is_file() || !vango.join("src/lib.rs").is_file() {
        return Err(format!(
            "{} is not a vango checkout (no src/lib.rs and vango-build/): pass --path-to-vango DIR",
            vango.display()
        ));
    }
    let dir = PathBuf::from(name);
    if dir.exists() {
        return Err(format!(
            "{} already exists: pick another name or remove it",
            dir.display()
        ));
    }
    let vango_str = vango
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", vango.display()))?
        .replace('\\', "/");
    let crate_name = name.replace('-', "_");
    let vars = [
        ("name", name),
        ("crate", crate_name.as_str()),
        ("vango", vango_str.as_str()),
    ];
    for (path, text) in NEW {
        let path = path.replace("APP", name);
        write(&dir.join(path), &render(text, &vars))?;
    }
    // vango's own lock file pins the versions vango is tested with and that are already
    // downloaded and built; cargo drops the entries this app does not use.
    if let Ok(lock) = fs::read(vango.join("Cargo.lock")) {
        fs::write(dir.join("Cargo.lock"), lock).map_err(|e| format!("Cargo.lock: {e}"))?;
    }
    println!("Created {name}/ (vango at {vango_str}). Next:\n\n    cd {name}\n    vango dev\n");
    Ok(())
}

/// Writes `text` to `path`, creating its folders.
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
