//! `diff_in` frees nothing: what the diff does not keep is swapped into the render it was
//! given (the leftovers), counted by a global allocator in this test binary only.
//!
//! The one `unsafe` here is the `GlobalAlloc` impl (an unsafe trait); the library itself
//! stays `forbid(unsafe_code)`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use vango::prelude::*;
use vango::vdom::diff::{diff, diff_in, mount};
use vango::vdom::hid::HidAlloc;
use vango::vdom::Patch;
use vango_test_support::model::build;

/// Counts allocations and frees made by the current thread, so tests running in parallel
/// on other threads do not disturb the counts.
struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
    static FREES: Cell<usize> = const { Cell::new(0) };
}

fn bump(c: &'static std::thread::LocalKey<Cell<usize>>) {
    let _ = c.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counters are const-initialised thread-local `Cell`s without destructor, which do not
// allocate (and `try_with` tolerates thread teardown).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump(&ALLOCS);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump(&ALLOCS);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump(&ALLOCS);
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        bump(&FREES);
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// (allocations, frees) made by `f` on this thread.
fn counted(f: impl FnOnce()) -> (usize, usize) {
    let (a, d) = (ALLOCS.with(Cell::get), FREES.with(Cell::get));
    f();
    (ALLOCS.with(Cell::get) - a, FREES.with(Cell::get) - d)
}

/// 250 × (li, text, span, text), one label optionally changed.
fn page(changed: Option<usize>) -> VNode {
    let items: Vec<El> = (0..250)
        .map(|i| {
            let label = match changed {
                Some(c) if c == i => "changed".to_string(),
                _ => format!("item {i}"),
            };
            li((text(label), span("x").class("tag")))
        })
        .collect();
    ul(items).class("list").into()
}

fn rows(keys: &[u32]) -> VNode {
    let items: Vec<El> = keys
        .iter()
        .map(|&k| tr((td(k.to_string()), td(span("label")).class(format!("c{k}")))).key(k))
        .collect();
    tbody(items).into()
}

fn mounted(n: VNode, cx: &mut HidAlloc) -> VNode {
    let mut n = n;
    mount(&mut n, cx);
    n
}

/// Diffs `old` against `new` both ways (`diff_in` under the counters, and `diff`), and
/// checks that they agree and that the result is structurally the new render.
fn check(old: impl Fn() -> VNode, new: impl Fn() -> VNode) -> ((usize, usize), VNode) {
    let mut cx = HidAlloc::new(1);
    let mut tree = mounted(old(), &mut cx);
    let mut fresh = new();
    // The sink is given room first, so that recording the edits allocates nothing.
    let mut edits: Vec<Patch> = Vec::with_capacity(1024);
    let counts = counted(|| diff_in(&mut tree, &mut fresh, &mut cx, &mut edits));
    assert_eq!(
        build(&tree, false),
        build(&new(), false),
        "patched old == new"
    );

    let mut cx2 = HidAlloc::new(1);
    let mut tree2 = mounted(old(), &mut cx2);
    let mut edits2: Vec<Patch> = Vec::new();
    diff(&mut tree2, new(), &mut cx2, &mut edits2);
    assert_eq!(edits, edits2, "diff and diff_in emit the same edits");
    assert_eq!(
        build(&tree, true),
        build(&tree2, true),
        "and leave the same tree"
    );
    (counts, fresh)
}

#[test]
fn an_unchanged_tree_is_diffed_without_allocating_or_freeing() {
    let ((allocs, frees), leftovers) = check(|| page(None), || page(None));
    assert_eq!((allocs, frees), (0, 0));
    // The render is left whole: freeing it is the caller's.
    assert_eq!(build(&leftovers, false), build(&page(None), false));
}

#[test]
fn a_changed_text_goes_to_the_leftovers() {
    let ((_, frees), leftovers) = check(|| page(None), || page(Some(125)));
    assert_eq!(frees, 0);
    let VNode::Element(ul) = &leftovers else {
        panic!("an element")
    };
    let VNode::Element(li) = &ul.children[125] else {
        panic!("an element")
    };
    assert!(
        matches!(&li.children[0], VNode::Text(t) if t == "item 125"),
        "the old text is swapped out, not freed: {:?}",
        li.children[0]
    );
}

#[test]
fn keyed_permutations_free_nothing() {
    let base: Vec<u32> = (0..200).collect();
    let mut swapped = base.clone();
    swapped.swap(1, 198);
    let reversed: Vec<u32> = base.iter().rev().copied().collect();
    let mut shuffled = base.clone();
    fastrand::Rng::with_seed(3).shuffle(&mut shuffled);
    for order in [&base, &swapped, &reversed, &shuffled] {
        // Once first, so that this thread's scratch buffers have grown.
        check(|| rows(&base), || rows(order));
        let ((allocs, frees), leftovers) = check(|| rows(&base), || rows(order));
        assert_eq!((allocs, frees), (0, 0), "{:?}", &order[..4]);
        // Every row is still in the leftovers: the consumed render's shells.
        assert_eq!(leftovers.as_element().map(|e| e.children.len()), Some(200));
    }
}

#[test]
fn changed_attributes_and_rows_in_place_free_nothing() {
    let base: Vec<u32> = (0..100).collect();
    // Same keys, one class and one text changed by giving row 7 the key of row 7 but
    // another number: the row's `td` text and class change.
    let changed = || {
        let items: Vec<El> = base
            .iter()
            .map(|&k| {
                let n = if k == 7 { 1007 } else { k };
                tr((td(n.to_string()), td(span("label")).class(format!("c{n}")))).key(k)
            })
            .collect();
        VNode::from(tbody(items))
    };
    check(|| rows(&base), changed);
    let ((_, frees), _) = check(|| rows(&base), changed);
    assert_eq!(frees, 0);
}

/// Rows whose key `k` renders with `label(k)`: a changed label changes a text and a class.
fn rows_labelled(keys: &[u32], label: impl Fn(u32) -> u32) -> VNode {
    let items: Vec<El> = keys
        .iter()
        .map(|&k| {
            let n = label(k);
            tr((td(n.to_string()), td(span("label")).class(format!("c{n}")))).key(k)
        })
        .collect();
    tbody(items).into()
}

#[test]
fn random_same_length_keyed_edits_free_nothing() {
    for seed in 0..200u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let n = rng.u32(1..80);
        let base: Vec<u32> = (0..n).collect();
        let mut order = base.clone();
        match rng.u8(0..3) {
            0 => rng.shuffle(&mut order),
            1 => {
                let (a, b) = (rng.usize(..order.len()), rng.usize(..order.len()));
                order.swap(a, b);
            }
            _ => {
                let (a, b) = (rng.usize(..order.len()), rng.usize(..order.len()));
                let k = order.remove(a);
                order.insert(b, k);
            }
        }
        let changed: Vec<bool> = (0..n).map(|_| rng.u8(0..5) == 0).collect();
        let label = |k: u32| if changed[k as usize] { k + 1000 } else { k };
        check(
            || rows_labelled(&base, |k| k),
            || rows_labelled(&order, label),
        );
        let ((allocs, frees), leftovers) = check(
            || rows_labelled(&base, |k| k),
            || rows_labelled(&order, label),
        );
        // Allocations are the recorded edits' own strings (`Patch` owns them).
        assert_eq!(frees, 0, "seed {seed}");
        if !changed.contains(&true) {
            assert_eq!(allocs, 0, "seed {seed}");
        }
        assert_eq!(
            leftovers.as_element().map(|e| e.children.len()),
            Some(n as usize),
            "seed {seed}"
        );
    }
}
