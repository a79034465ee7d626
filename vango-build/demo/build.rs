//! Generates `$OUT_DIR/routes.rs` from `src/routes/` (the only thing this build script does).

fn main() {
    vango_build::file_routes();
}
