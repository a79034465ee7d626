//! Run with: cargo run --release --example uploads
//!
//! File uploads with progress: up to three text files or images of at most 5 MiB each,
//! stored in a temp directory (`VANGO_UPLOAD_DIR`, default the system's), with a progress
//! bar, each file's state and error, and a cancel button. `VANGO_UPLOAD_DELAY_MS` slows each
//! stored chunk down (the end-to-end test cancels mid-upload with it).

use std::io;
use std::time::Duration;

use vango::live::upload::{use_upload, FileState, Sink, UploadConfig, UploadSink};
use vango::prelude::*;

/// Wraps a sink and sleeps before each chunk (a slow disk, for the tests).
struct Slow(Box<dyn UploadSink>, Duration);

impl UploadSink for Slow {
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        std::thread::sleep(self.1);
        self.0.write(bytes)
    }
    fn finish(&mut self) -> io::Result<String> {
        self.0.finish()
    }
    fn abort(&mut self) {
        self.0.abort()
    }
}

fn config() -> UploadConfig {
    let dir = std::env::var_os("VANGO_UPLOAD_DIR")
        .map(Into::into)
        .unwrap_or_else(std::env::temp_dir);
    let delay = std::env::var("VANGO_UPLOAD_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis);
    let disk = Sink::TempDir(dir);
    let sink = match delay {
        Some(d) => Sink::custom(move |m| Ok(Box::new(Slow(disk.open_file(m)?, d)))),
        None => disk,
    };
    UploadConfig {
        max_size: 5 << 20,
        accept: vec!["text/plain".into(), "image/*".into()],
        max_files: 3,
        sink,
        ..UploadConfig::default()
    }
}

fn uploads() -> impl Render {
    let up = use_upload(config());
    move || {
        let files = up.files();
        div((
            h1("Upload"),
            up.input(),
            progress(())
                .attr("id", "total")
                .attr("max", 100)
                .attr("value", up.progress()),
            span(format!("{}%", up.progress())).attr("id", "pct"),
            up.error().map(|e| p(e).attr("class", "error")),
            ul(files
                .iter()
                .map(|f| {
                    let state = match &f.state {
                        FileState::Waiting => "waiting".to_string(),
                        FileState::Uploading => format!("{}%", f.percent()),
                        FileState::Done(_) => "done".to_string(),
                        FileState::Failed(e) => format!("error: {e}"),
                        FileState::Cancelled => "cancelled".to_string(),
                    };
                    li(format!("{}: {state}", f.name)).attr("class", "file")
                })
                .collect::<Vec<_>>()),
            button("Cancel")
                .attr("id", "cancel")
                .on_click(move |_| up.cancel()),
        ))
    }
}

/// The app (public so tests can mount it in-process).
pub fn app() -> vango::App {
    vango::App::new().title("Uploads").page("/", uploads)
}

fn main() -> std::io::Result<()> {
    app().serve_env()
}
