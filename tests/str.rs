//! `vdom::Str`, the tree's string: every way of making one gives back the string it was
//! made from, in the form its length calls for, and compares, orders and hashes as that
//! `str` whatever the forms on either side. Seeded random strings (ASCII and multi-byte
//! characters, lengths on both sides of the inline limit); the seed is printed.

use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use vango::vdom::{Str, VNode};

const CHARS: &[char] = &[
    'a', 'Z', '0', ' ', '<', '&', 'é', 'ß', '€', '中', '😀', '\u{0}',
];

fn seed() -> u64 {
    let seed = fastrand::u64(..);
    eprintln!("seed {seed}");
    seed
}

fn random_string(rng: &mut fastrand::Rng) -> String {
    let n = rng.usize(0..40);
    (0..n).map(|_| CHARS[rng.usize(..CHARS.len())]).collect()
}

fn hash_of(s: &(impl Hash + ?Sized)) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Every run-time way of making a `Str` from `s`.
fn made_from(s: &str) -> Vec<(&'static str, Str)> {
    vec![
        ("String", Str::from(s.to_owned())),
        ("&String", Str::from(&s.to_owned())),
        ("copy_from", Str::copy_from(s)),
        ("Box<str>", Str::from(Box::<str>::from(s))),
        ("Rc<str>", Str::from(Rc::<str>::from(s))),
        (
            "Cow::Owned",
            Str::from(Cow::<'static, str>::Owned(s.to_owned())),
        ),
        ("from_display", Str::from_display(s)),
    ]
}

#[test]
fn every_way_of_making_one_holds_the_string_in_the_form_its_length_calls_for() {
    let mut rng = fastrand::Rng::with_seed(seed());
    for _ in 0..2000 {
        let s = random_string(&mut rng);
        for (how, x) in made_from(&s) {
            assert_eq!(x.as_str(), s, "{how}");
            assert_eq!(&*x, s.as_str(), "{how}");
            assert!(!x.is_static(), "{how}");
            assert_eq!(
                x.is_inline(),
                s.len() <= Str::INLINE,
                "{how} of {} bytes",
                s.len()
            );
            let heap = if s.len() > Str::INLINE { s.len() } else { 0 };
            assert_eq!(x.heap_len(), heap, "{how}");
            assert_eq!(x.clone().into_string(), s, "{how}");
            assert_eq!(Cow::<'static, str>::from(x.clone()), s, "{how}");
            assert_eq!(x.to_string(), s, "{how}: Display");
            assert_eq!(format!("{x:?}"), format!("{s:?}"), "{how}: Debug");
        }
    }
}

#[test]
fn a_static_string_is_borrowed_whatever_its_length() {
    for s in [
        "",
        "a",
        "a literal longer than the inline limit of the type",
    ] {
        let x = Str::from(s);
        assert!(x.is_static() && !x.is_inline());
        assert_eq!(x.heap_len(), 0);
        assert_eq!(x.as_static().map(str::as_ptr), Some(s.as_ptr()));
        assert!(matches!(Cow::from(x), Cow::Borrowed(b) if b.as_ptr() == s.as_ptr()));
    }
    assert!(Str::from(Cow::Borrowed("lit")).is_static());
    assert_eq!(Str::default(), "");
}

#[test]
fn equality_order_and_hash_are_those_of_str_across_forms() {
    let mut rng = fastrand::Rng::with_seed(seed());
    // Static strings to compare against: leaked once, as a literal would be.
    let statics: Vec<&'static str> = (0..50)
        .map(|_| &*Box::leak(random_string(&mut rng).into_boxed_str()))
        .collect();
    for _ in 0..3000 {
        let (a, b) = if rng.bool() {
            let s = random_string(&mut rng);
            (s.clone(), s)
        } else {
            (random_string(&mut rng), random_string(&mut rng))
        };
        let forms_a = made_from(&a);
        let forms_b = made_from(&b);
        let (ha, xa) = &forms_a[rng.usize(..forms_a.len())];
        let (hb, xb) = &forms_b[rng.usize(..forms_b.len())];
        assert_eq!(xa == xb, a == b, "{ha} {a:?} == {hb} {b:?}");
        assert_eq!(xa.cmp(xb), a.cmp(&b), "{ha} {a:?} cmp {hb} {b:?}");
        assert_eq!(xa.partial_cmp(xb), a.partial_cmp(&b));
        assert_eq!(hash_of(xa), hash_of(a.as_str()), "{ha}: hashes as its str");
        assert_eq!(*xa == *b.as_str(), a == b);
        assert_eq!(PartialEq::<&str>::eq(xa, &b.as_str()), a == b);
        assert_eq!(*xa == b, a == b);
        assert_eq!(b == *xa, a == b);
        let st = statics[rng.usize(..statics.len())];
        let xs = Str::from(st);
        assert_eq!(*xa == xs, a == st, "{ha} {a:?} == static {st:?}");
        assert_eq!(xs == *xa, a == st);
    }
}

#[test]
fn push_str_appends_and_stays_inline_while_it_fits() {
    let mut rng = fastrand::Rng::with_seed(seed());
    for _ in 0..1000 {
        let mut want = random_string(&mut rng);
        let mut x = if rng.bool() {
            Str::from(want.clone())
        } else {
            Str::from(&*Box::leak(want.clone().into_boxed_str()))
        };
        for _ in 0..rng.usize(1..4) {
            let piece = random_string(&mut rng);
            x.push_str(&piece);
            want.push_str(&piece);
            assert_eq!(x, want);
            if !piece.is_empty() {
                assert_eq!(x.is_inline(), want.len() <= Str::INLINE, "{want:?}");
            }
        }
    }
}

/// Writes its text a few bytes at a time, as `Display` impls with many fields do.
struct Pieces<'a>(&'a str, usize);

impl fmt::Display for Pieces<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while !rest.is_empty() {
            let mut at = self.1.min(rest.len());
            while !rest.is_char_boundary(at) {
                at += 1;
            }
            f.write_str(&rest[..at])?;
            rest = &rest[at..];
        }
        Ok(())
    }
}

#[test]
fn from_display_equals_format_whatever_the_pieces() {
    let mut rng = fastrand::Rng::with_seed(seed());
    for _ in 0..2000 {
        let s = random_string(&mut rng);
        let p = Pieces(&s, rng.usize(1..9));
        let x = Str::from_display(&p);
        assert_eq!(x, format!("{p}"));
        assert_eq!(x.is_inline(), s.len() <= Str::INLINE);
    }
    for n in [0i64, -1, 42, i64::MIN, i64::MAX] {
        assert_eq!(Str::from_display(&n), n.to_string());
        assert!(Str::from_display(&n).is_inline());
    }
    let mut long = String::new();
    write!(long, "{}", f64::MIN).unwrap();
    assert_eq!(Str::from_display(&f64::MIN), long);
}

#[test]
fn it_is_as_small_as_the_cow_it_replaced() {
    assert_eq!(size_of::<Str>(), size_of::<Cow<'static, str>>());
    assert_eq!(size_of::<Str>(), 24);
    assert_eq!(size_of::<VNode>(), 32);
    assert_eq!(size_of::<Option<Str>>(), 24);
}

#[test]
fn a_char_is_held_inline() {
    for c in CHARS {
        let x = Str::from(*c);
        assert!(x.is_inline());
        assert_eq!(x, c.to_string());
    }
}
