//! Runs cargo for the project: builds (finding the binary from cargo's JSON messages),
//! `vango build` (the `min` profile, and its size) and `vango test`. Spawns cargo, rustc and
//! node; reads the sysroot to tell a missing target before cargo does.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::project::Project;

/// cargo as the environment names it (`$CARGO` under cargo itself), else from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// A spawn error in words: a missing program is a missing toolchain.
pub fn spawn_error(program: &str, e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        match program {
            "cargo" | "rustc" => format!(
                "`{program}` not found on PATH: install Rust (https://rustup.rs), then run this again"
            ),
            _ => format!("`{program}` not found on PATH"),
        }
    } else {
        format!("{program}: {e}")
    }
}

/// Builds the project's binary with `extra` cargo arguments, its diagnostics going to
/// stderr as cargo renders them; the path of the binary built.
pub fn build_bin(p: &Project, extra: &[&str]) -> Result<PathBuf, String> {
    let mut child = cargo()
        .current_dir(&p.root)
        .args([
            "build",
            "--message-format=json-render-diagnostics",
            "--bin",
            &p.name,
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| spawn_error("cargo", e))?;
    let mut exe = None;
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if line.contains("\"reason\":\"compiler-artifact\"") {
            if let Some(path) = json_string_field(&line, "executable") {
                exe = Some(PathBuf::from(path));
            }
        }
    }
    let status = child.wait().map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err("the build failed (cargo's messages are above)".into());
    }
    exe.ok_or_else(|| format!("cargo built no binary named `{}`", p.name))
}

/// The string value of `"field":"..."` in one line of JSON (cargo's messages are flat
/// enough for this: the field occurs once, its value is a string or null).
pub fn json_string_field(line: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\":\"");
    let start = line.find(&key)? + key.len();
    let mut out = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Fails with the command to install `target` when the toolchain lacks its standard library.
fn check_target(target: &str) -> Result<(), String> {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| spawn_error("rustc", e))?;
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if Path::new(&sysroot)
        .join("lib/rustlib")
        .join(target)
        .is_dir()
    {
        Ok(())
    } else {
        Err(format!(
            "the Rust target `{target}` is not installed in this toolchain ({sysroot}): run `rustup target add {target}` (and install a linker for it)"
        ))
    }
}

/// `vango build`: the release binary of the `min` profile, its path and size.
pub fn build_min(target: Option<&str>) -> Result<(), String> {
    let p = Project::here()?;
    if let Some(t) = target {
        check_target(t)?;
    }
    let mut extra = vec!["--profile", "min"];
    if let Some(t) = target {
        extra.extend(["--target", t]);
    }
    let exe = build_bin(&p, &extra)?;
    let size = std::fs::metadata(&exe)
        .map_err(|e| format!("{}: {e}", exe.display()))?
        .len();
    println!(
        "{}  {} bytes ({:.1} MiB)",
        exe.display(),
        size,
        size as f64 / 1048576.0
    );
    Ok(())
}

/// The project's browser tests: `tests/browser/*.mjs`, run with `node --test`.
fn browser_tests(p: &Project) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(p.root.join("tests/browser"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|path| path.extension().is_some_and(|x| x == "mjs"))
        .collect();
    out.sort();
    out
}

/// `vango test`: `cargo test`, then the browser tests when there are any.
pub fn test() -> Result<(), String> {
    let p = Project::here()?;
    let status = cargo()
        .current_dir(&p.root)
        .arg("test")
        .status()
        .map_err(|e| spawn_error("cargo", e))?;
    if !status.success() {
        return Err("the Rust tests failed".into());
    }
    let browser = browser_tests(&p);
    if browser.is_empty() {
        return Ok(());
    }
    // The browser tests start the app themselves; this is the binary they are given.
    let exe = build_bin(&p, &[])?;
    let status = match Command::new("node")
        .current_dir(&p.root)
        .arg("--test")
        .args(&browser)
        .env("VANGO_APP_BIN", exe)
        .status()
    {
        Ok(status) => status,
        // The Rust tests passed; a machine without Node.js cannot run the browser ones.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!(
                "skipping the browser tests ({}): `node` is not on PATH; install Node.js to run them",
                browser.len()
            );
            return Ok(());
        }
        Err(e) => return Err(spawn_error("node", e)),
    };
    if status.success() {
        Ok(())
    } else {
        Err("the browser tests failed".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_executable_field() {
        let line = r#"{"reason":"compiler-artifact","target":{"kind":["bin"]},"executable":"/t/debug/a\"b\\c","fresh":true}"#;
        assert_eq!(
            json_string_field(line, "executable").as_deref(),
            Some("/t/debug/a\"b\\c")
        );
        assert_eq!(
            json_string_field(r#"{"executable":null}"#, "executable"),
            None
        );
        assert_eq!(
            json_string_field(r#"{"executable":"\u00e9"}"#, "executable").as_deref(),
            Some("é")
        );
        assert_eq!(
            json_string_field(r#"{"executable":"unterminated"#, "executable"),
            None
        );
    }

    #[test]
    fn a_missing_target_names_the_rustup_command() {
        let e = check_target("nonexistent-unknown-none").unwrap_err();
        assert!(
            e.contains("rustup target add nonexistent-unknown-none"),
            "{e}"
        );
    }
}
