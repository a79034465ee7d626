//! Command-line parsing, by hand: a subcommand, its positional arguments and its flags
//! (`--flag value` or `--flag=value`). Touches nothing but the strings it is given.

use std::path::PathBuf;

/// What `vango gen` adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    /// A page file under `src/routes/`.
    Page,
    /// A component under `src/components/` and its test.
    Component,
    /// A route folder under `src/routes/`: its layout and its index page.
    Route,
}

/// One parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    New {
        name: String,
        vango: Option<PathBuf>,
    },
    Dev {
        port: Option<u16>,
    },
    Build {
        target: Option<String>,
    },
    Test,
    Gen {
        kind: GenKind,
        name: String,
    },
}

/// `--name value` pairs, in order.
type Flags = Vec<(String, String)>;

/// Splits `rest` into positionals and the values of the flags in `known`.
fn split(rest: &[String], known: &[&str]) -> Result<(Vec<String>, Flags), String> {
    let mut pos = Vec::new();
    let mut flags = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        if let Some(flag) = a.strip_prefix("--") {
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_owned(), v.to_owned()),
                None => {
                    let v = it.next().ok_or_else(|| format!("--{flag} needs a value"))?;
                    (flag.to_owned(), v.clone())
                }
            };
            if !known.contains(&name.as_str()) {
                return Err(format!("unknown option --{name}"));
            }
            flags.push((name, value));
        } else if a.starts_with('-') && a.len() > 1 {
            return Err(format!("unknown option {a}"));
        } else {
            pos.push(a.clone());
        }
    }
    Ok((pos, flags))
}

fn flag(flags: &[(String, String)], name: &str) -> Option<String> {
    flags
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

fn exactly<const N: usize>(pos: Vec<String>, what: &str) -> Result<[String; N], String> {
    let n = pos.len();
    pos.try_into()
        .map_err(|_| format!("{what}: expected {N} argument(s), got {n}"))
}

/// Parses the arguments after the program name.
pub fn parse(argv: &[String]) -> Result<Command, String> {
    let Some((sub, rest)) = argv.split_first() else {
        return Ok(Command::Help);
    };
    match sub.as_str() {
        "help" | "-h" | "--help" => Ok(Command::Help),
        "new" => {
            let (pos, flags) = split(rest, &["path-to-vango"])?;
            let [name] = exactly(pos, "new NAME")?;
            let vango = flag(&flags, "path-to-vango").map(PathBuf::from);
            Ok(Command::New { name, vango })
        }
        "dev" => {
            let (pos, flags) = split(rest, &["port"])?;
            let [] = exactly(pos, "dev")?;
            let port = match flag(&flags, "port") {
                Some(p) => Some(
                    p.parse::<u16>()
                        .map_err(|_| format!("--port {p}: not a port number (0-65535)"))?,
                ),
                None => None,
            };
            Ok(Command::Dev { port })
        }
        "build" => {
            let (pos, flags) = split(rest, &["target"])?;
            let [] = exactly(pos, "build")?;
            Ok(Command::Build {
                target: flag(&flags, "target"),
            })
        }
        "test" => {
            let (pos, _) = split(rest, &[])?;
            let [] = exactly(pos, "test")?;
            Ok(Command::Test)
        }
        "gen" => {
            let (pos, _) = split(rest, &[])?;
            let [kind, name] = exactly(pos, "gen page|component|route NAME")?;
            let kind = match kind.as_str() {
                "page" => GenKind::Page,
                "component" => GenKind::Component,
                "route" => GenKind::Route,
                other => return Err(format!("gen {other}: expected page, component or route")),
            };
            Ok(Command::Gen { kind, name })
        }
        other => Err(format!("unknown command `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Command, String> {
        parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn commands_and_flags() {
        assert_eq!(p(""), Ok(Command::Help));
        assert_eq!(
            p("new blog --path-to-vango /v"),
            Ok(Command::New {
                name: "blog".into(),
                vango: Some("/v".into())
            })
        );
        assert_eq!(
            p("dev --port=41001"),
            Ok(Command::Dev { port: Some(41001) })
        );
        assert_eq!(
            p("build --target aarch64-unknown-linux-gnu"),
            Ok(Command::Build {
                target: Some("aarch64-unknown-linux-gnu".into())
            })
        );
        assert_eq!(
            p("gen component card"),
            Ok(Command::Gen {
                kind: GenKind::Component,
                name: "card".into()
            })
        );
    }

    #[test]
    fn bad_input_is_an_error_naming_it() {
        assert!(p("dev --port 70000").unwrap_err().contains("70000"));
        assert!(p("dev --port").unwrap_err().contains("needs a value"));
        assert!(p("dev --verbose 1").unwrap_err().contains("--verbose"));
        assert!(p("new").unwrap_err().contains("expected 1"));
        assert!(p("gen widget x").unwrap_err().contains("widget"));
        assert!(p("deploy").unwrap_err().contains("deploy"));
    }
}
