//! Signed cookie sessions: one `vango_session` cookie per browser holding a session id and
//! the app's small key/value pairs, signed with HMAC-SHA256 under the app's secret key.
//!
//! Data and codec only: the app reads the cookie from the request into the session's
//! store and writes the `Set-Cookie` header back. Touches the signer (`server::sign`),
//! the router's query codec, the clock and `getrandom`.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::csrf::Csrf;
use super::request::encode_query;
use crate::router::Query;
use crate::server::{SecretKey, Signer};

/// The cookie's name.
///
/// # Examples
///
/// ```
/// use vango::live::cookie::COOKIE_NAME;
///
/// assert_eq!(COOKIE_NAME, "vango_session");
/// ```
pub const COOKIE_NAME: &str = "vango_session";

/// The largest cookie value (name, `=` and value) browsers are sure to keep (RFC 6265
/// section 6.1 asks them for at least 4096 bytes per cookie).
///
/// # Examples
///
/// ```
/// use vango::live::cookie::{CookieSession, MAX_COOKIE_BYTES};
///
/// let s = CookieSession::detached();
/// assert!(s.set("bio", "x".repeat(MAX_COOKIE_BYTES)).is_err(), "store an id, not a profile");
/// ```
pub const MAX_COOKIE_BYTES: usize = 4096;

/// Hex digits of a session id (128 random bits).
const ID_LEN: usize = 32;

/// What signs and checks the app's session cookies; built once when the app starts.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use vango::live::cookie::CookieKeys;
/// use vango::server::SecretKey;
/// let keys = std::sync::Arc::new(CookieKeys::new(&SecretKey::from_bytes([3; 32]), Duration::from_secs(60)));
/// let s = keys.session(None, false);
/// s.set("name", "Ada").unwrap();
/// let value = s.cookie_value().unwrap();
/// // The browser sends it back, to this process or the next one with the same key.
/// let again = keys.session(Some(&value), false);
/// assert_eq!(again.get_str("name").as_deref(), Some("Ada"));
/// assert_eq!(again.id(), s.id());
/// let mut forged = value.clone();
/// forged.insert(40, 'x');
/// assert_eq!(keys.session(Some(&forged), false).get_str("name"), None);
/// ```
#[derive(Debug)]
pub struct CookieKeys {
    signer: Signer,
    tickets: Signer,
    max_age: Duration,
    csrf: Csrf,
}

impl CookieKeys {
    /// Cookies signed under `key` that browsers keep, and the server accepts, for
    /// `max_age`; their forms' CSRF tokens are signed under `key` too and last a day.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::CookieKeys;
    /// use vango::server::SecretKey;
    /// let keys = Arc::new(CookieKeys::new(&SecretKey::from_bytes([7; 32]), Duration::from_secs(3600)));
    /// let s = keys.session(None, false);
    /// s.set("cart", 2).unwrap();
    /// assert!(s.set_cookie_header().unwrap().contains("Max-Age=3600"));
    /// ```
    pub fn new(key: &SecretKey, max_age: Duration) -> CookieKeys {
        CookieKeys {
            signer: Signer::new(key, "cookie session"),
            tickets: Signer::new(key, "cookie ticket"),
            max_age,
            csrf: Csrf::new(key, Duration::from_secs(24 * 60 * 60)),
        }
    }

    /// With `csrf` for the tokens of [`post_form`](super::form::post_form)s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::{cookie::CookieKeys, Csrf};
    /// use vango::server::SecretKey;
    /// let key = SecretKey::from_bytes([7; 32]);
    /// let csrf = Csrf::new(&key, Duration::from_secs(600)); // form tokens last 10 minutes
    /// let keys = Arc::new(CookieKeys::new(&key, Duration::from_secs(3600)).with_csrf(csrf.clone()));
    /// let token = keys.session(None, false).form_token().unwrap();
    /// assert_eq!(csrf.check_for(&token, ""), Ok(()));
    /// ```
    pub fn with_csrf(mut self, csrf: Csrf) -> CookieKeys {
        self.csrf = csrf;
        self
    }

    /// Checks a form's CSRF `token` for the browser whose cookie is `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::CookieKeys;
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([7; 32]), Duration::from_secs(60)));
    /// let s = keys.session(None, false);
    /// s.set("user", "ada").unwrap();
    /// let (cookie, token) = (s.cookie_value().unwrap(), s.form_token().unwrap());
    /// assert!(keys.check_form(&token, Some(&cookie)));
    /// assert!(!keys.check_form(&token, None), "a token from another browser");
    /// ```
    pub fn check_form(&self, token: &str, value: Option<&str>) -> bool {
        self.csrf.check_for(token, &self.id_of(value)).is_ok()
    }

    /// The session of a request whose `vango_session` cookie is `value` (`None`: no
    /// cookie). A cookie that is malformed, forged, tampered with or older than the max
    /// age is ignored: the session starts empty. `secure`: the client connected over
    /// HTTPS (the cookie then gets `Secure`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::CookieKeys;
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([7; 32]), Duration::from_secs(60)));
    /// let s = keys.session(None, false);
    /// s.set("theme", "dark").unwrap();
    /// let cookie = s.cookie_value().unwrap();
    /// assert_eq!(keys.session(Some(&cookie), false).get_str("theme").as_deref(), Some("dark"));
    /// assert_eq!(keys.session(Some("garbage"), false).get_str("theme"), None, "starts empty");
    /// ```
    pub fn session(self: &Arc<Self>, value: Option<&str>, secure: bool) -> CookieSession {
        let (id, pairs) = value.and_then(|v| self.open(v, now())).unwrap_or_default();
        CookieSession(Rc::new(Jar {
            keys: Some(self.clone()),
            secure,
            state: RefCell::new(State {
                from: id.clone(),
                id,
                pairs,
                dirty: false,
                token: None,
            }),
        }))
    }

    /// The session id of a verified cookie `value`, or `""`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::CookieKeys;
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([7; 32]), Duration::from_secs(60)));
    /// let s = keys.session(None, false);
    /// s.set("a", 1).unwrap();
    /// assert_eq!(keys.id_of(s.cookie_value().as_deref()), s.id());
    /// assert_eq!(keys.id_of(None), "");
    /// ```
    pub fn id_of(&self, value: Option<&str>) -> String {
        value
            .and_then(|v| self.open(v, now()))
            .map(|(id, _)| id)
            .unwrap_or_default()
    }

    /// A ticket for a live session's cookie write (PROTOCOL.md, "Cookie tickets"): the new
    /// cookie `value`, the id `from` of the cookie the session started with, an expiry
    /// [`TICKET_SECS`] after `now`, and their tag.
    fn ticket(&self, from: &str, value: &str, now: u64) -> String {
        let mut out = format!("{:x}.{from}.{value}", now + TICKET_SECS);
        let tag = self.tickets.sign(out.as_bytes());
        out.push('.');
        push_hex(&mut out, &tag);
        out
    }

    /// The cookie value a ticket sets, for a POST carrying the cookie `current`: `None`
    /// when the ticket is forged or expired, or was issued to another browser (its
    /// session started from another cookie than `current`, and `current` is not already
    /// the ticket's session).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::CookieKeys;
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(60)));
    /// let s = keys.session(None, false);
    /// s.set("a", 1).unwrap();
    /// let ticket = s.take_ticket().unwrap();
    /// assert!(s.take_ticket().is_none(), "one ticket per write");
    /// let value = keys.redeem(&ticket, None).unwrap();
    /// assert_eq!(keys.session(Some(&value), false).get::<u8>("a"), Some(1));
    /// let other = keys.session(None, false);
    /// other.set("b", 2).unwrap();
    /// let theirs = other.cookie_value().unwrap();
    /// assert_eq!(keys.redeem(&ticket, Some(&theirs)), None, "another browser's cookie");
    /// assert_eq!(keys.redeem(&ticket.replace('.', ","), None), None);
    /// ```
    pub fn redeem(&self, ticket: &str, current: Option<&str>) -> Option<String> {
        let (signed, tag) = ticket.rsplit_once('.')?;
        if !self.tickets.verify(signed.as_bytes(), &unhex(tag)?) {
            return None;
        }
        let mut parts = signed.splitn(3, '.');
        let expiry = u64::from_str_radix(parts.next()?, 16).ok()?;
        let from = parts.next()?;
        let value = parts.next()?;
        if expiry < now() {
            return None;
        }
        let current = self.id_of(current);
        let (new_id, _) = self.open(value, now())?;
        (current == from || current == new_id).then(|| value.to_owned())
    }

    /// The `Set-Cookie` header value storing `value`: `HttpOnly`, `SameSite=Lax`, `Path=/`,
    /// the max age, and `Secure` when the client connected over HTTPS.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::cookie::CookieKeys;
    /// let keys = CookieKeys::new(&vango::server::SecretKey::from_bytes([7; 32]), Duration::from_secs(60));
    /// assert_eq!(
    ///     keys.header("v", false),
    ///     "vango_session=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax"
    /// );
    /// assert!(keys.header("v", true).ends_with("; Secure"));
    /// ```
    pub fn header(&self, value: &str, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!(
            "{COOKIE_NAME}={value}; Max-Age={}; Path=/; HttpOnly; SameSite=Lax{secure}",
            self.max_age.as_secs()
        )
    }

    /// `issued.id.pairs.tag`: issue time in hex seconds, the id, the pairs as a query
    /// string, and the HMAC of everything before the last dot, in hex.
    fn seal(&self, id: &str, pairs: &[(String, String)], now: u64) -> String {
        let query = encode_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut out = format!("{now:x}.{id}.{query}");
        let tag = self.signer.sign(out.as_bytes());
        out.push('.');
        push_hex(&mut out, &tag);
        out
    }

    fn open(&self, value: &str, now: u64) -> Option<(String, Vec<(String, String)>)> {
        let (signed, tag) = value.rsplit_once('.')?;
        if !self.signer.verify(signed.as_bytes(), &unhex(tag)?) {
            return None;
        }
        let mut parts = signed.splitn(3, '.');
        let issued = u64::from_str_radix(parts.next()?, 16).ok()?;
        let id = parts.next()?;
        let query = parts.next()?;
        // A clock stepped back a little still accepts a cookie it issued.
        let fresh = issued <= now + 300 && now.saturating_sub(issued) < self.max_age.as_secs();
        if !fresh || id.len() != ID_LEN {
            return None;
        }
        let pairs = Query::parse(query)
            .ok()?
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Some((id.to_owned(), pairs))
    }
}

/// How long a cookie ticket may be redeemed after it was issued.
///
/// # Examples
///
/// ```
/// use vango::live::cookie::TICKET_SECS;
/// // A ticket is redeemed by the client right after the frame that carries it.
/// assert_eq!(TICKET_SECS, 60);
/// ```
pub const TICKET_SECS: u64 = 60;

fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
}

/// The bytes of a 64-digit hex tag.
fn unhex(tag: &str) -> Option<Vec<u8>> {
    if tag.len() != 64 || !tag.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&tag[i..i + 2], 16).ok())
        .collect()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

struct Jar {
    /// `None` for a session outside any app (tests): writes stay in memory.
    keys: Option<Arc<CookieKeys>>,
    secure: bool,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// `""` until the first write gives the browser an id.
    id: String,
    /// The id of the cookie the request carried: a ticket is redeemed only with it.
    from: String,
    pairs: Vec<(String, String)>,
    /// Written since it was read from the request (or since the last ticket): the answer
    /// sets the cookie, or the next frame carries a ticket.
    dirty: bool,
    /// The forms' CSRF token and the id it is bound to (one per id: re-renders of a form
    /// send no new token).
    token: Option<(String, String)>,
}

/// The browser's signed cookie session, as [`use_cookie_session`](crate::live::use_cookie_session) returns it: read it in
/// page setup (the first paint already shows the browser's data) and in handlers; write it
/// in a form handler or page setup, and the answer sets the cookie. Cheap to clone.
///
/// Values are not reactive: a page copies what it shows into its own signals.
///
/// # Examples
///
/// ```
/// use vango::live::cookie::CookieSession;
/// let s = CookieSession::detached();
/// assert_eq!(s.get::<u32>("visits"), None);
/// s.set("visits", 3).unwrap();
/// assert_eq!(s.get::<u32>("visits"), Some(3));
/// let big = "x".repeat(5000);
/// let err = s.set("note", big.clone()).unwrap_err();
/// assert_eq!(err.value, big, "the value comes back");
/// s.remove("visits");
/// assert_eq!(s.get_str("visits"), None);
/// ```
#[derive(Clone)]
pub struct CookieSession(Rc<Jar>);

impl fmt::Debug for CookieSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.state.borrow();
        f.debug_struct("CookieSession")
            .field("values", &s.pairs.len())
            .field("dirty", &s.dirty)
            .finish_non_exhaustive()
    }
}

/// A write that would make the cookie larger than [`MAX_COOKIE_BYTES`]; the session is
/// unchanged and the value comes back.
///
/// # Examples
///
/// ```
/// use vango::live::cookie::CookieSession;
///
/// let s = CookieSession::detached();
/// let err = s.set("notes", "x".repeat(5000)).unwrap_err();
/// assert!(s.get_str("notes").is_none(), "the session is unchanged");
/// assert!(!err.to_string().is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieTooLarge {
    /// The key that was being set.
    pub key: String,
    /// The value that did not fit.
    pub value: String,
}

impl fmt::Display for CookieTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cookie session value {:?} ({} bytes) would exceed {MAX_COOKIE_BYTES} bytes",
            self.key,
            self.value.len()
        )
    }
}

impl std::error::Error for CookieTooLarge {}

impl CookieSession {
    /// A session belonging to no app and no browser: reads see what was written.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::cookie::CookieSession;
    ///
    /// // For unit tests of code that takes a session.
    /// let s = CookieSession::detached();
    /// s.set("theme", "dark").unwrap();
    /// assert_eq!(s.get_str("theme").as_deref(), Some("dark"));
    /// ```
    pub fn detached() -> CookieSession {
        CookieSession(Rc::new(Jar {
            keys: None,
            secure: false,
            state: RefCell::default(),
        }))
    }

    /// The value of `key` parsed as `T`; `None` when missing or unparsable.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::cookie::CookieSession;
    ///
    /// let s = CookieSession::detached();
    /// s.set("visits", 3).unwrap();
    /// assert_eq!(s.get::<u32>("visits"), Some(3));
    /// assert_eq!(s.get::<bool>("visits"), None, "unparsable");
    /// ```
    pub fn get<T: FromStr>(&self, key: &str) -> Option<T> {
        self.get_str(key)?.parse().ok()
    }

    /// The value of `key` as written.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/", || {
    ///     let name = use_cookie_session().get_str("name").unwrap_or_else(|| "stranger".into());
    ///     move || p(format!("Hello, {name}"))
    /// });
    /// assert_eq!(LiveTest::mount(&app, "/").text(), "Hello, stranger");
    /// ```
    pub fn get_str(&self, key: &str) -> Option<String> {
        let s = self.0.state.borrow();
        s.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    /// Sets `key` to `value` (its `Display` form). A session without an id gets one.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let lang = signal(use_cookie_session().get_str("lang").unwrap_or_else(|| "en".into()));
    ///     move || button(lang.get()).on_click(move |_| {
    ///         // From a live handler the cookie travels as a short-lived signed ticket.
    ///         if use_cookie_session().set("lang", "fr").is_ok() {
    ///             lang.set("fr".into());
    ///         }
    ///     })
    /// });
    /// t.find("button").click();
    /// assert_eq!(t.text(), "fr");
    /// ```
    pub fn set(&self, key: &str, value: impl ToString) -> Result<(), CookieTooLarge> {
        let value = value.to_string();
        let mut s = self.0.state.borrow_mut();
        let old = s.pairs.iter().position(|(k, _)| k == key);
        let previous = match old {
            Some(i) => Some(std::mem::replace(&mut s.pairs[i].1, value)),
            None => {
                s.pairs.push((key.to_owned(), value));
                None
            }
        };
        // Measured as it would be sent: escaping can triple a value.
        let fits = encode_query(s.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).len()
            + COOKIE_NAME.len()
            + 1
            + 128
            <= MAX_COOKIE_BYTES;
        if !fits {
            let value = match (old, previous) {
                (Some(i), Some(p)) => std::mem::replace(&mut s.pairs[i].1, p),
                _ => s.pairs.pop().map(|(_, v)| v).unwrap_or_default(),
            };
            return Err(CookieTooLarge {
                key: key.to_owned(),
                value,
            });
        }
        if s.id.is_empty() {
            s.id = new_id();
        }
        s.dirty = true;
        Ok(())
    }

    /// Removes `key` (a no-op when it is not set).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::cookie::CookieSession;
    ///
    /// let s = CookieSession::detached();
    /// s.set("user", "ada").unwrap();
    /// s.remove("user"); // signing out
    /// assert_eq!(s.get_str("user"), None);
    /// ```
    pub fn remove(&self, key: &str) {
        let mut s = self.0.state.borrow_mut();
        let before = s.pairs.len();
        s.pairs.retain(|(k, _)| k != key);
        if s.pairs.len() != before {
            s.dirty = true;
        }
    }

    /// The browser's session id (`""` before the first write): CSRF tokens are bound to it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::cookie::CookieSession;
    ///
    /// let s = CookieSession::detached();
    /// assert_eq!(s.id(), "", "no id before the first write");
    /// ```
    pub fn id(&self) -> String {
        self.0.state.borrow().id.clone()
    }

    /// Uses `token` (already checked for this browser) as the forms' CSRF token while the
    /// session id stays the same: the page's boot token, so that every render of a form
    /// (first paint, live mount) carries the same value.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::CookieKeys;
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([7; 32]), Duration::from_secs(60)));
    /// let s = keys.session(None, false);
    /// let boot = s.form_token().unwrap();
    /// let again = keys.session(None, false);
    /// again.set_form_token(boot.clone()); // the page's boot token, for every render of its forms
    /// assert_eq!(again.form_token(), Some(boot));
    /// ```
    pub fn set_form_token(&self, token: String) {
        let mut s = self.0.state.borrow_mut();
        s.token = Some((s.id.clone(), token));
    }

    /// A CSRF token for a form, bound to this session's id (`None` for a detached session).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::{CookieKeys, CookieSession};
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([7; 32]), Duration::from_secs(60)));
    /// let s = keys.session(None, false);
    /// let token = s.form_token().unwrap();
    /// assert_eq!(s.form_token(), Some(token.clone()), "stable while the id is");
    /// assert!(keys.check_form(&token, None));
    /// assert_eq!(CookieSession::detached().form_token(), None);
    /// ```
    pub fn form_token(&self) -> Option<String> {
        let keys = self.0.keys.as_ref()?;
        let mut s = self.0.state.borrow_mut();
        match &s.token {
            Some((id, t)) if *id == s.id => Some(t.clone()),
            _ => {
                let t = keys.csrf.token_for(&s.id).ok()?;
                s.token = Some((s.id.clone(), t.clone()));
                Some(t)
            }
        }
    }

    /// Whether a write since the request makes the answer set the cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::cookie::CookieSession;
    ///
    /// let s = CookieSession::detached();
    /// assert!(!s.is_dirty());
    /// s.set("a", 1).unwrap();
    /// assert!(s.is_dirty());
    /// ```
    pub fn is_dirty(&self) -> bool {
        self.0.state.borrow().dirty
    }

    /// The signed cookie value of the current contents (`None` for a detached session).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::{CookieKeys, CookieSession};
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([7; 32]), Duration::from_secs(60)));
    /// let s = keys.session(None, false);
    /// s.set("n", 5).unwrap();
    /// let value = s.cookie_value().unwrap();
    /// assert_eq!(keys.session(Some(&value), false).get::<u8>("n"), Some(5));
    /// assert_eq!(CookieSession::detached().cookie_value(), None);
    /// ```
    pub fn cookie_value(&self) -> Option<String> {
        let keys = self.0.keys.as_ref()?;
        let s = self.0.state.borrow();
        Some(keys.seal(&s.id, &s.pairs, now()))
    }

    /// The `Set-Cookie` header value when the session was written (and belongs to an app):
    /// `HttpOnly`, `SameSite=Lax`, `Path=/`, the max age, and `Secure` over HTTPS.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::CookieKeys;
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(86400)));
    /// let s = keys.session(None, true);
    /// assert_eq!(s.set_cookie_header(), None, "nothing written");
    /// s.set("a", 1).unwrap();
    /// let h = s.set_cookie_header().unwrap();
    /// assert!(h.starts_with("vango_session="));
    /// assert!(h.ends_with("; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax; Secure"), "{h}");
    /// ```
    pub fn set_cookie_header(&self) -> Option<String> {
        if !self.is_dirty() {
            return None;
        }
        let keys = self.0.keys.as_ref()?;
        Some(keys.header(&self.cookie_value()?, self.0.secure))
    }

    /// For a live session: a ticket for the writes since the last one (`None` without
    /// writes or for a detached session), which the client redeems at `/_vango/cookie`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use vango::live::cookie::CookieKeys;
    /// let keys = Arc::new(CookieKeys::new(&vango::server::SecretKey::from_bytes([7; 32]), Duration::from_secs(60)));
    /// let s = keys.session(None, false);
    /// assert_eq!(s.take_ticket(), None, "nothing written");
    /// s.set("lang", "fr").unwrap();
    /// let ticket = s.take_ticket().unwrap();
    /// let value = keys.redeem(&ticket, None).unwrap();
    /// assert_eq!(keys.session(Some(&value), false).get_str("lang").as_deref(), Some("fr"));
    /// ```
    pub fn take_ticket(&self) -> Option<String> {
        if !self.is_dirty() {
            return None;
        }
        let keys = self.0.keys.as_ref()?;
        let value = self.cookie_value()?;
        let mut s = self.0.state.borrow_mut();
        s.dirty = false;
        Some(keys.ticket(&s.from, &value, now()))
    }
}

fn new_id() -> String {
    let mut bytes = [0u8; ID_LEN / 2];
    // Without OS randomness the id is the clock: unique enough to bind CSRF tokens.
    if getrandom::fill(&mut bytes).is_err() {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = t.to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a trusted proxy's first `X-Forwarded-Proto` among `headers` says `https`.
///
/// # Examples
///
/// ```
/// use vango::live::cookie::forwarded_https;
/// let headers = [("X-Forwarded-Proto", "https, http")];
/// assert!(forwarded_https(headers, true));
/// assert!(!forwarded_https(headers, false), "an untrusted proxy says nothing");
/// assert!(!forwarded_https([("x-forwarded-proto", "http")], true));
/// ```
pub fn forwarded_https<'h>(
    headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    trust_proxy: bool,
) -> bool {
    trust_proxy
        && headers
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-forwarded-proto"))
            .is_some_and(|(_, v)| {
                let first = v.split(',').next().unwrap_or("").trim();
                first.eq_ignore_ascii_case("https")
            })
}

/// The `vango_session` cookie among request headers (the first one).
///
/// # Examples
///
/// ```
/// use vango::live::cookie::cookie_in;
/// let headers = [("Host", "x"), ("Cookie", "a=1; vango_session=abc.def; b=2")];
/// assert_eq!(cookie_in(headers), Some("abc.def"));
/// assert_eq!(cookie_in([("Cookie", "a=1")]), None);
/// ```
pub fn cookie_in<'h>(headers: impl IntoIterator<Item = (&'h str, &'h str)>) -> Option<&'h str> {
    headers
        .into_iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, v)| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.split_once('=')?;
            (k.trim() == COOKIE_NAME).then(|| v.trim())
        })
}

#[cfg(test)]
mod tests;
