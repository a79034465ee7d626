//! The scaffold's files, compiled into the binary, and `{{key}}` substitution.

/// The files `vango new` writes: path in the project (`APP` is the project's name) and text.
pub const NEW: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        include_str!("../templates/new/Cargo.toml.tmpl"),
    ),
    ("build.rs", include_str!("../templates/new/build.rs.tmpl")),
    ("README.md", include_str!("../templates/new/README.md.tmpl")),
    (
        ".gitignore",
        include_str!("../templates/new/gitignore.tmpl"),
    ),
    (
        "src/main.rs",
        include_str!("../templates/new/src/main.rs.tmpl"),
    ),
    (
        "src/lib.rs",
        include_str!("../templates/new/src/lib.rs.tmpl"),
    ),
    (
        "src/components/mod.rs",
        include_str!("../templates/new/src/components/mod.rs.tmpl"),
    ),
    (
        "src/components/counter.rs",
        include_str!("../templates/new/src/components/counter.rs.tmpl"),
    ),
    (
        "src/routes/_layout.rs",
        include_str!("../templates/new/src/routes/_layout.rs.tmpl"),
    ),
    (
        "src/routes/index.rs",
        include_str!("../templates/new/src/routes/index.rs.tmpl"),
    ),
    (
        "tests/counter.rs",
        include_str!("../templates/new/tests/counter.rs.tmpl"),
    ),
    (
        "tests/browser/counter.mjs",
        include_str!("../templates/new/tests/browser/counter.mjs.tmpl"),
    ),
    (
        "static/app.css",
        include_str!("../templates/new/static/app.css.tmpl"),
    ),
    (
        "systemd/APP.service",
        include_str!("../templates/new/systemd/app.service.tmpl"),
    ),
];

/// `vango gen page`: one page file.
pub const PAGE: &str = include_str!("../templates/gen/page.rs.tmpl");
/// `vango gen route`: the folder's layout (its index is a [`PAGE`]).
pub const LAYOUT: &str = include_str!("../templates/gen/layout.rs.tmpl");
/// `vango gen component`: the component.
pub const COMPONENT: &str = include_str!("../templates/gen/component.rs.tmpl");
/// `vango gen component`: its test.
pub const COMPONENT_TEST: &str = include_str!("../templates/gen/component_test.rs.tmpl");

/// `text` with each `{{key}}` of `vars` replaced by its value.
pub fn render(text: &str, vars: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (k, v) in vars {
        out = out.replace(&format!("{{{{{k}}}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_one_we_fill() {
        let vars = [("name", "n"), ("crate", "c"), ("vango", "v")];
        for (path, text) in NEW {
            let out = render(text, &vars);
            assert!(!out.contains("{{"), "{path} keeps a placeholder");
        }
        let vars = [
            ("route", "r"),
            ("title", "t"),
            ("ident", "i"),
            ("crate", "c"),
        ];
        for text in [PAGE, LAYOUT, COMPONENT, COMPONENT_TEST] {
            assert!(!render(text, &vars).contains("{{"));
        }
    }
}
