//! A hand-built counter `View` (no components, no reactive graph) and its app, for the
//! session tests (`tests/session.rs`, `tests/session_resume.rs`): every hid and every patch
//! is known in advance. Touches vango's public `live`, `server` and `protocol` API.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use vango::component::DispatchError;
use vango::live::{notify_dirty, DispatchFailed, IntoView, SessionConfig, View};
use vango::protocol::{Op, ServerFrame};
use vango::server::{Core, RunningServer};
use vango::vdom::{Element, Event, Listener, Patch, PatchSink, VNode};
use vango::App;

/// A hand-built counter: `<div 1><h1 2>Count: n</h1><button 3>+</button><button 4>boom</button></div>`.
pub struct Counter {
    pub n: Rc<Cell<i32>>,
    pub root: VNode,
    pub dirty: Rc<Cell<bool>>,
}

/// An element with a fixed hid and, if `click`, a click listener (the counter's `dispatch`
/// decides what a click does, by hid).
pub fn el(tag: &'static str, hid: u32, children: Vec<VNode>, click: bool) -> VNode {
    let mut e = Element::new(tag);
    e.hid = hid;
    e.children = children.into();
    if click {
        e.listeners.push(Listener {
            event: "click",
            modifiers: Default::default(),
            handler: Rc::new(|_: &Event| Ok(())),
        });
    }
    VNode::Element(Box::new(e))
}

/// The counter's tree showing `n`.
pub fn counter_tree(n: i32) -> VNode {
    el(
        "div",
        1,
        vec![
            el(
                "h1",
                2,
                vec![VNode::Text(format!("Count: {n}").into())],
                false,
            ),
            el("button", 3, vec![VNode::Text("+".into())], true),
            el("button", 4, vec![VNode::Text("boom".into())], true),
        ],
        false,
    )
}

impl Counter {
    pub fn new(n: i32) -> Self {
        Counter {
            n: Rc::new(Cell::new(n)),
            root: counter_tree(n),
            dirty: Rc::new(Cell::new(false)),
        }
    }
}

impl View for Counter {
    fn root(&self) -> &VNode {
        &self.root
    }
    fn root_hid(&self) -> u32 {
        1
    }
    fn dispatch(&mut self, event: &Event) -> Result<vango::vdom::Handled, DispatchFailed> {
        match (event.hid, event.name) {
            (3, "click") => {
                self.n.set(self.n.get() + 1);
                self.dirty.set(true);
                Ok(Ok(()))
            }
            // Changes state later, from a task on the core, then rings the bell.
            (5, "click") => {
                let (n, dirty) = (self.n.clone(), self.dirty.clone());
                Core::current().unwrap().spawn(async move {
                    async_io::Timer::after(Duration::from_millis(30)).await;
                    n.set(n.get() + 100);
                    dirty.set(true);
                    notify_dirty();
                });
                Ok(Ok(()))
            }
            (4, "click") => panic!("boom"),
            _ => Err(DispatchFailed(DispatchError::UnknownHid(event.hid))),
        }
    }
    fn is_dirty(&self) -> bool {
        self.dirty.get()
    }
    fn rerender(&mut self, sink: &mut vango::protocol::PatchEncoder) {
        self.root = counter_tree(self.n.get());
        sink.set_text(2, 0, &format!("Count: {}", self.n.get()));
        self.dirty.set(false);
    }
}

impl IntoView for Counter {
    fn into_view(self) -> Box<dyn View> {
        Box::new(self)
    }
}

/// Serves the counter at `/` on `workers` cores.
pub fn app(workers: usize, config: SessionConfig) -> RunningServer {
    App::new()
        .title("Counter")
        .page_view("/", || Counter::new(0))
        .workers(workers)
        .sessions(config)
        .spawn("127.0.0.1:0")
        .unwrap()
}

/// `(seq, ack, text)` if `frame` is exactly the counter's one SetText on its `<h1>`.
pub fn set_text(frame: &ServerFrame) -> Option<(u64, u64, String)> {
    match frame {
        ServerFrame::Patches { seq, ack, ops } => match ops.as_slice() {
            [Op::Patch(Patch::SetText {
                parent: 2,
                index: 0,
                text,
            })] => Some((*seq, *ack, text.clone())),
            _ => None,
        },
        _ => None,
    }
}
