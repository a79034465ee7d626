//! Run with: cargo run --release --example islands
//!
//! A JS island: a bar chart drawn by the page's own script (`/islands.js`, registered as
//! `window.Vango.islands.Bars`), inside a server-rendered page. The server owns the data
//! (a signal of bar heights) and renders only the island's container and its props; the
//! script owns everything inside. "Add" and "Grow" change the data on the server: the
//! page re-renders, the island's `updated` gets the new props, its own DOM (and the
//! client-only state in it: the zoom) stays. Clicking a bar pushes `pick` to the server,
//! which shows the pick outside the island; "Flash" pushes an event from the server to
//! the island (`push_hook`), which its `ctx.on('flash', ...)` receives.

use vango::prelude::*;
use vango::server::StaticAsset;

/// The island's script: builds the bars and a zoom toggle inside its container, redraws
/// on new props, pushes the bar a click picks.
const ISLANDS_JS: &str = r#"(window.Vango ||= {}).islands = { Bars: {
  mounted(el, props, ctx) {
    el.innerHTML = '<button class="zoom">zoom</button><div class="bars"></div>';
    el.querySelector('.zoom').onclick = () => el.classList.toggle('zoomed');
    el.querySelector('.bars').onclick = (e) => {
      const i = e.target.dataset.i;
      if (i != null) ctx.push('pick', { index: +i });
    };
    ctx.on('flash', (color) => { el.style.outline = '3px solid ' + color; });
    this.updated(el, props);
  },
  updated(el, props) {
    const bars = el.querySelector('.bars');
    bars.replaceChildren(...props.bars.map((h, i) => {
      const b = document.createElement('span');
      b.className = 'bar';
      b.dataset.i = i;
      b.style.height = h * 10 + 'px';
      b.title = h;
      return b;
    }));
    el.dataset.updates = +(el.dataset.updates || 0) + 1;
  },
  destroyed(el) { el.innerHTML = ''; },
} };
"#;

const CSS: &str = ".chart{display:flex;gap:.5rem;align-items:end;min-height:8rem}\
.bars{display:flex;gap:4px;align-items:end}.bar{display:inline-block;width:20px;\
background:#48c;cursor:pointer}.zoomed .bar{width:40px}";

fn page() -> impl Render {
    let bars = signal(vec![3u32, 5, 2]);
    let picked = signal(None::<usize>);
    move || {
        let list = bars.get();
        let props = format!("{{\"bars\":{list:?}}}");
        main_((
            style(raw_html(RawHtml::trusted(CSS))),
            h1("Island"),
            p((
                text("Bars: "),
                span(list.len().to_string()).id("count"),
                text(", total "),
                span(list.iter().sum::<u32>().to_string()).id("total"),
            )),
            button("Add")
                .id("add")
                .on_click(move |_| bars.update(|b| b.push(1))),
            button("Grow")
                .id("grow")
                .on_click(move |_| bars.update(|b| b.iter_mut().for_each(|h| *h += 1))),
            button("Flash")
                .id("flash")
                .on_click(|_| push_hook("chart", "flash", "orange")),
            island("Bars", props)
                .id("chart")
                .class("chart")
                .on_event("pick", move |e| {
                    // The payload is the script's JSON: {"index":N}.
                    let n = e
                        .value()
                        .strip_prefix("{\"index\":")
                        .and_then(|s| s.strip_suffix('}'))
                        .and_then(|s| s.parse::<usize>().ok());
                    match n {
                        Some(n) => {
                            picked.set(Some(n));
                            Ok(())
                        }
                        None => reject(),
                    }
                }),
            p((
                text("Picked: "),
                span(picked.get().map_or("none".into(), |n| n.to_string())).id("picked"),
            )),
        ))
    }
}

fn main() -> std::io::Result<()> {
    vango::App::new()
        .title("Island")
        .asset(StaticAsset::new(
            "/islands.js",
            "text/javascript",
            ISLANDS_JS.as_bytes(),
            None,
        ))
        .head("<script src=\"/islands.js\"></script>")
        .page("/", page)
        .serve_env()
}
