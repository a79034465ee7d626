//! Serves the file-routed demo app on 127.0.0.1:8080 (or `$VANGO_ADDR`).

fn main() -> std::io::Result<()> {
    let addr = std::env::var("VANGO_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    vango_build_demo::generated::routes(vango::App::new().title("File routes")).serve(addr)
}
