//! Nested layouts: the [`Outlet`] a layout places its child route in, the chain of layouts
//! a path mounts through, and the page view that keeps its layouts mounted while a live
//! navigation swaps only the deepest shared layout's outlet.
//!
//! Touches the component runtime (components, `Tree`), the reactive graph (the outlet's
//! generation signal, the page's own owner) and the live layer's `View` and session store.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;

use crate::component::{component, component_keyed, error_boundary, ErrorInfo, Render, Tree};
use crate::live::{PageRequest, SessionStore, View};
use crate::protocol::PatchEncoder;
use crate::reactive::{signal, Owner, Signal};
use crate::vdom::{Event, Handled, VNode};
use crate::view::IntoChildren;

/// A component page's setup, boxed.
pub(crate) type SetupFn = Arc<dyn Fn() -> Box<dyn Render> + Send + Sync>;

/// The app's error page's setup, boxed: given the panic, the page shown in its place.
pub(crate) type ErrorSetup = Arc<dyn Fn(ErrorInfo) -> Box<dyn Render> + Send + Sync>;

/// A layout's setup, boxed.
pub(crate) type LayoutFn = Arc<dyn Fn(Outlet) -> Box<dyn Render> + Send + Sync>;

/// What one level of a page mounts: a layout's child, the page itself.
type ChildFn = Rc<dyn Fn() -> Box<dyn Render>>;

/// Where a layout shows the route below it: place it as a child in the layout's view
/// (see [`App::layout`](crate::App::layout)). Cloning it does not copy the child: every
/// clone shows the same route.
///
/// The child is a component of its own: when a live navigation stays under this layout,
/// only the child is unmounted and the new route's page mounted in its place; the layout's
/// state (its signals, what the user typed in its inputs) stays.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let app = vango::App::new()
///     .layout("/", |outlet: Outlet| move || div((nav("menu"), main_(outlet.clone()))))
///     .page("/", || || p("home"));
/// assert_eq!(LiveTest::mount(&app, "/").find("div > main p").text(), "home");
/// ```
#[derive(Clone)]
pub struct Outlet(Rc<Slot>);

/// One layout's outlet: the child it shows, and a generation bumped to swap it.
struct Slot {
    generation: Signal<u64>,
    child: RefCell<ChildFn>,
    /// With an app error page: the child is mounted inside an error boundary whose
    /// fallback is that page (inside this layout), flagged on the chain (status 500).
    guard: Option<(ErrorSetup, Rc<Chain>)>,
    /// The owner the layout's setup ran under: a page staged for this outlet (a link
    /// prefetch) runs its setup under a child of it, so it sees the layout's context.
    owner: Option<Owner>,
}

/// Props of the outlet's components: the slot, compared by identity.
#[derive(Clone)]
struct SlotRef(Rc<Slot>);

impl PartialEq for SlotRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Outlet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outlet").finish_non_exhaustive()
    }
}

impl From<Outlet> for VNode {
    fn from(o: Outlet) -> VNode {
        component(outlet_switch, SlotRef(o.0))
    }
}

impl IntoChildren for Outlet {
    fn push_children(self, out: &mut Vec<VNode>) {
        VNode::push_normalized(out, self.into());
    }
    fn into_node(self) -> VNode {
        self.into()
    }
}

/// The outlet as placed in the layout: stays mounted while the layout does; re-renders
/// (to a fresh child) only when its generation changes.
fn outlet_switch(slot: SlotRef) -> impl Render {
    move || {
        let generation = slot.0.generation.get();
        component_keyed(generation, outlet_child, slot.clone())
    }
}

/// The outlet's current child: the next level of the chain, inside an error boundary when
/// the app has an error page. Keyed by generation, so each route gets a fresh boundary.
fn outlet_child(slot: SlotRef) -> impl Render {
    let mut inner: Box<dyn Render> = match slot.0.guard.clone() {
        None => Box::new(outlet_level(slot)),
        Some((setup, chain)) => Box::new(guarded(slot, setup, chain)),
    };
    move || inner.render()
}

/// The outlet's child inside an error boundary showing the app's error page.
fn guarded(slot: SlotRef, setup: ErrorSetup, chain: Rc<Chain>) -> impl Render {
    move || {
        let (inner, setup, chain) = (slot.clone(), setup.clone(), chain.clone());
        error_boundary(
            move || component(outlet_level, inner.clone()),
            move |err| {
                let props = Failed {
                    setup: setup.clone(),
                    err,
                    chain: chain.clone(),
                };
                component(error_child, props)
            },
        )
    }
}

/// Mounts the next level of the chain (a layout, or the page).
fn outlet_level(slot: SlotRef) -> impl Render {
    let make = slot.0.child.borrow().clone();
    let mut render = make();
    move || render.render()
}

/// Props of the error page shown in an outlet: the panic, compared by value.
#[derive(Clone)]
struct Failed {
    setup: ErrorSetup,
    err: ErrorInfo,
    chain: Rc<Chain>,
}

impl PartialEq for Failed {
    fn eq(&self, other: &Self) -> bool {
        self.err == other.err
    }
}

/// The app's error page in place of the outlet's child that panicked.
fn error_child(f: Failed) -> impl Render {
    f.chain.failed.set(true);
    let mut render = (f.setup)(f.err);
    move || render.render()
}

/// Which layouts a mounted page went through, shared with the mounting closures (deeper
/// levels mount lazily, when their parent's outlet renders).
#[derive(Default)]
pub(crate) struct Chain {
    /// The layouts (indices into the app's layout table), outermost first.
    ids: RefCell<Vec<usize>>,
    /// Each mounted layout's outlet.
    slots: RefCell<Vec<Weak<Slot>>>,
    /// Set when the page rejected a route parameter and the not-found page took its place.
    not_found: Cell<bool>,
    /// Set when something below an outlet panicked and the error page took its place.
    failed: Cell<bool>,
    /// A page a link prefetch staged for the deepest layout's outlet, and its number
    /// (boxed: every session holds a chain, few ever stage a page).
    staged: RefCell<Option<Box<Staged>>>,
    staged_id: Cell<u64>,
}

/// A page whose setup ran ahead of its navigation (a link prefetch), for the outlet of the
/// deepest layout of the current page, which is also the target's deepest.
struct Staged {
    id: u64,
    /// The URL (path and query) it was staged for.
    url: String,
    /// The layouts it goes in (indices), outermost first.
    ids: Vec<usize>,
    page: Prestarted,
    title: Option<String>,
}

/// A page's setup already run: its render closure and the owner of what the setup made
/// (disposed with it).
struct Prestarted {
    render: Box<dyn Render>,
    owner: Option<Owner>,
}

impl Render for Prestarted {
    fn render(&mut self) -> VNode {
        self.render.render()
    }
}

impl Drop for Prestarted {
    fn drop(&mut self) {
        if let Some(owner) = self.owner.take() {
            owner.dispose();
        }
    }
}

/// Handed to the live layer for a staged page: dropping it drops the page if no
/// navigation adopted it.
struct Ticket {
    chain: Weak<Chain>,
    id: u64,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let Some(chain) = self.chain.upgrade() else {
            return;
        };
        let mine = chain
            .staged
            .borrow()
            .as_ref()
            .is_some_and(|s| s.id == self.id);
        if mine {
            let page = chain.staged.borrow_mut().take();
            drop(page);
        }
    }
}

impl Chain {
    fn set_slot(&self, level: usize, slot: &Rc<Slot>) {
        let mut slots = self.slots.borrow_mut();
        slots.truncate(level);
        slots.push(Rc::downgrade(slot));
    }
}

/// What a path mounts: its layouts, then the page (or the not-found page).
pub(crate) struct Plan {
    /// The layouts covering the path (index, setup), outermost first.
    pub layouts: Vec<(usize, LayoutFn)>,
    /// The page's setup.
    pub page: SetupFn,
    /// What shows instead when the page rejects a route parameter.
    pub not_found: SetupFn,
    /// The app's error page: each outlet's child is mounted inside an error boundary
    /// showing it.
    pub error: Option<ErrorSetup>,
}

/// Mounts the chain from `level` down: the layout there with an outlet holding the rest,
/// or the page when no layout is left.
fn mount_from(plan: Rc<Plan>, level: usize, chain: Rc<Chain>) -> Box<dyn Render> {
    let Some((_, layout)) = plan.layouts.get(level) else {
        return mount_page(&plan, &chain);
    };
    let layout = layout.clone();
    let (next, rest) = (plan.clone(), chain.clone());
    let guard = (plan.error.clone()).map(|e| (e, chain.clone()));
    let slot = Rc::new(Slot {
        generation: signal(0),
        child: RefCell::new(Rc::new(move || {
            mount_from(next.clone(), level + 1, rest.clone())
        })),
        guard,
        owner: Owner::current(),
    });
    chain.set_slot(level, &slot);
    layout(Outlet(slot))
}

/// Runs the page's setup: when it rejects a route parameter, what it made is disposed and
/// the not-found page mounts in its place (inside the same layouts), with the request's
/// parameters cleared. Under the current owner when that owns nothing yet (the tree's
/// root, an outlet's child: a page then costs no reactive node of its own), otherwise
/// under an owner of its own.
fn mount_page(plan: &Plan, chain: &Chain) -> Box<dyn Render> {
    let fresh = Owner::current().filter(Owner::owns_nothing);
    let (page, undo) = match fresh {
        Some(here) => {
            let before = here.own_context();
            ((plan.page)(), Err((here, before)))
        }
        None => {
            let owner = Owner::new();
            (owner.with(|| (plan.page)()), Ok(owner))
        }
    };
    let store = SessionStore::current();
    let request = store.as_ref().and_then(|s| s.request());
    if !request.as_deref().is_some_and(PageRequest::param_rejected) {
        if let Ok(owner) = undo {
            // Its output's components mount under the current owner: what it provided
            // reaches them there.
            owner.share_context();
        }
        return page;
    }
    drop(page);
    match undo {
        Ok(owner) => owner.dispose(),
        Err((here, before)) => {
            here.dispose_children();
            here.restore_context(before);
        }
    }
    chain.not_found.set(true);
    if let (Some(store), Some(req)) = (store, request) {
        let cleared = PageRequest::new(req.path(), req.raw_query())
            .with_headers(req.headers().map(|(n, v)| (n.into(), v.into())).collect())
            .with_peer(req.peer())
            .with_submission(req.submission());
        store.set_request(Rc::new(cleared));
    }
    (plan.not_found)()
}

/// A component page mounted through its layouts: the component tree, and the chain a live
/// navigation compares the next route's layouts with.
pub(crate) struct Nested {
    tree: Tree,
    chain: Rc<Chain>,
}

impl Nested {
    /// Mounts `plan` as a fresh tree whose root provides the session's store (a first
    /// paint outside any session gets a throwaway one).
    pub(crate) fn mount(plan: Plan) -> Nested {
        let chain = Rc::new(Chain::default());
        *chain.ids.borrow_mut() = plan.layouts.iter().map(|(i, _)| *i).collect();
        let plan = Rc::new(plan);
        let root_chain = chain.clone();
        let tree = Tree::mount(move || {
            let store = SessionStore::current().unwrap_or_default();
            store.provide();
            let mut render = mount_from(plan, 0, root_chain);
            // Holds the store: a first paint's own store lives as long as its tree.
            move || {
                let _ = &store;
                render.render()
            }
        });
        Nested { tree, chain }
    }

    /// Whether the page rejected a route parameter (the not-found page shows; 404).
    pub(crate) fn is_not_found(&self) -> bool {
        self.chain.not_found.get()
    }

    /// Whether something below a layout panicked and the error page shows in its place
    /// (500).
    pub(crate) fn is_failed(&self) -> bool {
        self.chain.failed.get()
    }

    /// How many of `layouts` (outermost first) this page shares, mounted.
    pub(crate) fn shared(&self, layouts: &[(usize, LayoutFn)]) -> usize {
        let ids = self.chain.ids.borrow();
        let n = (ids.iter().zip(layouts))
            .take_while(|(a, (b, _))| **a == *b)
            .count();
        let slots = self.chain.slots.borrow();
        (0..n)
            .take_while(|&l| slots.get(l).and_then(Weak::upgrade).is_some())
            .count()
    }

    /// Runs `page`'s setup ahead of a navigation to `url` whose layouts are all mounted
    /// here (`layouts`: the target's, which [`shared`](Self::shared) must cover), under the
    /// deepest one's owner; the request for `url` is in the store. The navigation's
    /// [`swap`](Self::swap) adopts it. `None` when the page rejected a route parameter (the
    /// navigation shows the not-found page). Dropping the ticket drops the staged page.
    pub(crate) fn stage(
        &mut self,
        layouts: &[(usize, LayoutFn)],
        page: &SetupFn,
        url: String,
    ) -> Option<Box<dyn Any>> {
        let level = layouts.len().checked_sub(1)?;
        let slot = self
            .chain
            .slots
            .borrow()
            .get(level)
            .and_then(Weak::upgrade)?;
        let page = prestart(&slot, || page())?;
        let store = SessionStore::current();
        let request = store.as_ref().and_then(|s| s.request());
        if request.as_deref().is_some_and(PageRequest::param_rejected) {
            return None;
        }
        let id = self.chain.staged_id.get() + 1;
        self.chain.staged_id.set(id);
        *self.chain.staged.borrow_mut() = Some(Box::new(Staged {
            id,
            url,
            ids: layouts.iter().map(|(i, _)| *i).collect(),
            page,
            title: store.and_then(|s| s.title()),
        }));
        Some(Box::new(Ticket {
            chain: Rc::downgrade(&self.chain),
            id,
        }))
    }

    /// Prepares `plan` in place when it shares at least one mounted layout with the
    /// current page: the deepest shared layout's outlet gets the rest of the chain (it
    /// mounts at the next re-render), every layout above it stays mounted. Gives `plan`
    /// back when nothing is shared (the caller mounts a fresh tree).
    pub(crate) fn swap(&mut self, plan: Plan) -> Result<(), Plan> {
        let shared = {
            let ids = self.chain.ids.borrow();
            ids.iter()
                .zip(&plan.layouts)
                .take_while(|(a, (b, _))| **a == *b)
                .count()
        };
        let slot = match shared.checked_sub(1) {
            Some(level) => self.chain.slots.borrow().get(level).and_then(Weak::upgrade),
            None => None,
        };
        let Some(slot) = slot else {
            return Err(plan);
        };
        *self.chain.ids.borrow_mut() = plan.layouts.iter().map(|(i, _)| *i).collect();
        self.chain.slots.borrow_mut().truncate(shared);
        self.chain.not_found.set(false);
        self.chain.failed.set(false);
        // The page a prefetch staged for this very URL and outlet: adopted (its setup ran).
        let store = SessionStore::current();
        let url = (store.as_ref().and_then(|s| s.request())).map(|r| r.url());
        let staged = self.chain.staged.borrow_mut().take();
        let staged = staged.filter(|s| {
            Some(&s.url) == url.as_ref()
                && *s.ids == *self.chain.ids.borrow()
                && shared == s.ids.len()
        });
        if let (Some(s), Some(store)) = (&staged, &store) {
            store.restore_title(s.title.clone());
        }
        let (plan, chain) = (Rc::new(plan), self.chain.clone());
        // A navigation that waits for the page's data (its first fetches are counted)
        // runs the rest of the chain's setup now, so the fetches start before the frame
        // that renders it is built.
        let waits = store.as_ref().is_some_and(|s| s.prefetch().is_some());
        let staged = match staged {
            Some(s) => Some(s.page),
            None if waits => self.prestart_rest(&slot, &plan, shared),
            None => None,
        };
        let staged = RefCell::new(staged);
        *slot.child.borrow_mut() = Rc::new(move || match staged.borrow_mut().take() {
            Some(page) => {
                // Set up under an owner of its own; mounted under the outlet's.
                if let Some(owner) = &page.owner {
                    owner.share_context();
                }
                Box::new(page)
            }
            None => mount_from(plan.clone(), shared, chain.clone()),
        });
        slot.generation.update(|g| *g += 1);
        Ok(())
    }
}

/// Runs `setup` ahead of its outlet's render, under a new child of the owner of the layout
/// that holds `slot`, so that it sees the layout's context; `None` when that owner is gone.
fn prestart(slot: &Slot, setup: impl FnOnce() -> Box<dyn Render>) -> Option<Prestarted> {
    let owner = match &slot.owner {
        Some(o) => o.try_with(Owner::new).ok()?,
        None => Owner::new_root(),
    };
    let render = owner.with(setup);
    Some(Prestarted {
        render,
        owner: Some(owner),
    })
}

impl Nested {
    /// Runs the setup of `plan`'s levels from `level` down ahead of the outlet's render
    /// (see [`prestart`]). With an app error page, a panic there shows that page in the
    /// outlet, as the outlet's error boundary would have (the layouts above keep their
    /// state); without one it unwinds, as it would have from the render.
    fn prestart_rest(&self, slot: &Slot, plan: &Rc<Plan>, level: usize) -> Option<Prestarted> {
        let (plan, chain) = (plan.clone(), self.chain.clone());
        let Some((setup, _)) = &slot.guard else {
            return prestart(slot, move || mount_from(plan, level, chain));
        };
        let rest = chain.clone();
        match crate::component::catch(|| prestart(slot, move || mount_from(plan, level, rest))) {
            Ok(page) => page,
            Err(err) => {
                log::error!("a component panicked: {err}; its error boundary shows the fallback");
                let props = Failed {
                    setup: setup.clone(),
                    err,
                    chain,
                };
                Some(Prestarted {
                    render: Box::new(move || component(error_child, props.clone())),
                    owner: None,
                })
            }
        }
    }
}

impl View for Nested {
    fn root(&self) -> &VNode {
        self.tree.root()
    }

    fn root_hid(&self) -> u32 {
        self.tree.root_hid()
    }

    fn dispatch(&mut self, event: &Event) -> Result<Handled, crate::live::DispatchFailed> {
        View::dispatch(&mut self.tree, event)
    }

    fn is_dirty(&self) -> bool {
        self.tree.is_dirty()
    }

    fn rerender(&mut self, sink: &mut PatchEncoder) {
        self.tree.rerender(sink)
    }

    fn hibernate(&mut self) {
        self.tree.hibernate()
    }

    fn footprint(&self) -> Option<crate::vdom::frozen::Footprint> {
        self.tree.footprint()
    }

    fn as_any_mut(&mut self) -> Option<&mut dyn Any> {
        Some(self)
    }
}

/// Whether the layout or middleware `prefix` (segments; `:name` matches any one) covers
/// `path`: `/` covers every path, `/todos` covers `/todos` and `/todos/7` but not
/// `/todosx`.
pub(crate) fn covers(prefix: &str, path: &str) -> bool {
    let mut path = path.split('/').filter(|s| !s.is_empty());
    prefix
        .split('/')
        .filter(|s| !s.is_empty())
        .all(|want| match path.next() {
            Some(seg) => want.starts_with(':') || want == seg,
            None => false,
        })
}

/// `prefix` checked and normalized (no trailing slash but for `/`).
///
/// # Panics
///
/// When it does not start with `/` or holds `*`, `?` or `#`.
#[track_caller]
pub(crate) fn normalize_prefix(prefix: &str, what: &str) -> String {
    if !prefix.starts_with('/') || prefix.contains(['*', '?', '#']) {
        panic!("{what} prefix {prefix:?}: must start with '/' and hold no '*', '?' or '#'");
    }
    let trimmed = prefix.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        trimmed.into()
    }
}

/// Orders layouts by depth (outermost first; equal depths in registration order).
pub(crate) fn depth(prefix: &str) -> usize {
    prefix.split('/').filter(|s| !s.is_empty()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_cover_by_segment() {
        assert!(covers("/", "/anything/at/all"));
        assert!(covers("/todos", "/todos"));
        assert!(covers("/todos", "/todos/7"));
        assert!(!covers("/todos", "/todosx"));
        assert!(!covers("/todos", "/"));
        assert!(covers("/users/:id", "/users/3/edit"));
        assert!(!covers("/users/:id", "/users"));
        assert_eq!(normalize_prefix("/todos/", "layout"), "/todos");
        assert_eq!(normalize_prefix("/", "layout"), "/");
    }
}
