//! Integration tests for context: provide on an owner, find from descendants and effects.

use vango::reactive::{
    effect, live_nodes, provide_context, signal, use_context, with_context, Owner,
};

#[derive(Clone, Debug, PartialEq)]
struct User(&'static str);

#[test]
fn nearest_provider_wins_and_siblings_do_not_see_each_other() {
    let root = Owner::new();
    root.with(|| {
        provide_context(User("root"));
        provide_context(7u32);
        let a = Owner::new();
        let b = Owner::new();
        a.with(|| {
            provide_context(User("a"));
            assert_eq!(use_context::<User>(), Some(User("a")));
            assert_eq!(use_context::<u32>(), Some(7));
        });
        b.with(|| assert_eq!(use_context::<User>(), Some(User("root"))));
        provide_context(User("root2")); // replaces in place
        assert_eq!(use_context::<User>(), Some(User("root2")));
        assert_eq!(use_context::<String>(), None);
    });
    root.dispose();
}

#[test]
fn effects_see_the_context_of_their_owner() {
    let seen = signal(None);
    let root = Owner::new();
    root.with(|| {
        provide_context(User("x"));
        effect(move || seen.set_untracked(use_context::<User>()));
    });
    assert_eq!(seen.get(), Some(User("x")));
    root.dispose();
}

#[test]
fn non_clone_context_by_reference_and_freed_with_owner() {
    struct Big(Vec<u8>);
    let before = live_nodes();
    let root = Owner::new();
    let len = root.with(|| {
        provide_context(Big(vec![0; 10]));
        with_context(|b: &Big| b.0.len())
    });
    assert_eq!(len, Some(10));
    root.dispose();
    assert_eq!(live_nodes(), before);
    assert_eq!(with_context(|b: &Big| b.0.len()), None);
}
