//! The session scope: what a step of one session (page mount, event, re-render) may reach
//! without arguments — the session's store of shared values, whether it is connected and
//! the request its page was mounted for.
//!
//! This is the live layer's one per-step thread-local: the connection loop enters a
//! [`SessionScope`] once per step, and [`SharedSignal`](super::shared::SharedSignal)s and
//! [`connected`] and [`use_request`] find their session through it. Touches the reactive
//! graph and the request value only.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use super::request::PageRequest;
use crate::reactive::{provide_context, untrack, use_context, Owner};

thread_local! {
    /// The scope of the session whose step runs on this thread (`None` between steps).
    static CURRENT: RefCell<Option<SessionScope>> = const { RefCell::new(None) };
}

struct Store {
    /// Owns the session's shared values; created with the first one, so a session that
    /// uses none costs no reactive node.
    owner: Cell<Option<Owner>>,
    values: RefCell<Vec<Option<Box<dyn Any>>>>,
    /// Set by the server for a session with a WebSocket; a page load's throwaway store
    /// (the static first paint) stays `false`.
    connected: Cell<bool>,
    /// The request the session's current page was mounted for.
    request: RefCell<Option<Rc<PageRequest>>>,
}

impl Store {
    fn owner(self: &Rc<Self>) -> Owner {
        if let Some(o) = self.owner.get() {
            return o;
        }
        let o = Owner::new_root();
        // A memo computing under this owner finds its own session's store.
        o.with(|| provide_context(StoreRef(Rc::downgrade(self))));
        self.owner.set(Some(o));
        o
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Disposes every shared signal and memo of the session (their cleanups run).
        if let Some(o) = self.owner.take() {
            o.dispose();
        }
    }
}

/// The context value: weak, so a store never keeps itself alive through its own owner.
#[derive(Clone)]
struct StoreRef(Weak<Store>);

/// One session's shared values. Cheap to clone (an `Rc`); `!Send`.
///
/// The server creates one per session; create your own to use shared values outside a
/// server (tests, a custom [`View`](crate::live::View)).
///
/// # Examples
///
/// ```
/// use vango::live::{SessionStore, SharedSignal};
/// static THEME: SharedSignal<&str> = SharedSignal::new(|| "light");
/// let (a, b) = (SessionStore::new(), SessionStore::new());
/// a.enter(|| THEME.set("dark"));
/// assert_eq!(a.enter(|| THEME.get()), "dark");
/// assert_eq!(b.enter(|| THEME.get()), "light"); // another session
/// ```
#[derive(Clone)]
pub struct SessionStore(Rc<Store>);

impl fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.values.borrow().iter().flatten().count();
        f.debug_struct("SessionStore").field("values", &n).finish()
    }
}

impl Default for SessionStore {
    fn default() -> Self {
        Self::new()
    }
}

impl SessionStore {
    /// An empty store (its root owner is created with its first value).
    pub fn new() -> SessionStore {
        SessionStore(Rc::new(Store {
            owner: Cell::new(None),
            values: RefCell::new(Vec::new()),
            connected: Cell::new(false),
            request: RefCell::new(None),
        }))
    }

    /// Marks this store as a connected session's (the server does it before mounting the
    /// page for a WebSocket), which [`connected`] reports.
    pub fn mark_connected(&self) {
        self.0.connected.set(true);
    }

    /// Whether [`mark_connected`](Self::mark_connected) was called.
    pub fn is_connected(&self) -> bool {
        self.0.connected.get()
    }

    /// Sets the request the session's page is mounted for (the app does it before
    /// mounting; [`use_request`](super::request::use_request) reads it).
    pub fn set_request(&self, request: Rc<PageRequest>) {
        *self.0.request.borrow_mut() = Some(request);
    }

    /// The request set by [`set_request`](Self::set_request).
    pub fn request(&self) -> Option<Rc<PageRequest>> {
        self.0.request.borrow().clone()
    }

    /// Runs `f` with this store as the current session's (see [`SessionScope::enter`]).
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        SessionScope::new(self.clone()).enter(f)
    }

    /// Makes this store the one found through reactive context below the current owner
    /// (the server does it in each page's root component setup).
    pub fn provide(&self) {
        provide_context(StoreRef(Rc::downgrade(&self.0)));
    }

    /// The store of the session running here: from reactive context, else the entered one.
    pub fn current() -> Option<SessionStore> {
        use_context::<StoreRef>()
            .and_then(|r| r.0.upgrade())
            .map(SessionStore)
            .or_else(|| CURRENT.with(|c| c.borrow().as_ref().map(|s| s.store.clone())))
    }

    /// Whether `self` and `other` are the same session's store.
    pub fn ptr_eq(&self, other: &SessionStore) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The value for declaration `id`, created by `make` under the store's owner on first use.
    pub(crate) fn get_or_make<V: Copy + 'static>(&self, id: usize, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.lookup::<V>(id) {
            return v;
        }
        // Created outside the borrow: `make` may read other shared values of this store.
        let v = self.0.owner().with(|| untrack(make));
        let mut values = self.0.values.borrow_mut();
        if values.len() <= id {
            values.resize_with(id + 1, || None);
        }
        match &values[id] {
            // `make` itself created it (a recursive read): keep the first.
            Some(b) => *b.downcast_ref::<V>().expect("one type per shared id"),
            None => {
                values[id] = Some(Box::new(v));
                v
            }
        }
    }

    fn lookup<V: Copy + 'static>(&self, id: usize) -> Option<V> {
        let values = self.0.values.borrow();
        values.get(id)?.as_ref()?.downcast_ref::<V>().copied()
    }
}

/// One session as the code of a step sees it. Entered by the connection loop around each
/// step of its session (mount, event, re-render), and by tests around their own code.
///
/// # Examples
///
/// ```
/// use vango::live::{connected, SessionScope, SessionStore};
/// let store = SessionStore::new();
/// store.mark_connected();
/// assert!(SessionScope::new(store).enter(connected));
/// assert!(SessionScope::current().is_none(), "left again");
/// ```
#[derive(Clone, Debug)]
pub struct SessionScope {
    store: SessionStore,
}

impl SessionScope {
    /// The scope of a session whose shared values live in `store`.
    pub fn new(store: SessionStore) -> SessionScope {
        SessionScope { store }
    }

    /// The session's store of shared values.
    pub fn store(&self) -> &SessionStore {
        &self.store
    }

    /// Runs `f` inside this scope (the previous one is restored afterwards, also on
    /// unwinding).
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Restore(Option<SessionScope>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let prev = self.0.take();
                let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
            }
        }
        let prev = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        let _restore = Restore(prev);
        f()
    }

    /// The scope entered on this thread, if any.
    pub fn current() -> Option<SessionScope> {
        CURRENT.with(|c| c.borrow().clone())
    }
}

/// Whether the running code belongs to a connected session (its WebSocket is open and
/// events will come) rather than to the static first paint of a page load, which mounts
/// the page once to render HTML and drops it right away.
///
/// Like LiveView's `connected?`: put side effects that should happen once per live tab
/// (joining a presence list, starting a timer, subscribing to something costly) behind
/// it, so the first paint does not do them too. Outside any session it is `false`.
///
/// # Examples
///
/// ```
/// use vango::live::{connected, SessionStore};
/// let first_paint = SessionStore::new();
/// assert!(!first_paint.enter(connected));
/// let live = SessionStore::new();
/// live.mark_connected();
/// assert!(live.enter(connected));
/// assert!(!connected(), "outside any session");
/// ```
pub fn connected() -> bool {
    SessionStore::current().is_some_and(|s| s.is_connected())
}

/// The request the running session's page was mounted for; an empty one outside a session.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use vango::live::{use_request, PageRequest, SessionStore};
///
/// let store = SessionStore::new();
/// store.set_request(Rc::new(PageRequest::new("/a", "q=1")));
/// assert_eq!(store.enter(|| use_request().query().get("q").map(str::to_owned)), Some("1".into()));
/// assert_eq!(use_request().path(), "", "outside any session");
/// ```
pub fn use_request() -> Rc<PageRequest> {
    SessionStore::current()
        .and_then(|s| s.request())
        .unwrap_or_default()
}
