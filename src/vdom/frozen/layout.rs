//! The packed byte layout of [`Frozen`](super::Frozen): the packer that writes a subtree
//! (numbering static strings in this thread's table) and the reader that rebuilds it; the
//! layout itself is described in the parent module's documentation.
//!
//! Touches only `vdom`'s node types.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::vdom::event::Reject;
use crate::vdom::node::{
    Attr, AttrValue, ComponentSlot, Element, Footprint, Handler, Key, Listener, Modifiers, RawHtml,
    Str, VNode,
};
use crate::vdom::ns::Ns;
use crate::vdom::tight::TightVec;

/// Most static strings one thread numbers (≈ 2.5 MiB of table at most); a static string
/// past it is held beside the bytes instead.
const MAX_STATICS: usize = 1 << 16;

/// This thread's numbering of the static strings packed trees name (tags, event names,
/// literal texts and attribute names): each is numbered once for every session on the
/// core. Static strings live for the whole program, so the table only ever holds what
/// the program's views contain.
#[derive(Default)]
struct Statics {
    list: Vec<&'static str>,
    /// (address, length) → number.
    index: HashMap<(usize, usize), u32>,
}

thread_local! {
    static STATICS: RefCell<Statics> = RefCell::new(Statics::default());
    /// The handler of a listener unpacked from [`Frozen::freeze_bare`](super::Frozen::freeze_bare): one for the thread.
    static STAND_IN: Handler = Rc::new(|_| Err(Reject));
}

fn stand_in() -> Handler {
    STAND_IN.with(Rc::clone)
}

/// What cannot be packed into bytes.
pub(super) enum Held {
    Static(&'static str),
    Keys(&'static [&'static str]),
    Component(Box<dyn ComponentSlot>),
}

pub(super) struct Packer<'a> {
    pub(super) out: Vec<u8>,
    /// The hid of the element packed last (0 before the first).
    pub(super) last_hid: u32,
    pub(super) handlers: Vec<Handler>,
    /// False for [`Frozen::freeze_bare`](super::Frozen::freeze_bare).
    pub(super) keep_handlers: bool,
    pub(super) held: Vec<Held>,
    pub(super) fp: &'a mut Footprint,
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Packer<'_> {
    fn varint(&mut self, v: usize) {
        put_varint(&mut self.out, v as u64);
    }

    fn static_str(&mut self, s: &'static str) {
        let at = (s.as_ptr() as usize, s.len());
        // Borrowed per string: a component inside packs its own output meanwhile.
        let n = STATICS.with(|t| {
            let mut t = t.borrow_mut();
            match t.index.get(&at) {
                Some(&n) => Some(n),
                None if t.list.len() < MAX_STATICS => {
                    let n = t.list.len() as u32;
                    t.list.push(s);
                    t.index.insert(at, n);
                    Some(n)
                }
                None => None,
            }
        });
        match n {
            Some(n) => self.varint((n as usize) << 2),
            None => {
                self.varint(2);
                self.held.push(Held::Static(s));
            }
        }
    }

    fn str(&mut self, s: &Str) {
        match s.as_static() {
            Some(b) => self.static_str(b),
            None => {
                self.varint(s.len() << 2 | 1);
                self.out.extend_from_slice(s.as_bytes());
            }
        }
    }

    pub(super) fn node(&mut self, node: &mut VNode) {
        match node {
            VNode::Empty => self.out.push(0),
            VNode::Text(s) => {
                self.out.push(1);
                self.str(s);
            }
            VNode::Element(e) => {
                self.out.push(2);
                self.element(e);
            }
            VNode::Fragment(nodes) => {
                self.out.push(3);
                self.varint(nodes.len());
                for n in nodes {
                    self.node(n);
                }
            }
            VNode::Component(_) => {
                self.out.push(4);
                let VNode::Component(c) = std::mem::replace(node, VNode::Empty) else {
                    unreachable!("matched a component above");
                };
                // Only a bare packing's owner re-renders every component on waking, which
                // a component's own bare packing needs: a kept packing holds it as it is.
                if !self.keep_handlers {
                    c.hibernate(self.fp);
                }
                self.fp.components += 1;
                self.held.push(Held::Component(c));
            }
            VNode::Raw(r) => {
                self.out.push(5);
                self.str(&r.0);
            }
        }
    }

    fn element(&mut self, e: &mut Element) {
        self.static_str(e.tag);
        // Hids of a subtree mostly count up in document order: the step is one byte.
        let step = i64::from(e.hid) - i64::from(self.last_hid);
        put_varint(&mut self.out, ((step << 1) ^ (step >> 63)) as u64);
        self.last_hid = e.hid;
        let ns = match e.parent_ns {
            Ns::Html => 0,
            Ns::Svg => 1,
            Ns::MathMl => 2,
        };
        let flags = ns
            | u8::from(e.key.is_some()) << 2
            | u8::from(!e.attrs.is_empty()) << 3
            | u8::from(!e.listeners.is_empty()) << 4
            | u8::from(!e.children.is_empty()) << 5;
        self.out.push(flags);
        match e.key.as_deref() {
            None => {}
            Some(Key::Int(i)) => {
                self.out.push(0);
                put_varint(&mut self.out, *i);
            }
            Some(Key::Str(s)) => {
                self.out.push(1);
                self.str(s);
            }
        }
        if !e.attrs.is_empty() {
            self.varint(e.attrs.len());
            for a in e.attrs.iter() {
                self.str(&a.name);
                match &a.value {
                    AttrValue::Bool(b) => self.out.push(u8::from(*b)),
                    AttrValue::Str(s) => {
                        self.out.push(2);
                        self.str(s);
                    }
                    AttrValue::Trusted(s) => {
                        self.out.push(3);
                        self.str(s);
                    }
                }
            }
        }
        if !e.listeners.is_empty() {
            self.varint(e.listeners.len());
            for l in e.listeners.iter() {
                self.static_str(l.event);
                self.modifiers(&l.modifiers);
                if self.keep_handlers {
                    self.handlers.push(l.handler.clone());
                    self.fp.handlers += 1;
                }
            }
        }
        if !e.children.is_empty() {
            self.varint(e.children.len());
            for c in e.children.iter_mut() {
                self.node(c);
            }
        }
    }

    fn modifiers(&mut self, m: &Modifiers) {
        let flags = u8::from(m.prevent_default)
            | u8::from(m.stop_propagation) << 1
            | u8::from(m.coords) << 2
            | u8::from(m.debounce_ms != 0) << 3
            | u8::from(m.throttle_ms != 0) << 4
            | u8::from(!m.keys.is_empty()) << 5;
        self.out.push(flags);
        if m.debounce_ms != 0 {
            self.varint(m.debounce_ms.into());
        }
        if m.throttle_ms != 0 {
            self.varint(m.throttle_ms.into());
        }
        if !m.keys.is_empty() {
            self.held.push(Held::Keys(m.keys));
        }
    }
}

/// The next byte (0 past the end: the bytes are this module's own, so that never happens
/// but costs no panic path).
pub(super) fn byte(at: &mut &[u8]) -> u8 {
    match at.split_first() {
        Some((&b, rest)) => {
            *at = rest;
            b
        }
        None => 0,
    }
}

pub(super) fn varint(at: &mut &[u8]) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = byte(at);
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 || shift >= 63 {
            return v;
        }
        shift += 7;
    }
}

/// Static string number `n` of this thread's table.
fn numbered(n: usize) -> &'static str {
    STATICS.with(|t| t.borrow().list.get(n).copied().unwrap_or(""))
}

pub(super) struct Reader<'a> {
    pub(super) at: &'a [u8],
    /// As [`Packer::last_hid`].
    pub(super) last_hid: u32,
    /// Reversed, as `held`: the next one is last.
    pub(super) handlers: Vec<Handler>,
    /// Reversed: the next one is last.
    pub(super) held: Vec<Held>,
}

impl Reader<'_> {
    fn count(&mut self) -> usize {
        varint(&mut self.at) as usize
    }

    fn static_str(&mut self) -> &'static str {
        let h = self.count();
        self.static_of(h)
    }

    /// The static string a str header `h` (not an owned one's) names.
    fn static_of(&mut self, h: usize) -> &'static str {
        match h & 3 {
            0 => numbered(h >> 2),
            _ => match self.held.pop() {
                Some(Held::Static(s)) => s,
                _ => "",
            },
        }
    }

    fn str(&mut self) -> Str {
        let h = self.count();
        if h & 3 != 1 {
            return Str::from_static(self.static_of(h));
        }
        let len = (h >> 2).min(self.at.len());
        let (s, rest) = self.at.split_at(len);
        self.at = rest;
        match String::from_utf8_lossy(s) {
            Cow::Borrowed(s) => Str::copy_from(s),
            Cow::Owned(s) => Str::from(s),
        }
    }

    pub(super) fn node(&mut self) -> VNode {
        match byte(&mut self.at) {
            1 => VNode::Text(self.str()),
            2 => VNode::Element(self.element()),
            3 => {
                let n = self.count();
                let mut nodes = Vec::with_capacity(n.min(self.at.len()));
                for _ in 0..n {
                    nodes.push(self.node());
                }
                VNode::Fragment(nodes)
            }
            4 => match self.held.pop() {
                Some(Held::Component(c)) => {
                    // Unpacks its output now: the whole tree wakes at once.
                    drop(c.rendered());
                    VNode::Component(c)
                }
                _ => VNode::Empty,
            },
            5 => VNode::Raw(RawHtml(self.str())),
            _ => VNode::Empty,
        }
    }

    fn element(&mut self) -> Box<Element> {
        let tag = self.static_str();
        let mut e = crate::vdom::pool::element(tag);
        let z = varint(&mut self.at) as i64;
        let step = (z >> 1) ^ -(z & 1);
        e.hid = (i64::from(self.last_hid) + step) as u32;
        self.last_hid = e.hid;
        let flags = byte(&mut self.at);
        e.parent_ns = match flags & 3 {
            1 => Ns::Svg,
            2 => Ns::MathMl,
            _ => Ns::Html,
        };
        if flags & 4 != 0 {
            let key = match byte(&mut self.at) {
                0 => Key::Int(varint(&mut self.at)),
                _ => Key::Str(self.str()),
            };
            e.key = Some(crate::vdom::pool::key(key));
        }
        if flags & 8 != 0 {
            let n = self.count();
            let mut attrs = Vec::with_capacity(n.min(self.at.len()));
            for _ in 0..n {
                let name = self.str();
                let value = match byte(&mut self.at) {
                    0 => AttrValue::Bool(false),
                    1 => AttrValue::Bool(true),
                    2 => AttrValue::Str(self.str()),
                    _ => AttrValue::Trusted(self.str()),
                };
                attrs.push(Attr { name, value });
            }
            e.attrs = TightVec::from(attrs);
        }
        if flags & 16 != 0 {
            let n = self.count();
            let mut listeners = Vec::with_capacity(n.min(self.at.len()));
            for _ in 0..n {
                let event = self.static_str();
                let modifiers = self.modifiers();
                let handler = self.handlers.pop().unwrap_or_else(stand_in);
                listeners.push(Listener {
                    event,
                    modifiers,
                    handler,
                });
            }
            e.listeners = TightVec::from(listeners);
        }
        if flags & 32 != 0 {
            let n = self.count();
            if n == 1 {
                e.children = self.node().into();
            } else {
                let mut children = Vec::with_capacity(n.min(self.at.len()));
                for _ in 0..n {
                    children.push(self.node());
                }
                e.children = children.into();
            }
        }
        e
    }

    fn modifiers(&mut self) -> Modifiers {
        let flags = byte(&mut self.at);
        let mut m = Modifiers {
            prevent_default: flags & 1 != 0,
            stop_propagation: flags & 2 != 0,
            coords: flags & 4 != 0,
            ..Modifiers::default()
        };
        if flags & 8 != 0 {
            m.debounce_ms = varint(&mut self.at) as u16;
        }
        if flags & 16 != 0 {
            m.throttle_ms = varint(&mut self.at) as u16;
        }
        if flags & 32 != 0 {
            if let Some(Held::Keys(k)) = self.held.pop() {
                m.keys = k;
            }
        }
        m
    }
}
