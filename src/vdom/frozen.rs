//! A retained subtree packed into one byte string while its session is idle (hibernation),
//! and unpacked again, node for node, when the session next needs it.
//!
//! Touches only `vdom`'s node types and its per-thread pools. Why: an idle list of 50
//! rows keeps ≈ 48 KiB of boxed elements, child lists and texts that nothing reads until
//! the next event; packed, the same rows are ≈ 3 KiB of bytes plus the handlers (none
//! with [`Frozen::freeze_bare`], for a tree that renders again on waking). What cannot be
//! bytes stays beside them in lists, in the order the nodes meet it: handler `Rc`s (in a
//! list of their own), component slots (whose own outputs a slot packs itself), and
//! static strings this thread's table is too full to number.
//!
//! The layout (every number an unsigned LEB128 varint, private to this module: bytes
//! never leave the process, so no version; `tests/frozen.rs` checks that unpacking gives
//! back exactly what was packed):
//! - node: `0` empty, `1` text + str, `2` element, `3` fragment + count + nodes,
//!   `4` component (next held), `5` raw HTML + str;
//! - element: tag (static), hid (zigzag step from the element before), flags (bits 0–1 namespace of its place, 2 key,
//!   3 attributes, 4 listeners, 5 children), then what the flags announce: key (`0` +
//!   integer or `1` + str), attributes (count, then name str and value: `0` false, `1`
//!   true, `2` + str, `3` trusted + str), listeners (count, then event (static),
//!   modifiers, and the next handler), children (count, then nodes);
//! - str: `n << 2` for static number `n` of this thread's table, `len << 2 | 1` + bytes
//!   for an owned string, `2` for the next held static;
//! - modifiers: flags (prevent, stop, coords, debounce, throttle, keys), then the
//!   announced debounce and throttle, the keys held.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::vdom::event::Reject;
pub use crate::vdom::node::Footprint;
use crate::vdom::node::{
    Attr, AttrValue, ComponentSlot, Element, Handler, Key, Listener, Modifiers, RawHtml, Str, VNode,
};
use crate::vdom::ns::Ns;
use crate::vdom::tight::TightVec;

/// Most static strings one thread numbers (≈ 2.5 MiB of table at most); a static string
/// past it is held beside the bytes instead.
const MAX_STATICS: usize = 1 << 16;

/// Largest packing buffer a thread keeps for the next packing.
const MAX_SCRATCH: usize = 1 << 16;

/// Packed bytes shorter than this stay plain.
const MIN_COMPRESS: usize = 128;

/// Most plain bytes one packed tree may unpack to (a bound on a broken header).
const MAX_PLAIN: usize = 1 << 30;

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
    /// Packing buffers kept for the next packing (see [`give_back`]).
    static SCRATCH: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
    /// The handler of a listener unpacked from [`Frozen::freeze_bare`]: one for the thread.
    static STAND_IN: Handler = Rc::new(|_| Err(Reject));
}

/// The packed bytes as kept: a header (`len << 1 | 1` for LZ4, `len << 1` for plain),
/// then the bytes, LZ4-compressed when that is shorter (a list's rows repeat one shape;
/// a few nodes do not pay for it).
fn compress(plain: &[u8]) -> Box<[u8]> {
    let mut head = Vec::with_capacity(5);
    if plain.len() >= MIN_COMPRESS {
        let mut out = SCRATCH.with(|s| s.borrow_mut().pop()).unwrap_or_default();
        out.resize(lz4_flex::block::get_maximum_output_size(plain.len()), 0);
        if let Ok(n) = lz4_flex::block::compress_into(plain, &mut out) {
            if n < plain.len() {
                put_varint(&mut head, (plain.len() as u64) << 1 | 1);
                let kept = [&head[..], &out[..n]].concat().into_boxed_slice();
                give_back(out);
                return kept;
            }
        }
        give_back(out);
    }
    put_varint(&mut head, (plain.len() as u64) << 1);
    [&head[..], plain].concat().into_boxed_slice()
}

/// The plain bytes of [`compress`]'s output, in a buffer for [`give_back`]. Only this
/// module's own packing is ever read here; a short or broken input gives fewer bytes,
/// which the reader takes as empty nodes.
fn decompress(kept: &[u8]) -> Vec<u8> {
    let mut at = kept;
    let head = varint(&mut at);
    // LZ4 expands a byte to at most 255.
    let len = ((head >> 1) as usize)
        .min(MAX_PLAIN)
        .min(at.len().saturating_mul(255));
    let mut out = SCRATCH.with(|s| s.borrow_mut().pop()).unwrap_or_default();
    if head & 1 == 0 {
        out.extend_from_slice(&at[..len.min(at.len())]);
    } else {
        out.resize(len, 0);
        let n = lz4_flex::block::decompress_into(at, &mut out).unwrap_or(0);
        out.truncate(n);
    }
    out
}

/// Returns a packing buffer to this thread's few (a component's output packs while its
/// parent's packing holds one).
fn give_back(mut out: Vec<u8>) {
    out.clear();
    if out.capacity() <= MAX_SCRATCH {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            if s.len() < 4 {
                s.push(out);
            }
        });
    }
}

fn stand_in() -> Handler {
    STAND_IN.with(Rc::clone)
}

/// What cannot be packed into bytes.
enum Held {
    Static(&'static str),
    Keys(&'static [&'static str]),
    Component(Box<dyn ComponentSlot>),
}

/// A subtree packed by [`Frozen::freeze`]; [`Frozen::thaw`] gives it back.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::vdom::frozen::{Footprint, Frozen};
/// let mut node: VNode = p(("Hello, ", b(String::from("Ada")))).class("greeting").into();
/// let before = vango::render::to_html(&node);
/// let frozen = Frozen::freeze(&mut node, &mut Footprint::default());
/// assert!(matches!(node, VNode::Empty), "the nodes are gone, packed");
/// assert_eq!(vango::render::to_html(&frozen.thaw()), before);
/// ```
pub struct Frozen {
    bytes: Box<[u8]>,
    /// The listeners' handlers in order: a list of their own, 16 bytes each instead of
    /// a `Held`'s 24 (most pages hold far more handlers than anything else).
    handlers: Box<[Handler]>,
    held: Box<[Held]>,
}

impl Frozen {
    /// Packs `node` (leaving [`VNode::Empty`] in its place) and adds what it now holds to
    /// `fp`. Each component inside is asked to pack its own output
    /// ([`ComponentSlot::hibernate`]) and is held as it is. The nodes go back to this
    /// thread's pools.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::vdom::frozen::{Footprint, Frozen};
    /// let mut node: VNode = button("+1").on_click(|_| {}).into();
    /// let mut fp = Footprint::default();
    /// let frozen = Frozen::freeze(&mut node, &mut fp);
    /// assert_eq!(fp.handlers, 1);
    /// let back = frozen.thaw();
    /// assert_eq!(back.as_element().unwrap().listeners.len(), 1);
    /// ```
    pub fn freeze(node: &mut VNode, fp: &mut Footprint) -> Frozen {
        Frozen::pack(node, fp, true)
    }

    /// Packs `node` as [`freeze`](Self::freeze) does, but drops the listeners' handlers
    /// (and what their closures hold): unpacked, each listener has a stand-in handler
    /// that rejects the event. For a tree that re-renders its components before the next
    /// event reaches a handler (the diff moves the new closures in): a 50-row list's
    /// handlers are ≈ 3 KiB of its ≈ 13 KiB while it sleeps.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::vdom::frozen::{Footprint, Frozen};
    /// let mut node: VNode = button("+1").on_click(|_| {}).into();
    /// let mut fp = Footprint::default();
    /// let frozen = Frozen::freeze_bare(&mut node, &mut fp);
    /// assert_eq!(fp.handlers, 0, "none held");
    /// let back = frozen.thaw();
    /// let l = &back.as_element().unwrap().listeners[0];
    /// assert_eq!(l.event, "click", "the listener is still there");
    /// let ev = Event { hid: 0, name: "click", data: EventData::None };
    /// assert_eq!((l.handler)(&ev), Err(Reject), "its stand-in refuses");
    /// ```
    pub fn freeze_bare(node: &mut VNode, fp: &mut Footprint) -> Frozen {
        Frozen::pack(node, fp, false)
    }

    fn pack(node: &mut VNode, fp: &mut Footprint, keep_handlers: bool) -> Frozen {
        let mut p = Packer {
            out: SCRATCH.with(|s| s.borrow_mut().pop()).unwrap_or_default(),
            last_hid: 0,
            handlers: Vec::new(),
            keep_handlers,
            held: Vec::new(),
            fp,
        };
        p.node(node);
        let Packer {
            out,
            handlers,
            held,
            fp,
            ..
        } = p;
        // The nodes are freed before the packed bytes are allocated, so that those take
        // the place the nodes held instead of memory that a newer session's blocks
        // surround: a sleeping session keeps fewer pages resident.
        crate::vdom::pool::recycle(std::mem::replace(node, VNode::Empty));
        let bytes = compress(&out);
        give_back(out);
        let frozen = Frozen {
            bytes,
            handlers: handlers.into_boxed_slice(),
            held: held.into_boxed_slice(),
        };
        fp.bytes += frozen.bytes.len()
            + std::mem::size_of_val(&*frozen.handlers)
            + std::mem::size_of_val(&*frozen.held);
        fp.blocks += usize::from(!frozen.bytes.is_empty())
            + usize::from(!frozen.handlers.is_empty())
            + usize::from(!frozen.held.is_empty());
        frozen
    }

    /// The subtree, exactly as it was packed (hids, keys, namespaces, owned and static
    /// strings, handlers, components). Each component inside is asked for its output
    /// once, so that it unpacks too.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::vdom::frozen::{Footprint, Frozen};
    /// let mut node: VNode = li("row").key(7u32).into();
    /// let frozen = Frozen::freeze(&mut node, &mut Footprint::default());
    /// let back = frozen.thaw();
    /// assert_eq!(back.as_element().unwrap().key.as_deref(), Some(&vango::vdom::Key::Int(7)));
    /// ```
    pub fn thaw(self) -> VNode {
        let mut held = self.held.into_vec();
        held.reverse();
        let mut handlers = self.handlers.into_vec();
        handlers.reverse();
        let plain = decompress(&self.bytes);
        let mut r = Reader {
            at: &plain,
            last_hid: 0,
            handlers,
            held,
        };
        let node = r.node();
        give_back(plain);
        node
    }

    /// The hid of the packed root element (0 when the root is not an element).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::vdom::{diff::mount, frozen::{Footprint, Frozen}};
    /// let mut node: VNode = div("x").into();
    /// mount(&mut node, &mut vango::vdom::hid::HidAlloc::new(5));
    /// assert_eq!(Frozen::freeze(&mut node, &mut Footprint::default()).root_hid(), 5);
    /// ```
    pub fn root_hid(&self) -> u32 {
        let plain = decompress(&self.bytes);
        let mut at = &plain[..];
        let hid = if byte(&mut at) == 2 {
            let _tag = varint(&mut at);
            // The first hid's step is from 0: zigzag of a non-negative value.
            (varint(&mut at) >> 1) as u32
        } else {
            0
        };
        give_back(plain);
        hid
    }

    /// Disposes every component held (what [`walk::dispose`](crate::vdom::walk::dispose)
    /// does to the unpacked subtree).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::vdom::frozen::{Footprint, Frozen};
    /// let mut node: VNode = p("no components").into();
    /// Frozen::freeze(&mut node, &mut Footprint::default()).dispose();
    /// ```
    pub fn dispose(&self) {
        for h in self.held.iter() {
            if let Held::Component(c) = h {
                c.dispose();
            }
        }
    }
}

struct Packer<'a> {
    out: Vec<u8>,
    /// The hid of the element packed last (0 before the first).
    last_hid: u32,
    handlers: Vec<Handler>,
    /// False for [`Frozen::freeze_bare`].
    keep_handlers: bool,
    held: Vec<Held>,
    fp: &'a mut Footprint,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
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
        match s {
            Cow::Borrowed(b) => self.static_str(b),
            Cow::Owned(o) => {
                self.varint(o.len() << 2 | 1);
                self.out.extend_from_slice(o.as_bytes());
            }
        }
    }

    fn node(&mut self, node: &mut VNode) {
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
                c.hibernate(self.fp);
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
fn byte(at: &mut &[u8]) -> u8 {
    match at.split_first() {
        Some((&b, rest)) => {
            *at = rest;
            b
        }
        None => 0,
    }
}

fn varint(at: &mut &[u8]) -> u64 {
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

struct Reader<'a> {
    at: &'a [u8],
    /// As [`Packer::last_hid`].
    last_hid: u32,
    /// Reversed, as `held`: the next one is last.
    handlers: Vec<Handler>,
    /// Reversed: the next one is last.
    held: Vec<Held>,
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
            return Cow::Borrowed(self.static_of(h));
        }
        let len = (h >> 2).min(self.at.len());
        let (s, rest) = self.at.split_at(len);
        self.at = rest;
        Cow::Owned(String::from_utf8_lossy(s).into_owned())
    }

    fn node(&mut self) -> VNode {
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
            let mut children = Vec::with_capacity(n.min(self.at.len()));
            for _ in 0..n {
                children.push(self.node());
            }
            e.children = children;
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
