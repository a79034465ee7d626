//! [`PageRequest`]'s readers: path, query, fragment and URL, route parameters, headers,
//! cookies and the peer. Reads the request only.

use super::*;

impl PageRequest {
    /// The path as requested (percent-encoded), without the query.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/docs/*rest", || move || p(use_request().path().to_owned()));
    /// assert_eq!(LiveTest::mount(&app, "/docs/a%20b").text(), "/docs/a%20b");
    /// ```
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The raw query string (after `?`), or `""`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// assert_eq!(PageRequest::new("/", "q=a+b").raw_query(), "q=a+b");
    /// ```
    pub fn raw_query(&self) -> &str {
        self.url.query()
    }

    /// The URL's fragment (after `#`, not decoded), or `""`: a client-side route like
    /// `/active` for `#/active`. Browsers never send it over HTTP, so a page's first paint
    /// has none; the live session has the browser's from its first render on (the client
    /// says it in its Hello), and a change of only the fragment (a `#…` link,
    /// back/forward between such entries) updates it in place: renders that read it
    /// re-run, nothing remounts.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/", "").with_fragment("/active");
    /// assert_eq!(req.fragment(), "/active");
    /// assert_eq!(req.url(), "/", "url() is what a navigation loads: no fragment");
    /// ```
    pub fn fragment(&self) -> &str {
        self.url.fragment()
    }

    /// The path and query, as a URL to navigate to.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// assert_eq!(PageRequest::new("/a", "").url(), "/a");
    /// assert_eq!(PageRequest::new("/a", "x=1").url(), "/a?x=1");
    /// ```
    pub fn url(&self) -> String {
        let (path, query) = (self.url.path(), self.url.query());
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }

    /// The decoded query pairs (the app answers 400 for a malformed query before mounting,
    /// so this is empty only when there is none).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/search", "q=rust+web&tag=a&tag=b");
    /// let q = req.query();
    /// assert_eq!(q.get("q"), Some("rust web"));
    /// assert_eq!(q.get_all("tag").count(), 2);
    /// ```
    pub fn query(&self) -> Query<'_> {
        Query::parse(self.url.query()).unwrap_or_default()
    }

    /// The route parameter `name`, decoded.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/files/a/b", "").with_params(vec![("path".into(), "a/b".into())]);
    /// assert_eq!(req.param_str("path"), Some("a/b"));
    /// assert_eq!(req.param_str("id"), None);
    /// ```
    pub fn param_str(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The route parameter `name` parsed as `T`. A missing or unparsable parameter marks
    /// the mount as not found: the app then answers with its 404 page, whatever the page
    /// built (so `param(..).unwrap_or_default()` is a fine way to write a setup).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/orders/:id", || {
    ///     let id: u64 = use_request().param("id").unwrap_or_default();
    ///     move || p(format!("order {id}"))
    /// });
    /// assert_eq!(LiveTest::mount(&app, "/orders/12").text(), "order 12");
    /// // A value that does not parse answers the not-found page.
    /// assert_eq!(LiveTest::mount(&app, "/orders/twelve").status(), 404);
    /// ```
    pub fn param<T: FromStr>(&self, name: &str) -> Result<T, ParamError> {
        let Some(raw) = self.param_str(name) else {
            self.rejected.set(true);
            return Err(ParamError::Missing {
                name: name.to_owned(),
            });
        };
        raw.parse::<T>().map_err(|_| {
            self.rejected.set(true);
            ParamError::Invalid {
                name: name.to_owned(),
                value: raw.to_owned(),
                ty: std::any::type_name::<T>(),
            }
        })
    }

    /// Whether a [`param`](Self::param) call failed (the page is answered as not found).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/n/x", "").with_params(vec![("n".into(), "x".into())]);
    /// assert!(!req.param_rejected());
    /// assert!(req.param::<u8>("n").is_err());
    /// assert!(req.param_rejected());
    /// ```
    pub fn param_rejected(&self) -> bool {
        self.rejected.get()
    }

    /// The route parameters, in pattern order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/", "").with_params(vec![("org".into(), "acme".into()), ("repo".into(), "web".into())]);
    /// assert_eq!(req.params().collect::<Vec<_>>(), [("org", "acme"), ("repo", "web")]);
    /// ```
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.params.iter()
    }

    /// The first header called `name` (case-insensitive).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/", "").with_headers(vec![("User-Agent".into(), "curl/8".into())]);
    /// assert_eq!(req.header("user-agent"), Some("curl/8"));
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Every header, in request order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/", "").with_headers(vec![("A".into(), "1".into()), ("B".into(), "2".into())]);
    /// assert_eq!(req.headers().count(), 2);
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.headers.iter()
    }

    /// The cookie `name` (read-only: first occurrence).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/", || {
    ///     let seen = use_request().cookie("seen_intro").is_some();
    ///     move || p(if seen { "welcome back" } else { "first visit" })
    /// });
    /// assert_eq!(LiveTest::request("/").cookie("seen_intro", "1").mount(&app).text(), "welcome back");
    /// ```
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Every cookie, in header order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/", "").with_headers(vec![("Cookie".into(), "a=1; b=2".into())]);
    /// assert_eq!(req.cookies().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
    /// ```
    pub fn cookies(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.cookies.iter().map(|r| {
            (
                self.headers.slice(r[0], r[1]),
                self.headers.slice(r[2], r[3]),
            )
        })
    }

    /// The peer's address (the TCP peer: a proxy in front of the app when there is one).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// assert_eq!(PageRequest::new("/", "").peer(), None);
    /// ```
    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }
}
