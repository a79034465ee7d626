//! A retained subtree packed into one byte string while its session is idle (hibernation),
//! and unpacked again, node for node, when the session next needs it.
//!
//! Touches only `vdom`'s node types and its per-thread pools. Why: an idle list of 50
//! rows keeps ≈ 48 KiB of boxed elements, child lists and texts that nothing reads until
//! the next event; packed, the same rows are ≈ 2.7 KB of bytes, ≈ 0.5 KB once
//! LZ4-compressed (the rows repeat one shape), plus the handlers (none with
//! [`Frozen::freeze_bare`], for a tree that renders again on waking). What cannot be
//! bytes stays beside them in lists, in the order the nodes meet it: handler `Rc`s (in a
//! list of their own), component slots (whose own outputs a slot packs itself), and
//! static strings this thread's table is too full to number.
//!
//! Kept: a header (`len << 1 | 1` for LZ4, `len << 1` for plain), the root's hid (read
//! without unpacking), then the bytes. The
//! layout of the plain bytes (written and read in `layout.rs`; every number an unsigned
//! LEB128 varint, private to this module: bytes never leave the process, so no version;
//! `tests/frozen.rs` checks that unpacking gives back exactly what was packed):
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

mod layout;

use std::cell::RefCell;

pub use crate::vdom::node::Footprint;
use crate::vdom::node::{Handler, VNode};
use layout::{byte, put_varint, varint, Held, Packer, Reader};

/// Largest packing buffer a thread keeps for the next packing.
const MAX_SCRATCH: usize = 1 << 16;

/// Packed bytes shorter than this stay plain.
const MIN_COMPRESS: usize = 128;

/// Most plain bytes one packed tree may unpack to (a bound on a broken header).
const MAX_PLAIN: usize = 1 << 30;

thread_local! {
    /// Packing buffers kept for the next packing (see [`give_back`]).
    static SCRATCH: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// The packed bytes as kept (see the module's documentation), LZ4-compressed when that is
/// shorter (a few nodes do not pay for it).
fn compress(plain: &[u8]) -> Box<[u8]> {
    let mut head = Vec::with_capacity(10);
    let with_root = |head: &mut Vec<u8>| put_varint(head, u64::from(first_hid(plain)));
    if plain.len() >= MIN_COMPRESS {
        let mut out = SCRATCH.with(|s| s.borrow_mut().pop()).unwrap_or_default();
        out.resize(lz4_flex::block::get_maximum_output_size(plain.len()), 0);
        if let Ok(n) = lz4_flex::block::compress_into(plain, &mut out) {
            if n < plain.len() {
                put_varint(&mut head, (plain.len() as u64) << 1 | 1);
                with_root(&mut head);
                let kept = [&head[..], &out[..n]].concat().into_boxed_slice();
                give_back(out);
                return kept;
            }
        }
        give_back(out);
    }
    put_varint(&mut head, (plain.len() as u64) << 1);
    with_root(&mut head);
    [&head[..], plain].concat().into_boxed_slice()
}

/// The hid of the root element of plain packed bytes (0 when the root is not an element).
fn first_hid(plain: &[u8]) -> u32 {
    let mut at = plain;
    if byte(&mut at) != 2 {
        return 0;
    }
    let _tag = varint(&mut at);
    // The first hid's step is from 0: zigzag of a non-negative value.
    (varint(&mut at) >> 1) as u32
}

/// The plain bytes of [`compress`]'s output, in a buffer for [`give_back`]. Only this
/// module's own packing is ever read here; a short or broken input gives fewer bytes,
/// which the reader takes as empty nodes.
fn decompress(kept: &[u8]) -> Vec<u8> {
    let mut at = kept;
    let head = varint(&mut at);
    let _root = varint(&mut at);
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
    /// `fp`. Each component inside is held as it is, its output unpacked. The nodes go
    /// back to this thread's pools.
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
    /// that rejects the event. Each component inside is asked to pack its own output the
    /// same way ([`ComponentSlot::hibernate`](crate::vdom::ComponentSlot::hibernate)).
    /// For a tree that re-renders every component before the next event reaches a
    /// handler (the diff moves the new closures in), as
    /// [`Tree::hibernate`](crate::component::Tree::hibernate) does: a 50-row list's
    /// handlers are ≈ 3 KiB of what it holds while it sleeps.
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
        // The nodes are freed before the kept bytes are allocated, so that those can take
        // the place the nodes held (no difference in RSS could be measured either way).
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
        let mut at = &self.bytes[..];
        let _head = varint(&mut at);
        varint(&mut at) as u32
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
