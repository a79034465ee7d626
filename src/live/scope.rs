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
use std::sync::Arc;

use super::cookie::{CookieKeys, CookieSession, COOKIE_NAME};
use super::misuse::{fail, OutsideSession};
use super::prefetch::Prefetch;
use super::request::{encode_query, is_local_url, Navigation, PageRequest, Submission, SubmitFn};
use crate::reactive::{provide_context, signal, untrack, use_context, Owner, Signal};

thread_local! {
    /// The scope of the session whose step runs on this thread (`None` between steps).
    static CURRENT: RefCell<Option<SessionScope>> = const { RefCell::new(None) };
}

/// The most browser commands one step may queue.
pub(crate) const MAX_COMMANDS: usize = 64;

/// A browser command queued by a handler or task (`live/command.rs`).
#[derive(Debug)]
pub(crate) enum Command {
    /// Focus the element with this DOM id.
    Focus(String),
    /// Call the handler the hook on the element with this DOM id registered for `name`.
    Hook {
        id: String,
        name: String,
        payload: String,
    },
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
    /// What few sessions use, boxed on first use: an idle session pays one pointer.
    rare: RefCell<Option<Box<Rare>>>,
    /// The browser's cookie session (set by the app before the page mounts).
    cookies: RefCell<CookieSlot>,
    /// The app's form handlers, for forms submitted over the socket.
    submit: RefCell<Option<Arc<SubmitFn>>>,
    /// While the page mounts with an SSR budget: the resources' first fetches.
    prefetch: RefCell<Option<Rc<Prefetch>>>,
}

/// The parts of a session's store that most sessions never use.
#[derive(Default)]
struct Rare {
    /// Bumped when the query changes in place, so renders that read the request re-run;
    /// created with the first read.
    request_version: Option<Signal<u64>>,
    /// Set while a link prefetch mounts another route: its request writes are not the
    /// current page's news.
    quiet_request: bool,
    /// What the current page set with [`set_title`].
    title: Option<String>,
    /// The hook scripts the session's pages asked for (`use_hook_script`), and how many
    /// of them the browser has.
    scripts: (Vec<String>, usize),
    /// A navigation asked for during this step.
    navigation: Option<Navigation>,
    /// What handlers and tasks asked the browser to do after this step's patches
    /// ([`focus`](super::command::focus), [`push_hook`](super::command::push_hook)).
    commands: Vec<Command>,
    /// A refused submission the next mount of the page shows.
    refused: Option<Rc<Submission>>,
    /// Per-session state of features that keep more than a value (uploads), one per type.
    exts: Vec<Rc<dyn Any>>,
}

impl Store {
    /// Runs `f` on the rare parts, boxing them first if need be. `f` must not reach the
    /// store again (the parts are borrowed while it runs).
    fn rare<R>(&self, f: impl FnOnce(&mut Rare) -> R) -> R {
        f(self.rare.borrow_mut().get_or_insert_with(Box::default))
    }

    /// Runs `f` on the rare parts if some were used, boxing nothing.
    fn peek<R>(&self, f: impl FnOnce(&mut Rare) -> R) -> Option<R> {
        self.rare.borrow_mut().as_deref_mut().map(f)
    }

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

/// A session's cookie session: none, read from the request on first use (a live session
/// whose page may never use it keeps only its form token), or in use.
enum CookieSlot {
    None,
    Lazy {
        keys: Arc<CookieKeys>,
        token: Box<str>,
        https: bool,
    },
    Ready(CookieSession),
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionStore;
    /// let store = SessionStore::new();
    /// assert!(!store.is_connected());
    /// assert!(store.request().is_none() && store.title().is_none());
    /// ```
    pub fn new() -> SessionStore {
        SessionStore(Rc::new(Store {
            owner: Cell::new(None),
            values: RefCell::new(Vec::new()),
            connected: Cell::new(false),
            request: RefCell::new(None),
            rare: RefCell::new(None),
            cookies: RefCell::new(CookieSlot::None),
            submit: RefCell::new(None),
            prefetch: RefCell::new(None),
        }))
    }

    /// Marks this store as a connected session's (the server does it before mounting the
    /// page for a WebSocket), which [`connected`] reports.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{connected, SessionStore};
    /// let store = SessionStore::new();
    /// store.mark_connected();
    /// assert!(store.enter(connected));
    /// ```
    pub fn mark_connected(&self) {
        self.0.connected.set(true);
    }

    /// Whether [`mark_connected`](Self::mark_connected) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let store = vango::live::SessionStore::new();
    /// assert!(!store.is_connected(), "a first paint's store");
    /// store.mark_connected();
    /// assert!(store.is_connected());
    /// ```
    pub fn is_connected(&self) -> bool {
        self.0.connected.get()
    }

    /// Sets the request the session's page is mounted for (the app does it before
    /// mounting; [`use_request`] reads it); the page's title starts unset.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use vango::live::{set_title, use_request, PageRequest, SessionStore};
    /// let store = SessionStore::new();
    /// store.enter(|| set_title("old page"));
    /// store.set_request(Rc::new(PageRequest::new("/todos", "")));
    /// assert_eq!(store.enter(use_request).path(), "/todos");
    /// assert_eq!(store.title(), None, "a new page starts untitled");
    /// ```
    pub fn set_request(&self, request: Rc<PageRequest>) {
        *self.0.request.borrow_mut() = Some(request);
        // A live navigation inside shared layouts: what they render from it re-runs (the
        // signal is copied out: its effects may read the store).
        let loud = self.0.peek(|r| {
            r.title = None;
            r.request_version.filter(|_| !r.quiet_request)
        });
        if let Some(v) = loud.flatten() {
            v.update(|n| *n += 1);
        }
    }

    /// Runs `f` (a link prefetch's off-screen mount, and putting the current page's
    /// request back) with [`set_request`](Self::set_request) re-rendering nothing: what
    /// reads the request is the current page's, whose request does not change.
    pub(crate) fn quietly<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Loud<'a>(&'a Store, bool);
        impl Drop for Loud<'_> {
            fn drop(&mut self) {
                let was = self.1;
                self.0.rare(|r| r.quiet_request = was);
            }
        }
        let was = self
            .0
            .rare(|r| std::mem::replace(&mut r.quiet_request, true));
        let _loud = Loud(&self.0, was);
        f()
    }

    /// Replaces the request of the mounted page (a new query): renders that read it re-run.
    pub(crate) fn update_request(&self, request: Rc<PageRequest>) {
        *self.0.request.borrow_mut() = Some(request);
        if let Some(v) = self.0.peek(|r| r.request_version).flatten() {
            v.update(|n| *n += 1);
        }
    }

    fn track_request(&self) {
        let v = match self.0.peek(|r| r.request_version).flatten() {
            Some(v) => v,
            None => {
                let v = self.0.owner().with(|| untrack(|| signal(0u64)));
                self.0.rare(|r| r.request_version = Some(v));
                v
            }
        };
        v.get();
    }

    /// Puts back a title saved with [`title`](Self::title) (after mounting another page
    /// off-screen).
    pub(crate) fn restore_title(&self, title: Option<String>) {
        if title.is_some() {
            self.0.rare(|r| r.title = title);
        } else {
            self.0.peek(|r| r.title = None);
        }
    }

    /// The title the current page set with [`set_title`].
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{set_title, SessionStore};
    /// let store = SessionStore::new();
    /// assert_eq!(store.title(), None);
    /// store.enter(|| set_title("Inbox (3)"));
    /// assert_eq!(store.title().as_deref(), Some("Inbox (3)"));
    /// ```
    pub fn title(&self) -> Option<String> {
        self.0.peek(|r| r.title.clone()).flatten()
    }

    /// Adds a hook script the page needs (once per URL, at most 32).
    pub(crate) fn add_script(&self, src: &str) {
        self.0.rare(|r| {
            let s = &mut r.scripts.0;
            if !s.iter().any(|u| u == src) && s.len() < 32 {
                s.push(src.to_owned());
            }
        });
    }

    /// Every hook script the session's pages asked for
    /// ([`use_hook_script`](super::use_hook_script)), in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{use_hook_script, SessionStore};
    /// let store = SessionStore::new();
    /// store.enter(|| {
    ///     use_hook_script("/assets/map.js");
    ///     use_hook_script("/assets/map.js");
    /// });
    /// assert_eq!(store.hook_scripts(), ["/assets/map.js"]);
    /// ```
    pub fn hook_scripts(&self) -> Vec<String> {
        self.0.peek(|r| r.scripts.0.clone()).unwrap_or_default()
    }

    /// Whether a hook script was asked for that the browser does not have yet.
    pub(crate) fn has_new_scripts(&self) -> bool {
        self.0.peek(|r| r.scripts.1 < r.scripts.0.len()) == Some(true)
    }

    /// The hook scripts asked for since the last call: the browser does not have them yet.
    pub(crate) fn take_new_scripts(&self) -> Vec<String> {
        self.0
            .peek(|r| {
                let s = &mut r.scripts;
                let new = s.0[s.1..].to_vec();
                s.1 = s.0.len();
                new
            })
            .unwrap_or_default()
    }

    /// Queues a command for after this step's patches: at most [`MAX_COMMANDS`] a step
    /// (later ones are dropped and logged), and a later focus replaces an earlier one.
    pub(crate) fn command(&self, c: Command) {
        self.0.rare(|r| {
            let cs = &mut r.commands;
            if matches!(c, Command::Focus(_)) {
                cs.retain(|c| !matches!(c, Command::Focus(_)));
            }
            if cs.len() >= MAX_COMMANDS {
                log::warn!("more than {MAX_COMMANDS} browser commands in one step: dropped");
                return;
            }
            cs.push(c);
        });
    }

    /// Takes the commands queued during this step.
    pub(crate) fn take_commands(&self) -> Vec<Command> {
        self.0
            .peek(|r| std::mem::take(&mut r.commands))
            .unwrap_or_default()
    }

    /// Whether a command is queued.
    pub(crate) fn has_commands(&self) -> bool {
        self.0.peek(|r| !r.commands.is_empty()) == Some(true)
    }

    /// Sets the browser's cookie session (the app does it before mounting the page).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{use_cookie_session, CookieSession, SessionStore};
    /// let store = SessionStore::new();
    /// let session = CookieSession::detached();
    /// session.set("lang", "fr").unwrap();
    /// store.set_cookie_session(session);
    /// assert_eq!(store.enter(|| use_cookie_session().get_str("lang")).as_deref(), Some("fr"));
    /// ```
    pub fn set_cookie_session(&self, session: CookieSession) {
        *self.0.cookies.borrow_mut() = CookieSlot::Ready(session);
    }

    /// Makes the cookie session of this store's request (its `vango_session` cookie,
    /// verified with `keys`) on first use, with `token` (already checked for this
    /// browser) as its forms' CSRF token; `https`: the client connected over HTTPS.
    pub(crate) fn set_cookie_session_lazy(
        &self,
        keys: Arc<CookieKeys>,
        token: String,
        https: bool,
    ) {
        *self.0.cookies.borrow_mut() = CookieSlot::Lazy {
            keys,
            token: token.into(),
            https,
        };
    }

    /// The cookie session if one is in use (never makes the lazy one).
    pub(crate) fn cookie_session_in_use(&self) -> Option<CookieSession> {
        match &*self.0.cookies.borrow() {
            CookieSlot::Ready(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// The cookie session set by [`set_cookie_session`](Self::set_cookie_session).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{CookieSession, SessionStore};
    /// let store = SessionStore::new();
    /// assert!(store.cookie_session().is_none());
    /// store.set_cookie_session(CookieSession::detached());
    /// store.cookie_session().unwrap().set("n", 1).unwrap();
    /// assert_eq!(store.cookie_session().unwrap().get_str("n").as_deref(), Some("1"));
    /// ```
    pub fn cookie_session(&self) -> Option<CookieSession> {
        let mut slot = self.0.cookies.borrow_mut();
        if let CookieSlot::Lazy { .. } = &*slot {
            let CookieSlot::Lazy { keys, token, https } =
                std::mem::replace(&mut *slot, CookieSlot::None)
            else {
                unreachable!("matched above");
            };
            let request = self.0.request.borrow().clone();
            let value = request.as_deref().and_then(|r| r.cookie(COOKIE_NAME));
            let session = keys.session(value, https);
            session.set_form_token(token.into());
            *slot = CookieSlot::Ready(session);
        }
        match &*slot {
            CookieSlot::Ready(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// Sets the app's form handlers (the app does it before mounting a live page).
    pub(crate) fn set_submit(&self, submit: Arc<SubmitFn>) {
        *self.0.submit.borrow_mut() = Some(submit);
    }

    /// The app's form handlers, in a live session.
    pub(crate) fn submit(&self) -> Option<Arc<SubmitFn>> {
        self.0.submit.borrow().clone()
    }

    /// Keeps a refused submission for the next mount (a re-mount of the same page).
    pub(crate) fn set_refused(&self, s: Rc<Submission>) {
        self.0.rare(|r| r.refused = Some(s));
    }

    /// Takes the refused submission the page is about to be mounted with.
    pub(crate) fn take_refused(&self) -> Option<Rc<Submission>> {
        self.0.peek(|r| r.refused.take()).flatten()
    }

    /// Takes the navigation asked for during this step.
    pub(crate) fn take_navigation(&self) -> Option<Navigation> {
        self.0.peek(|r| r.navigation.take()).flatten()
    }

    /// Starts counting the first fetches of the resources mounted from now on (the page's
    /// first render waits for them up to the SSR budget).
    pub(crate) fn begin_prefetch(&self) -> Rc<Prefetch> {
        let p = Rc::new(Prefetch::default());
        *self.0.prefetch.borrow_mut() = Some(p.clone());
        p
    }

    /// Stops counting: later fetches are not waited for.
    pub(crate) fn end_prefetch(&self) {
        let old = self.0.prefetch.borrow_mut().take();
        drop(old);
    }

    /// The count started by [`begin_prefetch`](Self::begin_prefetch), while it runs.
    pub(crate) fn prefetch(&self) -> Option<Rc<Prefetch>> {
        self.0.prefetch.borrow().clone()
    }

    /// The request set by [`set_request`](Self::set_request).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use vango::live::{PageRequest, SessionStore};
    /// let store = SessionStore::new();
    /// assert!(store.request().is_none());
    /// store.set_request(Rc::new(PageRequest::new("/a", "page=2")));
    /// assert_eq!(store.request().unwrap().raw_query(), "page=2");
    /// ```
    pub fn request(&self) -> Option<Rc<PageRequest>> {
        self.0.request.borrow().clone()
    }

    /// Runs `f` with this store as the current session's (see [`SessionScope::enter`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionStore;
    /// let store = SessionStore::new();
    /// let inside = store.enter(|| SessionStore::current().unwrap().ptr_eq(&store));
    /// assert!(inside);
    /// assert!(SessionStore::current().is_none());
    /// ```
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        SessionScope::new(self.clone()).enter(f)
    }

    /// Makes this store the one found through reactive context below the current owner
    /// (the server does it in each page's root component setup).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionStore;
    /// use vango::reactive::Owner;
    /// let store = SessionStore::new();
    /// let page = Owner::new_root();
    /// page.with(|| store.provide());
    /// // Code running under the page's owner finds the store without entering it.
    /// let found = page.with(SessionStore::current).unwrap();
    /// assert!(found.ptr_eq(&store));
    /// ```
    pub fn provide(&self) {
        provide_context(StoreRef(Rc::downgrade(&self.0)));
    }

    /// The store of the session running here: from reactive context, else the entered one.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionStore;
    /// assert!(SessionStore::current().is_none(), "outside any session");
    /// let store = SessionStore::new();
    /// assert!(store.enter(SessionStore::current).is_some());
    /// ```
    pub fn current() -> Option<SessionStore> {
        use_context::<StoreRef>()
            .and_then(|r| r.0.upgrade())
            .map(SessionStore)
            .or_else(|| CURRENT.with(|c| c.borrow().as_ref().map(|s| s.store.clone())))
    }

    /// A number that names this store while it lives (its address), for the dev capture's
    /// session tags.
    pub(crate) fn key(&self) -> usize {
        Rc::as_ptr(&self.0) as *const () as usize
    }

    /// Whether `self` and `other` are the same session's store.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionStore;
    /// let a = SessionStore::new();
    /// assert!(a.ptr_eq(&a.clone()));
    /// assert!(!a.ptr_eq(&SessionStore::new()));
    /// ```
    pub fn ptr_eq(&self, other: &SessionStore) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The session's one `T` (created on first use): per-session state of a feature of
    /// this layer that no other file should name here (uploads).
    pub(crate) fn ext<T: Default + 'static>(&self) -> Rc<T> {
        if let Some(t) = self.ext_if::<T>() {
            return t;
        }
        // Made outside the borrow: `T::default` may reach the store.
        let t = Rc::new(T::default());
        self.0.rare(|r| r.exts.push(t.clone()));
        t
    }

    /// The session's `T`, if [`ext`](Self::ext) made one.
    pub(crate) fn ext_if<T: 'static>(&self) -> Option<Rc<T>> {
        self.0
            .peek(|r| r.exts.iter().find_map(|e| e.clone().downcast::<T>().ok()))
            .flatten()
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionScope, SessionStore};
    /// let store = SessionStore::new();
    /// let scope = SessionScope::new(store.clone());
    /// assert!(scope.store().ptr_eq(&store));
    /// ```
    pub fn new(store: SessionStore) -> SessionScope {
        SessionScope { store }
    }

    /// The session's store of shared values.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionScope, SessionStore};
    /// let scope = SessionScope::new(SessionStore::new());
    /// scope.store().mark_connected();
    /// assert!(scope.enter(vango::live::connected));
    /// ```
    pub fn store(&self) -> &SessionStore {
        &self.store
    }

    /// How many shared values the session's store holds (for its measured size).
    pub(crate) fn shared_values(&self) -> usize {
        self.store.0.values.borrow().iter().flatten().count()
    }

    /// Runs `f` inside this scope (the previous one is restored afterwards, also on
    /// unwinding).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionScope, SessionStore};
    /// let outer = SessionScope::new(SessionStore::new());
    /// let inner = SessionScope::new(SessionStore::new());
    /// outer.enter(|| {
    ///     inner.enter(|| assert!(SessionScope::current().unwrap().store().ptr_eq(inner.store())));
    ///     // The outer scope is back once the inner one returns.
    ///     assert!(SessionScope::current().unwrap().store().ptr_eq(outer.store()));
    /// });
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionScope, SessionStore};
    /// assert!(SessionScope::current().is_none());
    /// let scope = SessionScope::new(SessionStore::new());
    /// assert!(scope.enter(|| SessionScope::current().is_some()));
    /// ```
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

/// The request the running session's page was mounted for. Outside a live session it
/// panics with a message naming the fix; [`try_use_request`](super::try_use_request)
/// returns the error instead.
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
/// assert!(vango::live::try_use_request().is_err(), "outside any session");
/// ```
///
/// A render that reads it re-runs when the query changes in place ([`set_query`]).
#[track_caller]
pub fn use_request() -> Rc<PageRequest> {
    match store_for("use_request") {
        Ok(store) => request_of(&store),
        Err(e) => fail(e),
    }
}

/// `store`'s request, tracked (a render that reads it re-runs on a query change).
pub(super) fn request_of(store: &SessionStore) -> Rc<PageRequest> {
    store.track_request();
    store.request().unwrap_or_default()
}

/// The browser's signed cookie session (`vango_session`): what page setup reads is already
/// in the first paint; what a form handler or page setup writes, the answer's `Set-Cookie`
/// stores. Outside a live session it panics with a message naming the fix
/// ([`try_use_cookie_session`](super::try_use_cookie_session) returns the error instead).
///
/// # Examples
///
/// ```
/// use vango::live::{cookie::CookieSession, use_cookie_session, SessionStore};
/// let store = SessionStore::new();
/// store.set_cookie_session(CookieSession::detached());
/// store.enter(|| use_cookie_session().set("theme", "dark")).unwrap();
/// assert_eq!(store.enter(|| use_cookie_session().get_str("theme")).as_deref(), Some("dark"));
/// assert!(vango::live::try_use_cookie_session().is_err(), "outside any session");
/// ```
#[track_caller]
pub fn use_cookie_session() -> CookieSession {
    match store_for("use_cookie_session") {
        Ok(store) => store
            .cookie_session()
            .unwrap_or_else(CookieSession::detached),
        Err(e) => fail(e),
    }
}

/// Sets the document title of the page being mounted (call it in the page's setup): the
/// first paint's `<title>`, and a `SetTitle` when a live navigation mounts the page.
/// Outside a live session it panics with a message naming the fix.
///
/// # Examples
///
/// ```
/// use vango::live::{set_title, SessionStore};
/// let store = SessionStore::new();
/// store.enter(|| set_title("Todo 7"));
/// assert_eq!(store.title().as_deref(), Some("Todo 7"));
/// ```
#[track_caller]
pub fn set_title(title: impl Into<String>) {
    match store_for("set_title") {
        Ok(store) => {
            let title = title.into();
            store.0.rare(|r| r.title = Some(title));
        }
        Err(e) => fail(e),
    }
}

/// The current session's store, or the error naming `api` and the caller.
#[track_caller]
pub(crate) fn store_for(api: &'static str) -> Result<SessionStore, OutsideSession> {
    let at = std::panic::Location::caller();
    SessionStore::current().ok_or_else(|| OutsideSession::new(api, at))
}

fn ask(store: &SessionStore, nav: Navigation) {
    store.0.rare(|r| r.navigation = Some(nav));
}

/// Asks `store`'s session to navigate to `url` (ignored unless it is a local path).
pub(super) fn ask_to(store: &SessionStore, url: String, replace: bool) {
    if is_local_url(&url) {
        ask(store, Navigation::To { url, replace });
    }
}

/// Asks `store`'s session to replace the query with `pairs`, pushing a history entry.
pub(super) fn ask_query<'a>(
    store: &SessionStore,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    let query = encode_query(pairs);
    ask(
        store,
        Navigation::Query {
            query,
            replace: false,
        },
    );
}

/// From a handler or a task: mounts the route of `url` (a local path and query, like `/todos/7?x=1`)
/// in place of the current page — same socket, same session store — and pushes it onto
/// the browser's history without a reload. A URL without a route mounts the not-found
/// page; a URL that is not a local path is ignored. The last call of a step wins.
/// Outside a live session it panics with a message naming the fix
/// ([`try_navigate`](super::try_navigate) returns the error instead).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let go = button("open").on_click(|_| navigate("/todos/7"));
/// # let _ = go;
/// ```
#[track_caller]
pub fn navigate(url: impl Into<String>) {
    match store_for("navigate") {
        Ok(store) => ask_to(&store, url.into(), false),
        Err(e) => fail(e),
    }
}

/// Like [`navigate`], replacing the current history entry instead of pushing one (and
/// like it, panicking outside a live session).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let go = button("done").on_click(|_| navigate_replace("/todos"));
/// # let _ = go;
/// ```
#[track_caller]
pub fn navigate_replace(url: impl Into<String>) {
    match store_for("navigate_replace") {
        Ok(store) => ask_to(&store, url.into(), true),
        Err(e) => fail(e),
    }
}

/// From a handler: keeps the current route and page state and replaces the query with
/// `pairs` (encoded here); renders that read [`use_request`] re-run, and the browser URL
/// follows (a pushed history entry), without a remount — LiveView's `push_patch`.
/// Outside a live session it panics with a message naming the fix.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let b = button("done only").on_click(|_| set_query([("filter", "done")]));
/// # let _ = b;
/// ```
#[track_caller]
pub fn set_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
    match store_for("set_query") {
        Ok(store) => ask_query(&store, pairs),
        Err(e) => fail(e),
    }
}

/// From a handler: sets the query parameter `key` to `value` (or removes it for `None`),
/// keeping the others in order, like [`set_query`]; `replace` replaces the history entry
/// instead of pushing one. Outside a live session it panics with a message naming the fix.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let b = button("page 2").on_click(|_| patch_query("page", Some("2"), false));
/// # let _ = b;
/// ```
#[track_caller]
pub fn patch_query(key: &str, value: Option<&str>, replace: bool) {
    match store_for("patch_query") {
        Ok(store) => patch_query_in(&store, key, value, replace),
        Err(e) => fail(e),
    }
}

/// [`patch_query`] on `store`'s session.
pub(super) fn patch_query_in(store: &SessionStore, key: &str, value: Option<&str>, replace: bool) {
    // Several calls in one step build on each other (two url_state writes).
    let queued = store.0.peek(|r| match &r.navigation {
        Some(Navigation::Query { query, replace: r }) => Some((query.clone(), *r)),
        _ => None,
    });
    let (base, replace) = match queued.flatten() {
        Some((query, r)) => (query, replace && r),
        None => (
            store
                .request()
                .map(|r| r.raw_query().to_owned())
                .unwrap_or_default(),
            replace,
        ),
    };
    let q = crate::router::Query::parse(&base).unwrap_or_default();
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut done = false;
    for (k, v) in q.iter() {
        if k == key {
            if let (Some(nv), false) = (value, done) {
                pairs.push((k, nv));
            }
            done = true;
        } else {
            pairs.push((k, v));
        }
    }
    if let (Some(v), false) = (value, done) {
        pairs.push((key, v));
    }
    ask(
        store,
        Navigation::Query {
            query: encode_query(pairs),
            replace,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_live_mount_boxes_no_rare_parts() {
        // What the server does for every live session's mount and step.
        let store = SessionStore::new();
        store.mark_connected();
        store.set_request(Rc::new(PageRequest::new("/", "")));
        let p = store.begin_prefetch();
        store.end_prefetch();
        drop(p);
        assert!(store.take_new_scripts().is_empty() && store.take_refused().is_none());
        assert!(!store.has_commands() && store.take_navigation().is_none());
        assert!(store.title().is_none() && store.hook_scripts().is_empty());
        assert!(store.0.rare.borrow().is_none());
        // A page that sets its title pays for the box.
        store.enter(|| set_title("t"));
        assert!(store.0.rare.borrow().is_some());
        store.set_request(Rc::new(PageRequest::new("/b", "")));
        assert_eq!(store.title(), None, "a new page starts untitled");
    }
}
