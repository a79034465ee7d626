//! The built-in logger behind the `log` facade: one line per record on stderr, with the
//! syslog priority prefix journald reads (`<3>` error … `<7>` debug), so `journalctl -p
//! warning -u vango` filters by level with no configuration.
//!
//! Touches only stderr. The crate logs through `log`'s macros everywhere; an application
//! that installs its own logger first (env_logger, a journald writer) keeps it.

use std::io::Write;

use log::{Level, LevelFilter, Log, Metadata, Record};

/// The level from `VANGO_LOG` (`error`, `warn`, `info`, `debug`, `trace`, `off`); `info`
/// when unset or unknown.
///
/// # Examples
///
/// ```
/// use log::LevelFilter;
/// assert_eq!(vango::server::logging::level_from(Some("debug")), LevelFilter::Debug);
/// assert_eq!(vango::server::logging::level_from(None), LevelFilter::Info);
/// ```
pub fn level_from(value: Option<&str>) -> LevelFilter {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("off") => LevelFilter::Off,
        Some("error") => LevelFilter::Error,
        Some("warn") | Some("warning") => LevelFilter::Warn,
        Some("debug") => LevelFilter::Debug,
        Some("trace") => LevelFilter::Trace,
        _ => LevelFilter::Info,
    }
}

/// Installs the built-in logger at the `VANGO_LOG` level, unless a logger is installed
/// already. Returns whether this call installed it. [`App::serve`](crate::App::serve)
/// calls it.
///
/// # Examples
///
/// ```
/// let first = vango::server::logging::init();
/// assert!(!vango::server::logging::init(), "a second call changes nothing");
/// # let _ = first;
/// ```
pub fn init() -> bool {
    static LOGGER: Stderr = Stderr;
    if log::set_logger(&LOGGER).is_err() {
        return false;
    }
    log::set_max_level(level_from(std::env::var("VANGO_LOG").ok().as_deref()));
    true
}

/// Formats one record as its stderr line: `<priority>target: message`.
///
/// # Examples
///
/// ```
/// let line = vango::server::logging::line(log::Level::Warn, "vango::live", "core=1 slow");
/// assert_eq!(line, "<4>vango::live: core=1 slow\n");
/// ```
pub fn line(level: Level, target: &str, message: &str) -> String {
    let priority = match level {
        Level::Error => 3,
        Level::Warn => 4,
        Level::Info => 6,
        Level::Debug | Level::Trace => 7,
    };
    let message = message.replace('\n', " ");
    format!("<{priority}>{target}: {message}\n")
}

struct Stderr;

impl Log for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            let text = line(record.level(), record.target(), &record.args().to_string());
            // One write per line, so lines of different cores never interleave.
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}
