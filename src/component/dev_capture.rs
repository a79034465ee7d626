//! Dev-mode capture for the error overlay and the dev panel: each mounted component's path
//! and render count, the component path where a panic was raised, and the caught panics a
//! session has not reported yet, each tagged with the session a task ran for (so that with
//! several sessions on one core a task's panic goes to its own session's channel). Only
//! [`dev::enabled`](super::dev::enabled) turns it on;
//! in release builds a component's dev data is empty and every entry point returns at once.
//!
//! Touches only its own thread-locals (`dev_tree.rs` walks the tree and reads panics).

use std::cell::RefCell;
#[cfg(debug_assertions)]
use std::cell::{Cell, RefCell as DevCell};
#[cfg(debug_assertions)]
use std::rc::Rc;

use super::dev::enabled;

/// A panic an error boundary or the session caught, as the overlay shows it.
///
/// # Examples
///
/// ```
/// use vango::component::dev;
/// use vango::component::dev_capture::{report, take_errors, DevError};
/// dev::set_enabled(true);
/// report("no such row", Some("src/rows.rs:7:9"), false);
/// let errors: Vec<DevError> = take_errors();
/// dev::set_enabled(false);
/// if cfg!(debug_assertions) {
///     assert_eq!(errors[0].message, "no such row");
///     assert_eq!(errors[0].location.as_deref(), Some("src/rows.rs:7:9"));
///     assert!(!errors[0].fatal);
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevError {
    /// The panic's message.
    pub message: String,
    /// `file:line:column` where it was raised, when known.
    pub location: Option<String>,
    /// The component path (`app/counter/row`) that was running, or empty.
    pub path: String,
    /// What was running: `"render"`, `"handler"` or `"task"`.
    pub kind: &'static str,
    /// Whether it ended the session (no error boundary took it).
    pub fatal: bool,
}

thread_local! {
    /// The paths of the components rendering or handling right now, innermost last.
    static STACK: RefCell<Vec<std::rc::Rc<str>>> = const { RefCell::new(Vec::new()) };
    /// What kind of code runs now (a handler, a task), else a render.
    static PHASE: std::cell::Cell<&'static str> = const { std::cell::Cell::new("render") };
    /// The session tag of the task running now (0: none, the code of a session's step).
    static SESSION: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Where the last panic on this thread was raised: location, component path, kind and
    /// session tag.
    static LAST: RefCell<Option<Raised>> = const { RefCell::new(None) };
    /// Caught panics not reported yet, with their session tag (0: the next step's).
    static PENDING: RefCell<Vec<(usize, DevError)>> = const { RefCell::new(Vec::new()) };
}

/// Where a panic was raised: location, component path, kind, session tag.
type Raised = (Option<String>, String, &'static str, usize);

/// The bound on unreported errors (a panicking loop cannot grow memory).
const MAX_PENDING: usize = 32;

/// A mounted component's dev data: its path and how often it rendered. Empty in release.
#[derive(Default)]
pub(crate) struct DevInfo {
    #[cfg(debug_assertions)]
    path: DevCell<Option<Rc<str>>>,
    #[cfg(debug_assertions)]
    renders: Cell<u32>,
}

impl DevInfo {
    /// The dev data of a component named `name` mounted here (under the components on the
    /// stack).
    pub(crate) fn new(name: &'static str) -> DevInfo {
        let info = DevInfo::default();
        #[cfg(debug_assertions)]
        if enabled() {
            let parent = current_path();
            let path: Rc<str> = if parent.is_empty() {
                name.into()
            } else {
                format!("{parent}/{name}").into()
            };
            *info.path.borrow_mut() = Some(path);
        }
        #[cfg(not(debug_assertions))]
        let _ = name;
        info
    }

    /// Runs `f` with this component on the stack (a panic inside names it); counts a render
    /// when `render`.
    pub(crate) fn enter<R>(&self, render: bool, f: impl FnOnce() -> R) -> R {
        #[cfg(debug_assertions)]
        if let Some(p) = self.path.borrow().clone() {
            if render {
                self.renders.set(self.renders.get().saturating_add(1));
            }
            STACK.with(|s| s.borrow_mut().push(p));
            let _pop = Pop;
            return f();
        }
        let _ = render;
        f()
    }

    /// Its path and render count, when dev mode gave it one.
    pub(crate) fn snapshot(&self) -> Option<(String, u32)> {
        #[cfg(debug_assertions)]
        {
            let p = self.path.borrow().clone()?;
            Some((p.to_string(), self.renders.get()))
        }
        #[cfg(not(debug_assertions))]
        None
    }
}

/// Pops the stack when a component's code ends, unwinding included.
#[cfg(debug_assertions)]
struct Pop;

#[cfg(debug_assertions)]
impl Drop for Pop {
    fn drop(&mut self) {
        STACK.with(|s| s.borrow_mut().pop());
    }
}

/// The innermost component's path, or empty.
fn current_path() -> String {
    STACK.with(|s| s.borrow().last().map(|p| p.to_string()).unwrap_or_default())
}

/// Who spawned a task, for its panics: the path of the component that was running (dev
/// mode only) and its session's tag (any number that names the session on this thread;
/// 0 for none).
#[derive(Clone, Debug, Default)]
pub(crate) struct TaskOrigin {
    path: Option<std::rc::Rc<str>>,
    session: usize,
}

impl TaskOrigin {
    /// The origin of a task spawned here, for the session tagged `session`.
    pub(crate) fn here(session: usize) -> TaskOrigin {
        let path = if enabled() {
            STACK.with(|s| s.borrow().last().cloned())
        } else {
            None
        };
        TaskOrigin { path, session }
    }

    /// The spawning component's path, or empty (dev mode off, or spawned outside one).
    pub(crate) fn path(&self) -> &str {
        self.path.as_deref().unwrap_or("")
    }

    /// Its session's tag.
    pub(crate) fn session(&self) -> usize {
        self.session
    }

    /// Runs a poll of the task: as code of kind `"task"`, with its component on the stack
    /// and its session's tag current, so a panic inside is reported with both.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        if !enabled() {
            return f();
        }
        struct Back(usize, bool);
        impl Drop for Back {
            fn drop(&mut self) {
                SESSION.with(|s| s.set(self.0));
                if self.1 {
                    STACK.with(|s| s.borrow_mut().pop());
                }
            }
        }
        let before = SESSION.with(|s| s.replace(self.session));
        if let Some(p) = &self.path {
            STACK.with(|s| s.borrow_mut().push(p.clone()));
        }
        let _back = Back(before, self.path.is_some());
        in_phase("task", f)
    }
}

/// Runs `f` as code of `kind` (`"handler"`, `"task"`): a panic inside is reported so.
pub(crate) fn in_phase<R>(kind: &'static str, f: impl FnOnce() -> R) -> R {
    if !enabled() {
        return f();
    }
    let before = PHASE.with(|p| p.replace(kind));
    struct Back(&'static str);
    impl Drop for Back {
        fn drop(&mut self) {
            PHASE.with(|p| p.set(self.0));
        }
    }
    let _back = Back(before);
    f()
}

/// Called by the panic hook at the panic site: remembers where it was raised.
pub(crate) fn note_panic(location: Option<String>) {
    if enabled() {
        let phase = PHASE.with(|p| p.get());
        let session = SESSION.with(|s| s.get());
        LAST.with(|l| *l.borrow_mut() = Some((location, current_path(), phase, session)));
    }
}

/// Records a caught panic for the overlay (`fatal`: it ended the session). Dev mode only.
///
/// # Examples
///
/// ```
/// // Off (the default): nothing is recorded.
/// vango::component::dev_capture::report("boom", None, true);
/// assert!(vango::component::dev_capture::take_errors().is_empty());
/// ```
pub fn report(message: &str, location: Option<&str>, fatal: bool) {
    if !enabled() {
        return;
    }
    let (at, path, kind, session) =
        LAST.with(|l| l.borrow_mut().take())
            .unwrap_or((None, String::new(), "render", 0));
    let err = DevError {
        message: message.to_owned(),
        location: location.map(str::to_owned).or(at),
        path,
        kind,
        fatal,
    };
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() < MAX_PENDING {
            p.push((session, err));
        }
    });
}

/// The caught panics not reported yet on this thread, oldest first.
///
/// # Examples
///
/// ```
/// assert!(vango::component::dev_capture::take_errors().is_empty());
/// ```
pub fn take_errors() -> Vec<DevError> {
    PENDING
        .with(|p| std::mem::take(&mut *p.borrow_mut()))
        .into_iter()
        .map(|(_, e)| e)
        .collect()
}

/// The caught panics the session tagged `session` reports: its tasks' and the untagged
/// ones (raised by the step that just ran, which is that session's); other sessions'
/// tasks' panics stay for them. With `only_tagged`, its tasks' alone.
pub(crate) fn take_errors_for(session: usize, only_tagged: bool) -> Vec<DevError> {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        let mut out = Vec::new();
        p.retain(|(s, e)| {
            let mine = *s == session || (*s == 0 && !only_tagged);
            if mine {
                out.push(e.clone());
            }
            !mine
        });
        out
    })
}
