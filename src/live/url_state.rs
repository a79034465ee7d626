//! Query-bound state: a value that lives in one query parameter of the page's URL, so a
//! reload restores it and the first paint renders it. Touches the session scope only.

use super::scope::{patch_query, use_request};

/// A value bound to the query parameter `key` of the current page's URL.
///
/// Reading it ([`get`](Self::get)) tracks like a signal: a render that reads it re-runs
/// when the query changes. Writing it from a handler ([`set`](Self::set)) changes the
/// URL in place with a history *replace* (no remount, no new history entry), so a reload
/// comes back to it and the server-rendered first paint already shows it. `Copy`. Like
/// [`use_request`] and [`patch_query`], reading or writing it outside a live session
/// panics with a message naming the fix.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// fn todos() -> impl Render {
///     let filter = url_state("filter");
///     move || {
///         div((
///             p(format!("showing {}", filter.get_or("all"))),
///             button("done").on_click(move |_| filter.set("done")),
///             button("all").on_click(move |_| filter.clear()),
///         ))
///     }
/// }
/// # let _ = todos;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlState {
    key: &'static str,
}

/// The value of query parameter `key` as state (see [`UrlState`]).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let app = vango::App::new().page("/", || {
///     let tab = url_state("tab");
///     move || button(tab.get_or("info")).on_click(move |_| tab.set("reviews"))
/// });
/// // A reload, or a shared link, comes back to the same tab.
/// assert_eq!(LiveTest::mount(&app, "/?tab=reviews").text(), "reviews");
/// ```
pub fn url_state(key: &'static str) -> UrlState {
    UrlState { key }
}

impl UrlState {
    /// The parameter's first value, decoded, if the URL has it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let q = url_state("q");
    ///     move || p(format!("{:?}", q.get()))
    /// });
    /// assert_eq!(t.text(), "None");
    /// ```
    #[track_caller]
    pub fn get(&self) -> Option<String> {
        use_request().query().get(self.key).map(str::to_owned)
    }

    /// The value, or `default` when the URL has none.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let sort = url_state("sort");
    ///     move || p(sort.get_or("name"))
    /// });
    /// assert_eq!(t.text(), "name");
    /// ```
    #[track_caller]
    pub fn get_or(&self, default: &str) -> String {
        self.get().unwrap_or_else(|| default.to_owned())
    }

    /// Sets the parameter (from a handler): the page re-renders, the URL is replaced.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let page = url_state("page");
    ///     move || button(page.get_or("1")).on_click(move |_| page.set("2"))
    /// });
    /// t.find("button").click();
    /// assert_eq!((t.url(), t.text()), ("/?page=2".to_string(), "2".to_string()));
    /// ```
    #[track_caller]
    pub fn set(&self, value: impl AsRef<str>) {
        patch_query(self.key, Some(value.as_ref()), true);
    }

    /// Removes the parameter (from a handler).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/", || {
    ///     let q = url_state("q");
    ///     move || button(q.get_or("-")).on_click(move |_| q.clear())
    /// });
    /// let t = LiveTest::mount(&app, "/?q=tea");
    /// t.find("button").click();
    /// assert_eq!(t.url(), "/");
    /// ```
    #[track_caller]
    pub fn clear(&self) {
        patch_query(self.key, None, true);
    }
}
