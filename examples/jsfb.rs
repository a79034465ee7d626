//! Run with: cargo run --release --example jsfb
//!
//! The js-framework-benchmark "keyed" app, written as a Vango user would: its public DOM
//! (the bootstrap markup, `tbody > tr` rows with `td.col-md-1` id, `td.col-md-4 > a`
//! label, remove link, `tr.danger` for the selected row) and its buttons `#run`
//! (1,000 rows), `#runlots` (10,000), `#add` (append 1,000), `#update` (every 10th label
//! gets " !!!"), `#clear`, `#swaprows` (rows 2 and 999). Clicking a label selects its row,
//! the remove icon removes it. Each row is a live component keyed by its id: a label
//! change re-renders one row, and the selection goes through a [`Selector`], so selecting
//! wakes only the row that gains it and the row that loses it (a memo per row would
//! re-run all of them).

use std::rc::Rc;

use vango::prelude::*;

const ADJECTIVES: &[&str] = &[
    "pretty",
    "large",
    "big",
    "small",
    "tall",
    "short",
    "long",
    "handsome",
    "plain",
    "quaint",
    "clean",
    "elegant",
    "easy",
    "angry",
    "crazy",
    "helpful",
    "mushy",
    "odd",
    "unsightly",
    "adorable",
    "important",
    "inexpensive",
    "cheap",
    "expensive",
    "fancy",
];
const COLOURS: &[&str] = &[
    "red", "yellow", "blue", "green", "pink", "brown", "purple", "brown", "white", "black",
    "orange",
];
const NOUNS: &[&str] = &[
    "table", "chair", "house", "bbq", "desk", "car", "pony", "cookie", "sandwich", "burger",
    "pizza", "mouse", "keyboard",
];

#[derive(Clone, PartialEq)]
struct Row {
    id: u32,
    label: Rc<str>,
}

/// What a row component receives: its data and the page's selection.
#[derive(PartialEq)]
struct RowProps {
    row: Row,
    selected: Signal<u32>,
    is_selected: Selector<u32>,
    rows: Signal<Vec<Row>>,
}

fn row(props: Signal<RowProps>) -> impl Render {
    let (id, selected, is_selected, rows) =
        props.with(|p| (p.row.id, p.selected, p.is_selected, p.rows));
    move || {
        let label = props.with(|p| p.row.label.to_string());
        tr((
            td(id.to_string()).class("col-md-1"),
            td(a(label).on_click(move |_| selected.set(id))).class("col-md-4"),
            td(a(span(())
                .class("glyphicon glyphicon-remove")
                .attr("aria-hidden", "true"))
            .on_click(move |_| rows.update(|v| v.retain(|r| r.id != id))))
            .class("col-md-1"),
            td(()).class("col-md-6"),
        ))
        .attr_opt("class", is_selected.is(&id).then_some("danger"))
    }
}

/// The page's state: rows, selection, the next id and the label generator's seed.
#[derive(Clone, Copy)]
struct Store {
    rows: Signal<Vec<Row>>,
    selected: Signal<u32>,
    next_id: Signal<u32>,
    seed: Signal<u64>,
}

impl Store {
    fn build(self, n: usize) -> Vec<Row> {
        let first = self.next_id.get();
        self.next_id.set(first + n as u32);
        let mut s = self.seed.get();
        // A linear congruential generator: the labels only need to look random.
        let mut pick = |len: usize| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) as usize % len
        };
        let rows = (0..n)
            .map(|i| Row {
                id: first + i as u32,
                label: format!(
                    "{} {} {}",
                    ADJECTIVES[pick(ADJECTIVES.len())],
                    COLOURS[pick(COLOURS.len())],
                    NOUNS[pick(NOUNS.len())]
                )
                .into(),
            })
            .collect();
        self.seed.set(s);
        rows
    }

    fn run(self, n: usize) {
        let rows = self.build(n);
        self.rows.set(rows);
        self.selected.set(0);
    }

    fn add(self) {
        let more = self.build(1000);
        self.rows.update(|v| v.extend(more));
    }

    fn update(self) {
        self.rows.update(|v| {
            for r in v.iter_mut().step_by(10) {
                r.label = format!("{} !!!", r.label).into();
            }
        });
    }

    fn clear(self) {
        self.rows.set(Vec::new());
        self.selected.set(0);
    }

    fn swap(self) {
        self.rows.update(|v| {
            if v.len() > 998 {
                v.swap(1, 998);
            }
        });
    }
}

fn action_button(id: &'static str, text: &'static str, f: impl Fn() + 'static) -> El {
    div(button(text)
        .attr("type", "button")
        .class("btn btn-primary btn-block")
        .id(id)
        .on_click(move |_| f()))
    .class("col-sm-6 smallpad")
}

/// The page (public so `benches/jsfb_ops.rs` measures this very component).
pub fn jsfb() -> impl Render {
    let s = Store {
        rows: signal(Vec::new()),
        selected: signal(0),
        next_id: signal(1),
        seed: signal(0x5eed),
    };
    let is_selected = selector(move || s.selected.get());
    move || {
        let rows: Vec<VNode> = s.rows.with(|v| {
            v.iter()
                .map(|r| {
                    let props = RowProps {
                        row: r.clone(),
                        selected: s.selected,
                        is_selected,
                        rows: s.rows,
                    };
                    component_live_keyed(r.id, row, props)
                })
                .collect()
        });
        div((
            div(div((
                div(h1("Vango keyed")).class("col-md-6"),
                div(div((
                    action_button("run", "Create 1,000 rows", move || s.run(1000)),
                    action_button("runlots", "Create 10,000 rows", move || s.run(10000)),
                    action_button("add", "Append 1,000 rows", move || s.add()),
                    action_button("update", "Update every 10th row", move || s.update()),
                    action_button("clear", "Clear", move || s.clear()),
                    action_button("swaprows", "Swap Rows", move || s.swap()),
                ))
                .class("row"))
                .class("col-md-6"),
            ))
            .class("row"))
            .class("jumbotron"),
            table(tbody(rows)).class("table table-hover table-striped test-data"),
            span(())
                .class("preloadicon glyphicon glyphicon-remove")
                .attr("aria-hidden", "true"),
        ))
        .class("container")
        .id("main")
    }
}

fn main() -> std::io::Result<()> {
    vango::App::new()
        .title("Vango keyed (js-framework-benchmark)")
        .page("/", jsfb)
        .serve_env()
}
