//! `OneVec` (an element's `Children`): seeded properties against a `Vec` model, its two
//! forms (one item inline, or a list), and that a built tree holds an only child inline.

use vango::prelude::*;
use vango::vdom::{Children, OneVec};

/// Random pushes, `vec_mut` edits, `clear`, `inline` and conversions leave the same items
/// as a `Vec` given the same edits; one item is inline exactly when a push into an empty
/// list without storage, `From<Vec>` of one item or `inline` put it there.
#[test]
fn behaves_like_a_vec() {
    for seed in 0..2000u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let start: Vec<u32> = (0..rng.usize(0..4)).map(|_| rng.u32(..100)).collect();
        let mut model = start.clone();
        let mut l = OneVec::<u32>::from(start);
        assert_eq!(l.is_inline(), model.len() == 1, "seed {seed}: from");
        for step in 0..30 {
            let was_inline = l.is_inline();
            let empty_bare = !was_inline && l.is_empty() && l.capacity() == 0;
            match rng.u8(0..7) {
                0 | 1 => {
                    let x = rng.u32(..100);
                    l.push(x);
                    model.push(x);
                    assert_eq!(l.is_inline(), empty_bare, "seed {seed} step {step}: push");
                }
                2 => {
                    let at = rng.usize(0..=model.len());
                    let x = rng.u32(..100);
                    l.vec_mut().insert(at, x);
                    model.insert(at, x);
                    assert!(!l.is_inline());
                }
                3 if !model.is_empty() => {
                    let at = rng.usize(0..model.len());
                    assert_eq!(l.vec_mut().remove(at), model.remove(at));
                }
                4 => {
                    l.clear();
                    model.clear();
                }
                5 => {
                    let back = l.inline();
                    assert_eq!(
                        back.is_some(),
                        !was_inline && model.len() == 1,
                        "seed {seed} step {step}: inline"
                    );
                    assert!(back.is_none_or(|b| b.is_empty()));
                    if model.len() == 1 {
                        assert!(l.is_inline());
                    }
                }
                _ => {
                    if let Some(x) = l.iter_mut().next() {
                        *x += 1;
                        model[0] += 1;
                    }
                }
            }
            assert_eq!(&l[..], &model[..], "seed {seed} step {step}");
            assert_eq!(l.len(), model.len());
            if l.is_inline() {
                assert_eq!(l.capacity(), 0, "seed {seed}: an inline item has no list");
            }
        }
        let by_ref: Vec<u32> = (&l).into_iter().copied().collect();
        assert_eq!(by_ref, model);
        let (one, many) = OneVec::<u32>::from(model.clone()).split();
        assert_eq!(one.into_iter().chain(many).collect::<Vec<_>>(), model);
        assert_eq!(
            l.into_iter().rev().collect::<Vec<_>>(),
            model.iter().rev().copied().collect::<Vec<_>>()
        );
    }
}

#[test]
fn collected_and_extended_lists_inline_their_first_item_only_while_alone() {
    let one: OneVec<u8> = std::iter::once(7).collect();
    assert!(one.is_inline() && one[..] == [7]);
    let mut two: OneVec<u8> = [1, 2].into_iter().collect();
    assert!(!two.is_inline() && two[..] == [1, 2]);
    two.extend([3]);
    assert_eq!(two.into_vec(), [1, 2, 3]);
    assert_eq!(OneVec::from(9u8).into_vec(), [9]);
    assert_eq!(format!("{:?}", OneVec::from('x')), "['x']");
}

fn each_element(n: &VNode, f: &mut impl FnMut(&Children)) {
    if let VNode::Element(e) = n {
        f(&e.children);
        e.children.iter().for_each(|c| each_element(c, f));
    }
}

/// What the builders make: every element with one child holds it inline (no list), the
/// rest hold lists without spare room.
#[test]
fn built_elements_hold_an_only_child_inline() {
    let page: VNode = ul((0..20)
        .map(|i| {
            li((
                span(format!("row {i}")),
                button("+1").on_click(|_| {}),
                div(()),
                p(span(i)),
            ))
        })
        .collect::<Vec<_>>())
    .into();
    let (mut inline, mut lists) = (0, 0);
    each_element(&page, &mut |c| {
        if c.len() == 1 {
            assert!(c.is_inline(), "an only child in a list: {c:?}");
            inline += 1;
        } else {
            assert_eq!(c.capacity(), c.len());
            lists += 1;
        }
    });
    // Per row: span, button, p and p's span hold one child; li holds four, div none.
    assert_eq!((inline, lists), (20 * 4, 1 + 20 * 2));
}
