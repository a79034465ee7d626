//! Run with: cargo run --release --example hooks
//!
//! The standard client hooks on one page (`/board`): a sortable list, a draggable box, a
//! tooltip and a dropdown, each reporting to the server, which re-renders what it got;
//! and a small custom hook (`Probe`, served from `/probe.js`) that records its lifecycle.
//! The home page (`/`) loads no hook script: a live navigation to `/board` loads them.

use vango::prelude::*;
use vango::server::StaticAsset;

/// A hook of the app's own: writes each lifecycle call into `window.__probe`, and answers
/// the server's `ping` by pushing `pong` back.
const PROBE_JS: &str = r#"// Probe hook: logs its lifecycle to window.__probe.
(window.Vango = window.Vango || {}).hooks = window.Vango.hooks || {};
window.__probe = window.__probe || [];
const log = (m, el) => window.__probe.push(m + ':' + el.id);
Vango.hooks.Probe = {
  mounted(el, ctx) { log('mounted', el); ctx.on('ping', (p) => ctx.push('pong', p + '!')); },
  updated(el) { log('updated', el); },
  destroyed(el) { log('destroyed', el); },
  disconnected(el) { log('disconnected', el); },
  reconnected(el) { log('reconnected', el); },
};
"#;

fn home() -> impl Render {
    set_title("Hooks");
    || main_((h1("Hooks"), link("/board", "Open the board").id("open")))
}

fn board() -> impl Render {
    set_title("Board");
    for h in StandardHook::ALL {
        use_hook_script(h);
    }
    use_hook_script("/probe.js");
    let items = signal(
        ["apples", "bread", "cheese", "dates"]
            .map(String::from)
            .to_vec(),
    );
    let at = signal((20, 20));
    let choice = signal(String::from("none"));
    let n = signal(0u32);
    let extra = signal(true);
    let pong = signal(String::new());
    move || {
        let (x, y) = at.get();
        main_((
            h1("Board"),
            ul(keyed(
                items.get(),
                |s| s.clone(),
                |s| li(s.clone()).attr("data-id", s),
            ))
            .id("list")
            .style("list-style:none;padding:0;width:200px")
            .sortable(move |order| {
                // Only a permutation of what is shown is taken.
                let mut a = order.clone();
                let mut b = items.get();
                a.sort();
                b.sort();
                if a == b {
                    items.set(order);
                }
            }),
            p(format!("order: {}", items.get().join(","))).id("order"),
            div(div("drag me")
                .id("box")
                .style(format!(
                    "position:absolute;left:{x}px;top:{y}px;width:60px;height:40px;background:#9cf"
                ))
                .movable(move |x, y| at.set((x, y))))
            .id("area")
            .style("position:relative;width:400px;height:300px;border:1px solid #999"),
            p(format!("at: {x},{y}")).id("at"),
            button("?")
                .id("help")
                .tooltip("Drag the items to reorder them"),
            div((
                button("Sort by").attr("data-toggle", ""),
                ul((
                    li(button("Name").attr("data-value", "name")),
                    li(button("Date").attr("data-value", "date")),
                ))
                .attr("data-menu", "")
                .attr("hidden", ""),
            ))
            .id("menu")
            .dropdown(move |v| choice.set(v)),
            p(format!("choice: {}", choice.get())).id("choice"),
            p(format!("probe {}", n.get()))
                .id("probe")
                .hook("Probe")
                .attr("data-n", n.get().to_string())
                .on_hook("pong", move |e| pong.set(e.value().to_owned())),
            extra.get().then(|| p("second").id("probe2").hook("Probe")),
            button("bump").id("bump").on_click(move |_| n.inc()),
            button("toggle")
                .id("toggle")
                .on_click(move |_| extra.update(|e| *e = !*e)),
            button("ping")
                .id("ping")
                .on_click(|_| push_hook("probe", "ping", "hi")),
            p(format!("pong: {}", pong.get())).id("pong"),
        ))
    }
}

/// The app (public so tests can mount it in-process).
pub fn app() -> vango::App {
    vango::App::new()
        .title("Hooks")
        .asset(StaticAsset::new(
            "/probe.js",
            "text/javascript; charset=utf-8",
            PROBE_JS.as_bytes(),
            None,
        ))
        .page("/", home)
        .page("/board", board)
}

fn main() -> std::io::Result<()> {
    app().serve_env()
}
