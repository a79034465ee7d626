//! `Tree::hibernate` and `SessionConfig::hibernate_after`: a tree packed while idle and
//! unpacked by its next read behaves exactly like a twin that never slept (same patches,
//! same HTML, same handler outcomes) over random trees with components, keyed lists and
//! listeners; and over a real socket a session that hibernated answers its next click
//! with the right patch and is accounted smaller while asleep.

use std::thread;
use std::time::Duration;

use vango::component::Tree;
use vango::live::SessionConfig;
use vango::prelude::*;
use vango::render::to_html;
use vango::vdom::Patch;
use vango_test_support::client::{page, set_texts, Client};
use vango_test_support::pages::list;
use vango_test_support::randiff::{case, view, Case};
use vango_test_support::raw::metric_sum;

/// A tree showing case A, or B once its `flip` signal is set.
fn mount(c: &Case) -> (Tree, Signal<bool>, Signal<(u32, u32)>) {
    let (a, b) = (c.a.clone(), c.b());
    let flip = signal(false);
    let st = signal((0u32, 0u32));
    let tree = Tree::mount(move || move || div(view(if flip.get() { &b } else { &a }, st)));
    (tree, flip, st)
}

/// The hids of every element with a listener (through components' outputs).
fn listening(n: &VNode, out: &mut Vec<u32>) {
    match n {
        VNode::Element(e) => {
            if !e.listeners.is_empty() {
                out.push(e.hid);
            }
            e.children.iter().for_each(|c| listening(c, out));
        }
        VNode::Fragment(c) => c.iter().for_each(|c| listening(c, out)),
        VNode::Component(c) => {
            if let Some(o) = c.rendered() {
                listening(&o, out);
            }
        }
        _ => {}
    }
}

fn rerender(t: &mut Tree) -> Vec<Patch> {
    let mut p = Vec::new();
    t.rerender(&mut p);
    p
}

#[test]
fn a_tree_that_slept_behaves_like_one_that_did_not() {
    let mut slept = 0;
    for i in 0..300 {
        let c = case(21, i);
        let (mut awake, flip_a, st_a) = mount(&c);
        let (mut asleep, flip_b, st_b) = mount(&c);
        let why = || c.describe();
        asleep.hibernate();
        slept += usize::from(asleep.is_asleep());
        assert_eq!(asleep.root_hid(), awake.root_hid(), "{}", why());
        assert_eq!(to_html(asleep.root()), to_html(awake.root()), "{}", why());
        // A → B, the sleeper packed again first.
        asleep.hibernate();
        flip_a.set(true);
        flip_b.set(true);
        assert_eq!(rerender(&mut asleep), rerender(&mut awake), "{}", why());
        assert_eq!(to_html(asleep.root()), to_html(awake.root()), "{}", why());
        // Every listener, clicked on both, the sleeper packed before each click.
        let mut hids = Vec::new();
        listening(awake.root(), &mut hids);
        for hid in hids {
            asleep.hibernate();
            let ev = Event {
                hid,
                name: "click",
                data: EventData::None,
            };
            assert_eq!(asleep.dispatch(&ev), awake.dispatch(&ev), "{}", why());
            assert_eq!(st_a.get_untracked(), st_b.get_untracked());
            asleep.hibernate();
            assert_eq!(rerender(&mut asleep), rerender(&mut awake), "{}", why());
        }
        // And back to A.
        asleep.hibernate();
        flip_a.set(false);
        flip_b.set(false);
        assert_eq!(rerender(&mut asleep), rerender(&mut awake), "{}", why());
        assert_eq!(to_html(asleep.root()), to_html(awake.root()), "{}", why());
    }
    assert_eq!(slept, 300);
}

#[test]
fn a_sleeping_tree_disposes_its_components() {
    let st = signal(0u32);
    fn child(st: Signal<u32>) -> impl Render {
        on_cleanup(move || st.update(|n| *n += 1));
        || p("child")
    }
    let mut tree = Tree::mount(move || move || div((component(child, st), component(child, st))));
    tree.hibernate();
    assert_eq!(tree.footprint().map(|f| f.components), Some(2));
    drop(tree);
    assert_eq!(st.get_untracked(), 2, "both children's cleanups ran");
}

/// `(session bytes accounted, texts the click set)` in a list session that clicks row
/// `b3`, waits `idle`, and clicks it again.
fn click_wait_click(hibernate_after: Duration, idle: Duration) -> (u64, u64, Vec<String>) {
    let srv = vango::App::new()
        .page("/", list)
        .workers(1)
        .sessions(SessionConfig {
            hibernate_after,
            ..SessionConfig::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    let hid = p.hid("b3");
    let mut c = Client::open(addr, &p);
    let first = set_texts(&c.click(1, hid), None);
    assert_eq!(first, [" clicked 1 times "]);
    let awake = metric_sum(addr, "vango_session_bytes");
    thread::sleep(idle);
    let asleep = metric_sum(addr, "vango_session_bytes");
    let second = set_texts(&c.click(2, hid), None);
    (awake, asleep, second)
}

#[test]
fn a_session_that_hibernated_answers_its_next_click() {
    let (awake, asleep, texts) =
        click_wait_click(Duration::from_millis(50), Duration::from_millis(400));
    assert_eq!(texts, [" clicked 2 times "]);
    println!("list session accounted: {awake} B awake, {asleep} B asleep");
    assert!(asleep * 2 < awake, "{asleep} B asleep vs {awake} B awake");
    // Off: the same wait changes nothing.
    let (awake, still, texts) = click_wait_click(Duration::ZERO, Duration::from_millis(400));
    assert_eq!(texts, [" clicked 2 times "]);
    assert_eq!(still, awake);
}

#[test]
fn a_sleeping_tree_holds_no_handler_and_gets_them_back() {
    use std::rc::Rc;
    let held = Rc::new(());
    let clicks = signal(0u32);
    let h = held.clone();
    let mut tree = Tree::mount(move || {
        move || {
            let h = h.clone();
            let click = move |_: &Event| {
                let _ = &h;
                clicks.update(|n| *n += 1)
            };
            div(button(clicks.get().to_string()).on_click(click))
        }
    });
    assert_eq!(
        Rc::strong_count(&held),
        3,
        "the setup's, the render's and the handler's"
    );
    tree.hibernate();
    assert_eq!(tree.footprint().map(|f| f.handlers), Some(0));
    assert_eq!(
        Rc::strong_count(&held),
        2,
        "the handler's closure was dropped"
    );
    let ev = Event {
        hid: 2,
        name: "click",
        data: EventData::None,
    };
    assert_eq!(tree.dispatch(&ev), Ok(Ok(())), "a fresh handler ran");
    assert_eq!(clicks.get_untracked(), 1);
    assert_eq!(Rc::strong_count(&held), 3);
    // Only the click's own edit: the re-render that brought the handler back sent nothing.
    let want = Patch::SetText {
        parent: 2,
        index: 0,
        text: "1".into(),
    };
    assert_eq!(rerender(&mut tree), [want]);
    // Read while asleep (no event, no re-render), then clicked: still a real handler.
    tree.hibernate();
    let _ = to_html(tree.root());
    assert_eq!(tree.dispatch(&ev), Ok(Ok(())));
    assert_eq!(clicks.get_untracked(), 2);
}

#[test]
fn a_component_below_gets_its_handlers_back() {
    fn row(n: Signal<u32>) -> impl Render {
        move || button(format!("n={}", n.get())).on_click(move |_| n.update(|v| *v += 1))
    }
    let n = signal(0u32);
    let mut tree = Tree::mount(move || move || div((p("rows"), component(row, n))));
    let hid = {
        let mut hids = Vec::new();
        listening(tree.root(), &mut hids);
        hids[0]
    };
    tree.hibernate();
    assert_eq!(
        tree.footprint().map(|f| (f.handlers, f.components)),
        Some((0, 1))
    );
    let ev = Event {
        hid,
        name: "click",
        data: EventData::None,
    };
    assert_eq!(tree.dispatch(&ev), Ok(Ok(())));
    assert_eq!(n.get_untracked(), 1);
    assert_eq!(rerender(&mut tree).len(), 1);
}

#[test]
fn a_render_that_reads_more_than_signals_is_sent_whole_after_waking() {
    use std::cell::Cell;
    use std::rc::Rc;
    use vango_test_support::dom::{apply, canon};
    use vango_test_support::html5::{parse_body_fragment as parse, show};
    // Counts its own renders: not a signal, so only re-rendering changes it.
    let renders = Rc::new(Cell::new(0u32));
    let clicks = signal(0u32);
    let r = renders.clone();
    let mut tree = Tree::mount(move || {
        move || {
            r.set(r.get() + 1);
            div((
                p(format!("render {}", r.get())),
                button(clicks.get().to_string()).on_click(move |_| clicks.update(|n| *n += 1)),
            ))
        }
    });
    let mut dom = parse(&to_html(tree.root()));
    let button_hid = 3;
    tree.hibernate();
    let ev = Event {
        hid: button_hid,
        name: "click",
        data: EventData::None,
    };
    assert_eq!(tree.dispatch(&ev), Ok(Ok(())));
    assert!(tree.is_dirty());
    let patches = rerender(&mut tree);
    assert!(
        matches!(patches.first(), Some(Patch::ReplaceNode { hid: 1, .. })),
        "{patches:?}"
    );
    for p in &patches {
        apply(&mut dom, p).unwrap_or_else(|e| panic!("{e} applying {p:?}"));
    }
    let mut want = parse(&to_html(tree.root()));
    canon(&mut want);
    canon(&mut dom);
    assert_eq!(show(&dom), show(&want), "{patches:?}");
    assert!(show(&dom).contains("render 3"), "{}", show(&dom));
    assert!(rerender(&mut tree).is_empty(), "sent once");
}

/// `(sessions opened, bytes accounted for them)` after `n` list sessions opened at once
/// under a budget of `max_memory`, with the default 15 s wait before hibernating, once
/// `settle` has passed.
fn burst(max_memory: usize, n: usize, settle: Duration) -> (usize, u64) {
    let srv = vango::App::new()
        .page("/", list)
        .workers(1)
        .sessions(SessionConfig {
            max_memory: Some(max_memory),
            ..SessionConfig::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    let held: Vec<_> = (0..n)
        .filter_map(|_| vango_test_support::pages::hello_new(addr, &p))
        .collect();
    thread::sleep(settle);
    let accounted = metric_sum(addr, "vango_session_bytes");
    (held.len(), accounted)
}

#[test]
fn memory_pressure_hibernates_idle_sessions_sooner() {
    let settle = Duration::from_millis(1600);
    // ≈ 57 KB accounted a list session awake: 30 of them are ≈ 1.7 MB, past half of
    // 2 MiB after about 18, far from half of 64 MiB.
    let (roomy_n, roomy) = burst(64 << 20, 30, settle);
    let (tight_n, tight) = burst(2 << 20, 30, settle);
    println!("30 list sessions accounted: {roomy} B under 64 MiB, {tight} B under 2 MiB");
    assert_eq!((roomy_n, tight_n), (30, 30), "every session opened");
    assert!(roomy > 30 * 40_000, "none slept within 15 s: {roomy} B");
    // Those past half waited at most 1 s, then packed (≈ 5 KB each).
    assert!(tight * 10 < roomy * 8, "{tight} B vs {roomy} B");
}

#[test]
fn a_full_budget_packs_awake_sessions_before_it_refuses_one() {
    // ≈ 57 KB accounted a list session awake: 1 MiB holds about 18, packed about 200.
    let (opened, accounted) = burst(1 << 20, 30, Duration::from_millis(100));
    println!("30 list sessions under 1 MiB: {opened} opened, {accounted} B accounted");
    assert_eq!(
        opened, 30,
        "none refused: the awake ones were packed to make room"
    );
    assert!(accounted <= 1 << 20, "{accounted} B over the budget");
}
