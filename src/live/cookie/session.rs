//! [`CookieSession`]'s methods: reading and writing pairs (bounded by the cookie's size),
//! the forms' CSRF token, and the `Set-Cookie` header or ticket a write produces. Touches
//! only the jar and the keys of `cookie.rs`.

use super::*;

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
