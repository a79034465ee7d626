//! The route table: a segment trie, validated at startup; touches only its own routes.
//!
//! Matched per request without allocating (unless a captured value has `%` escapes).

use std::fmt;

use super::decode::{check, has_percent, word4, word8};
use super::exact::Exact;
use super::params::Params;
use super::pattern::{parse, show, RouteError, Seg, MAX_PARAMS};
use super::{Matched, Method, Methods, Miss, PathLimits};

/// A route table: patterns, the methods each accepts, and a value per route (the app
/// stores page constructors).
///
/// See the [module documentation](super) for the pattern syntax and the matching rules.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, Miss, Router};
///
/// let r = Router::new()
///     .route(Method::Get, "/", "home")
///     .route(Method::Get | Method::Post, "/todos", "todos")
///     .route(Method::Get, "/todos/new", "new todo")
///     .route(Method::Get, "/todos/:id", "one todo")
///     .route(Method::Get, "/docs/*path", "docs");
///
/// let m = r.at(Method::Get, "/todos/7").unwrap();
/// assert_eq!((*m.value, m.pattern, m.params.get("id")), ("one todo", "/todos/:id", Some("7")));
/// assert_eq!(*r.at(Method::Get, "/todos/new").unwrap().value, "new todo");
/// assert_eq!(r.at(Method::Get, "/docs/a/b").unwrap().params.get("path"), Some("a/b"));
/// assert_eq!(r.at(Method::Head, "/").unwrap().value, &"home");
///
/// assert_eq!(r.at(Method::Get, "/nope").unwrap_err(), Miss::NotFound);
/// let miss = r.at(Method::Delete, "/todos").unwrap_err();
/// assert_eq!(miss.status(), 405);
/// assert_eq!(miss, Miss::MethodNotAllowed(Method::Get | Method::Head | Method::Post));
/// assert_eq!(r.redirect_slash(Method::Get, "/todos/"), Some("/todos"));
/// ```
pub struct Router<T> {
    /// `nodes[0]` is the root; children are indices.
    nodes: Vec<Node>,
    routes: Vec<Route<T>>,
    /// Fully static patterns by whole path, tried before the trie.
    exact: Exact,
    limits: PathLimits,
}

struct Route<T> {
    methods: Methods,
    pattern: Box<str>,
    names: Box<[Box<str>]>,
    value: T,
}

#[derive(Default)]
struct Node {
    /// Static children: `keys[i]` is [`key`] of `statics[i].0`; sorted by key, so that
    /// a lookup is a scan (or a binary search) over integers, then one comparison.
    keys: Vec<u64>,
    statics: Vec<(Box<str>, u32)>,
    param: Option<u32>,
    /// Routes whose pattern ends in a catch-all here.
    catch_all: Endpoint,
    /// Routes whose pattern ends here.
    end: Endpoint,
}

/// Routes of one shape, with their methods (disjoint sets).
#[derive(Default)]
struct Endpoint {
    methods: Methods,
    routes: Vec<(Methods, u32)>,
}

/// Captured spans during the search.
struct Caps {
    spans: [(u32, u32); MAX_PARAMS],
    len: usize,
}

impl Caps {
    fn push(&mut self, start: usize, end: usize) {
        if let Some(s) = self.spans.get_mut(self.len) {
            *s = (start as u32, end as u32);
        }
        self.len += 1;
    }
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Router<T> {
    /// An empty table with the default [`PathLimits`].
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Router;
    /// let r: Router<&str> = Router::new();
    /// assert!(r.is_empty());
    /// assert_eq!(r.limits().max_segments, 32);
    /// ```
    pub fn new() -> Self {
        Self::with_limits(PathLimits::default())
    }

    /// An empty table with these limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Miss, PathLimits, Router};
    /// let limits = PathLimits { max_path_len: 8, ..PathLimits::default() };
    /// let r = Router::with_limits(limits).route(Method::Get, "/a", ());
    /// let miss = r.at(Method::Get, "/aaaaaaaaa").unwrap_err();
    /// assert_eq!(miss, Miss::PathTooLong { len: 10, max: 8 });
    /// ```
    pub fn with_limits(limits: PathLimits) -> Self {
        Router {
            nodes: vec![Node::default()],
            routes: Vec::new(),
            exact: Exact::default(),
            limits,
        }
    }

    /// Adds a route.
    ///
    /// # Panics
    ///
    /// On a malformed pattern or a conflict, with the [`RouteError`] message (naming both
    /// routes for a conflict): route tables are built at startup.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    /// let r = Router::new()
    ///     .route(Method::Get, "/users/:id", "show user")
    ///     .route(Method::Delete, "/users/:id", "delete user");
    /// assert_eq!(*r.at(Method::Delete, "/users/4").unwrap().value, "delete user");
    /// ```
    #[track_caller]
    pub fn route(mut self, methods: impl Into<Methods>, pattern: &str, value: T) -> Self {
        if let Err(e) = self.insert(methods, pattern, value) {
            panic!("{e}");
        }
        self
    }

    /// Adds a route, or returns why it cannot be added.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, RouteError, Router};
    /// let r = Router::new().route(Method::Get, "/a/:id", 1);
    /// let clash = r.try_route(Method::Get, "/a/:slug", 2);
    /// assert!(matches!(clash, Err(RouteError::Conflict { .. })));
    /// ```
    pub fn try_route(
        mut self,
        methods: impl Into<Methods>,
        pattern: &str,
        value: T,
    ) -> Result<Self, RouteError> {
        self.insert(methods, pattern, value)?;
        Ok(self)
    }

    /// Adds a route in place, or returns why it cannot be added (the table is unchanged).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Methods, RouteError, Router};
    /// let mut r = Router::new();
    /// r.insert(Method::Get, "/health", "ok").unwrap();
    /// let none = r.insert(Methods::NONE, "/x", "never");
    /// assert!(matches!(none, Err(RouteError::NoMethods { .. })));
    /// assert_eq!(r.len(), 1, "a refused route leaves the table unchanged");
    /// ```
    pub fn insert(
        &mut self,
        methods: impl Into<Methods>,
        pattern: &str,
        value: T,
    ) -> Result<(), RouteError> {
        let methods = methods.into();
        let route = || show(methods, pattern);
        if methods.is_empty() {
            return Err(RouteError::NoMethods { route: route() });
        }
        let parsed = parse(pattern, &self.limits).map_err(|error| RouteError::Pattern {
            route: route(),
            error,
        })?;
        // Check for a conflict before creating nodes, so an error leaves no trace.
        if let Some(existing) = self.find_endpoint(&parsed.segs).and_then(|e| {
            e.routes
                .iter()
                .map(|&(_, r)| &self.routes[r as usize])
                .find(|r| r.methods.intersects(methods))
        }) {
            return Err(RouteError::Conflict {
                route: route(),
                existing: show(existing.methods, &existing.pattern),
            });
        }
        let mut node = 0;
        for seg in &parsed.segs {
            node = match seg {
                Seg::Static(s) => match self.nodes[node].static_child(s) {
                    Some(child) => child as usize,
                    None => {
                        let child = self.new_node() as u32;
                        let n = &mut self.nodes[node];
                        let k = key(s);
                        let at = n.keys.partition_point(|&x| x <= k);
                        n.keys.insert(at, k);
                        n.statics.insert(at, (s.clone(), child));
                        child as usize
                    }
                },
                Seg::Param => match self.nodes[node].param {
                    Some(p) => p as usize,
                    None => {
                        let child = self.new_node();
                        self.nodes[node].param = Some(child as u32);
                        child
                    }
                },
                Seg::CatchAll => break,
            };
        }
        if parsed.segs.iter().all(|s| matches!(s, Seg::Static(_))) {
            self.exact.insert(pattern, node as u32);
        }
        let id = self.routes.len() as u32;
        let n = &mut self.nodes[node];
        let e = if parsed.segs.last() == Some(&Seg::CatchAll) {
            &mut n.catch_all
        } else {
            &mut n.end
        };
        e.methods = e.methods | methods;
        e.routes.push((methods, id));
        self.routes.push(Route {
            methods,
            pattern: pattern.into(),
            names: parsed.names,
            value,
        });
        Ok(())
    }

    fn new_node(&mut self) -> usize {
        self.nodes.push(Node::default());
        self.nodes.len() - 1
    }

    /// The endpoint a pattern of this shape ends at, if its nodes exist.
    fn find_endpoint(&self, segs: &[Seg]) -> Option<&Endpoint> {
        let mut node = &self.nodes[0];
        for seg in segs {
            node = match seg {
                Seg::Static(s) => &self.nodes[node.static_child(s)? as usize],
                Seg::Param => &self.nodes[node.param? as usize],
                Seg::CatchAll => return Some(&node.catch_all),
            };
        }
        Some(&node.end)
    }

    /// The route for `method` and `path` (the path only: no query string), or why there is
    /// none. Allocates nothing unless a captured value has `%` escapes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    /// let r = Router::new().route(Method::Get, "/posts/:year/:slug", "post");
    /// let m = r.at(Method::Get, "/posts/2026/hello%20world").unwrap();
    /// assert_eq!(m.params.get("year"), Some("2026"));
    /// assert_eq!(m.params.get("slug"), Some("hello world"));
    /// ```
    pub fn at<'r, 'p>(&'r self, method: Method, path: &'p str) -> Result<Matched<'r, 'p, T>, Miss> {
        // A static pattern equal to the path passes every check below (patterns are
        // checked at startup); only the length is checked first, so a huge path is not
        // hashed.
        let exact = (path.len() <= self.limits.max_path_len)
            .then(|| self.exact.get(path))
            .flatten();
        if let Some(node) = exact {
            if let Some(id) = self.nodes[node as usize].end.pick(method) {
                let route = &self.routes[id as usize];
                return Ok(Matched {
                    value: &route.value,
                    params: Params::new(&route.names, path, [(0, 0); MAX_PARAMS], false),
                    pattern: &route.pattern,
                });
            }
        }
        let escaped = self.check(path)?;
        let mut caps = Caps {
            spans: [(0, 0); MAX_PARAMS],
            len: 0,
        };
        let Some(id) = self.search(&self.nodes[0], path, first(path), method, &mut caps) else {
            let mut allowed = Methods::NONE;
            self.allowed(&self.nodes[0], path, first(path), &mut allowed);
            return Err(if allowed.is_empty() {
                Miss::NotFound
            } else {
                Miss::MethodNotAllowed(allowed.with_implied_head())
            });
        };
        let route = &self.routes[id as usize];
        Ok(Matched {
            value: &route.value,
            params: Params::new(&route.names, path, caps.spans, escaped),
            pattern: &route.pattern,
        })
    }

    /// For a path with a trailing slash that matches nothing for `method`, the path without
    /// that slash when it does match: the app redirects there (308). `/todos/` never
    /// matches `/todos` itself, so each page has one URL.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    /// let r = Router::new().route(Method::Get, "/about", ());
    /// assert_eq!(r.redirect_slash(Method::Get, "/about/"), Some("/about"));
    /// assert_eq!(r.redirect_slash(Method::Get, "/about"), None);
    /// ```
    pub fn redirect_slash<'p>(&self, method: Method, path: &'p str) -> Option<&'p str> {
        let trimmed = path.strip_suffix('/').filter(|t| !t.is_empty())?;
        if self.at(method, path).is_ok() {
            return None;
        }
        self.at(method, trimmed).is_ok().then_some(trimmed)
    }

    /// The routes in insertion order: `(methods, pattern, value)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    /// let r = Router::new().route(Method::Get, "/", 1).route(Method::Post, "/x", 2);
    /// let patterns: Vec<&str> = r.routes().map(|(_, p, _)| p).collect();
    /// assert_eq!(patterns, ["/", "/x"]);
    /// ```
    pub fn routes(&self) -> impl Iterator<Item = (Methods, &str, &T)> + '_ {
        self.routes
            .iter()
            .map(|r| (r.methods, &*r.pattern, &r.value))
    }

    /// How many routes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    /// let r = Router::new().route(Method::Get, "/", ()).route(Method::Get, "/b", ());
    /// assert_eq!(r.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether there are no routes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    /// assert!(Router::<()>::new().is_empty());
    /// assert!(!Router::new().route(Method::Get, "/", ()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// The limits paths are checked against.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{PathLimits, Router};
    /// let limits = PathLimits { max_segments: 4, ..PathLimits::default() };
    /// assert_eq!(Router::<()>::with_limits(limits).limits(), limits);
    /// ```
    pub fn limits(&self) -> PathLimits {
        self.limits
    }

    /// Checks the limits, the leading slash and the encoding, in that order; returns
    /// whether the path has a `%`.
    fn check(&self, path: &str) -> Result<bool, Miss> {
        let max = self.limits.max_path_len;
        if path.len() > max {
            return Err(Miss::PathTooLong {
                len: path.len(),
                max,
            });
        }
        // Segments are the pieces after the leading slash: one per slash, none for `/`. A
        // path no longer than the limit cannot have more, so most paths skip the count.
        if path.len() > self.limits.max_segments {
            let count = match path {
                "/" => 0,
                _ => path.bytes().filter(|&c| c == b'/').count(),
            };
            if count > self.limits.max_segments {
                return Err(Miss::TooManySegments {
                    count,
                    max: self.limits.max_segments,
                });
            }
        }
        if !path.starts_with('/') {
            return Err(Miss::NotFound);
        }
        let escaped = has_percent(path);
        if escaped {
            check(path).map_err(Miss::BadEncoding)?;
        }
        Ok(escaped)
    }

    /// Depth-first search in precedence order (static, parameter, catch-all), backtracking
    /// on failure. Each node sits at one depth, so each is visited at most once.
    fn search(
        &self,
        node: &Node,
        path: &str,
        pos: Option<usize>,
        m: Method,
        caps: &mut Caps,
    ) -> Option<u32> {
        let Some(start) = pos else {
            return node.end.pick(m);
        };
        let rest = &path[start..];
        let (seg, next) = split(rest, start);
        if let Some(child) = node.static_child(seg) {
            if let Some(r) = self.search(&self.nodes[child as usize], path, next, m, caps) {
                return Some(r);
            }
        }
        if let (Some(child), false) = (node.param, seg.is_empty()) {
            let mark = caps.len;
            caps.push(start, start + seg.len());
            if let Some(r) = self.search(&self.nodes[child as usize], path, next, m, caps) {
                return Some(r);
            }
            caps.len = mark;
        }
        if rest.is_empty() {
            return None;
        }
        let r = node.catch_all.pick(m)?;
        caps.push(start, path.len());
        Some(r)
    }

    /// The union of the methods of every route matching the path.
    fn allowed(&self, node: &Node, path: &str, pos: Option<usize>, out: &mut Methods) {
        let Some(start) = pos else {
            *out = *out | node.end.methods;
            return;
        };
        let rest = &path[start..];
        let (seg, next) = split(rest, start);
        if let Some(child) = node.static_child(seg) {
            self.allowed(&self.nodes[child as usize], path, next, out);
        }
        if let (Some(child), false) = (node.param, seg.is_empty()) {
            self.allowed(&self.nodes[child as usize], path, next, out);
        }
        if !rest.is_empty() {
            *out = *out | node.catch_all.methods;
        }
    }
}

impl Endpoint {
    /// The route accepting `m`: an exact method first, else `GET` for `HEAD`.
    fn pick(&self, m: Method) -> Option<u32> {
        let want = if self.methods.contains(m) {
            m
        } else if m == Method::Head && self.methods.contains(Method::Get) {
            Method::Get
        } else {
            return None;
        };
        self.routes
            .iter()
            .find(|(methods, _)| methods.contains(want))
            .map(|&(_, r)| r)
    }
}

impl Node {
    fn static_child(&self, seg: &str) -> Option<u32> {
        let k = key(seg);
        let from = if self.keys.len() <= 16 {
            self.keys.iter().position(|&x| x == k)?
        } else {
            self.keys.partition_point(|&x| x < k)
        };
        for (i, &x) in self.keys.iter().enumerate().skip(from) {
            if x != k {
                break;
            }
            let (s, child) = &self.statics[i];
            if seg.len() < 8 || s.as_bytes()[7..] == seg.as_bytes()[7..] {
                return Some(*child);
            }
        }
        None
    }
}

/// A segment's first seven bytes and its length (capped at 255) in one integer: equal keys
/// mean equal segments when shorter than eight bytes, and equal first seven bytes and
/// length otherwise.
fn key(seg: &str) -> u64 {
    let b = seg.as_bytes();
    let n = b.len();
    // Overlapping loads put each byte at its place; where they overlap the bytes agree.
    let bytes = match n {
        8.. => word8(b) & ((1 << 56) - 1),
        4..=7 => word4(b) | word4(&b[n - 4..]) << (8 * (n - 4)),
        1..=3 => {
            (b[0] as u64) | (b[n / 2] as u64) << (8 * (n / 2)) | (b[n - 1] as u64) << (8 * (n - 1))
        }
        0 => 0,
    };
    bytes | (n.min(255) as u64) << 56
}

/// Where the first segment starts: `None` for `/`, which has no segments. `path` starts
/// with `/` (checked first).
fn first(path: &str) -> Option<usize> {
    (path.len() > 1).then_some(1)
}

/// The segment at the start of `rest` (which starts at byte `start` of the path), and where
/// the next one starts, if any.
fn split(rest: &str, start: usize) -> (&str, Option<usize>) {
    match rest.as_bytes().iter().position(|&c| c == b'/') {
        Some(i) => (&rest[..i], Some(start + i + 1)),
        None => (rest, None),
    }
}

impl<T: fmt::Debug> fmt::Debug for Router<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.routes
                    .iter()
                    .map(|r| (show(r.methods, &r.pattern), &r.value)),
            )
            .finish()
    }
}
