//! Caught panics: [`ErrorInfo`] (the message and where it was raised) and [`catch`], which
//! runs code under `catch_unwind` with a process-wide panic hook that records the panic's
//! location for the catcher instead of printing it (the catcher logs it once).
//!
//! Touches only std's panic machinery and one thread-local of its own.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Once;

/// A panic that an [error boundary](super::error_boundary) or an app's
/// [error page](crate::App::error_page) caught: its message and where it was raised.
///
/// # Examples
///
/// ```
/// use vango::component::catch;
/// let err = catch(|| -> () { panic!("no such row: {}", 7) }).unwrap_err();
/// assert_eq!(err.message(), "no such row: 7");
/// assert!(err.location().unwrap().contains(".rs:"), "file:line:column");
/// assert!(err.to_string().starts_with("no such row: 7 at "));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ErrorInfo(Rc<Inner>);

#[derive(PartialEq, Eq, Debug)]
struct Inner {
    message: String,
    location: Option<String>,
}

impl ErrorInfo {
    /// An error with this message and location (`file:line:column`), for tests and custom
    /// front ends.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::ErrorInfo;
    /// let e = ErrorInfo::new("db down", Some("src/db.rs:3:1".into()));
    /// assert_eq!(e.to_string(), "db down at src/db.rs:3:1");
    /// ```
    pub fn new(message: impl Into<String>, location: Option<String>) -> Self {
        ErrorInfo(Rc::new(Inner {
            message: message.into(),
            location,
        }))
    }

    /// The panic's message (`"<non-string panic payload>"` when it was not a string).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::catch;
    /// let err = catch(|| -> u32 { panic!("bad input") }).unwrap_err();
    /// assert_eq!(err.message(), "bad input");
    /// ```
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Where it panicked, as `file:line:column`, when known (another panic hook installed
    /// after Vango's hides it).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::ErrorInfo;
    /// assert_eq!(ErrorInfo::new("x", None).location(), None);
    /// assert_eq!(ErrorInfo::new("x", Some("a.rs:1:2".into())).location(), Some("a.rs:1:2"));
    /// ```
    pub fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location() {
            Some(l) => write!(f, "{} at {l}", self.message()),
            None => write!(f, "{} at an unknown location", self.message()),
        }
    }
}

thread_local! {
    /// How many `catch` calls are running on this thread (the hook stays quiet then).
    static CATCHING: Cell<u32> = const { Cell::new(0) };
    /// The location of this thread's last panic raised while catching.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs (once) a hook in front of the current one: a panic raised while a [`catch`]
/// runs on its thread records its location and prints nothing (its catcher logs it once);
/// any other panic goes to the previous hook as before.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let at = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            // At the panic site, before unwinding: the component path is still known.
            super::dev_capture::note_panic(at.clone());
            if CATCHING.with(Cell::get) > 0 {
                LAST.with(|last| *last.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// The text of a panic payload.
pub(crate) fn message_of(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_owned()
    }
}

/// Runs `f`; a panic comes back as its [`ErrorInfo`] instead of unwinding further (and is
/// not printed by the default hook: log it once where it is handled).
///
/// # Examples
///
/// ```
/// use vango::component::catch;
/// assert_eq!(catch(|| 2 + 2), Ok(4));
/// assert_eq!(catch(|| -> u8 { panic!("boom") }).unwrap_err().message(), "boom");
/// ```
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, ErrorInfo> {
    install_hook();
    CATCHING.with(|c| c.set(c.get() + 1));
    let out = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get() - 1));
    out.map_err(|payload| {
        let location = LAST.with(|l| l.borrow_mut().take());
        ErrorInfo::new(message_of(&*payload), location)
    })
}
