//! One example per matching, checking and building rule of the route table, and the
//! messages a misconfigured table panics with at startup.

use vango::router::{
    EncodingError, Method, Methods, Miss, PathLimits, PatternError, RouteError, Router,
};

fn value(r: &Router<&'static str>, m: Method, path: &str) -> Result<&'static str, Miss> {
    r.at(m, path).map(|hit| *hit.value)
}

#[test]
fn static_beats_parameter_beats_catch_all() {
    let r = Router::new()
        .route(Method::Get, "/todos/*rest", "catch-all")
        .route(Method::Get, "/todos/:id", "param")
        .route(Method::Get, "/todos/new", "static");
    assert_eq!(value(&r, Method::Get, "/todos/new"), Ok("static"));
    assert_eq!(value(&r, Method::Get, "/todos/7"), Ok("param"));
    assert_eq!(value(&r, Method::Get, "/todos/7/edit"), Ok("catch-all"));
}

#[test]
fn a_failed_branch_backtracks_to_the_next() {
    let r = Router::new()
        .route(Method::Get, "/a/b/c", "static")
        .route(Method::Get, "/a/:x/d", "param")
        .route(Method::Get, "/a/*rest", "catch-all");
    assert_eq!(value(&r, Method::Get, "/a/b/c"), Ok("static"));
    assert_eq!(value(&r, Method::Get, "/a/b/d"), Ok("param"));
    let hit = r.at(Method::Get, "/a/b/e").unwrap();
    assert_eq!(
        (*hit.value, hit.params.get("rest")),
        ("catch-all", Some("b/e"))
    );
}

#[test]
fn methods_take_part_in_the_match() {
    let r = Router::new()
        .route(Method::Get, "/users/new", "form")
        .route(Method::Post | Method::Delete, "/users/:id", "update");
    // The static route does not take POST, so the parameter route does.
    assert_eq!(value(&r, Method::Post, "/users/new"), Ok("update"));
    assert_eq!(
        value(&r, Method::Put, "/users/new"),
        Err(Miss::MethodNotAllowed(
            Method::Get | Method::Head | Method::Post | Method::Delete
        ))
    );
    let miss = r.at(Method::Get, "/users/7").unwrap_err();
    assert_eq!(
        (miss.status(), miss.to_string().as_str()),
        (405, "method not allowed (allowed: POST, DELETE)")
    );
}

#[test]
fn head_is_served_by_get_unless_a_head_route_exists() {
    let r = Router::new()
        .route(Method::Get, "/a", "get a")
        .route(Method::Get, "/b", "get b")
        .route(Method::Head, "/b", "head b");
    assert_eq!(value(&r, Method::Head, "/a"), Ok("get a"));
    assert_eq!(value(&r, Method::Head, "/b"), Ok("head b"));
    assert_eq!(value(&r, Method::Get, "/b"), Ok("get b"));
    let post_only = Router::new().route(Method::Post, "/form", "");
    assert_eq!(
        value(&post_only, Method::Head, "/form"),
        Err(Miss::MethodNotAllowed(Method::Post.into()))
    );
}

#[test]
fn catch_all_takes_a_non_empty_rest() {
    let r = Router::new()
        .route(Method::Get, "/docs/*path", "docs")
        .route(Method::Get, "/*any", "any");
    let path = |p: &str| {
        r.at(Method::Get, p)
            .map(|h| (*h.value, h.params.get("path").map(str::to_owned)))
    };
    assert_eq!(path("/docs/a/b"), Ok(("docs", Some("a/b".into()))));
    assert_eq!(path("/docs/a/"), Ok(("docs", Some("a/".into()))));
    assert_eq!(path("/docs//x"), Ok(("docs", Some("/x".into()))));
    assert_eq!(path("/docs/a%2Fb%20c"), Ok(("docs", Some("a/b c".into()))));
    // `/docs` and `/docs/` fall through to the root catch-all, which never takes `/`.
    assert_eq!(path("/docs"), Ok(("any", None)));
    assert_eq!(path("/docs/"), Ok(("any", None)));
    assert_eq!(
        r.at(Method::Get, "/docs/").unwrap().params.get("any"),
        Some("docs/")
    );
    assert_eq!(path("/"), Err(Miss::NotFound));
}

#[test]
fn trailing_slash_does_not_match_and_names_a_redirect() {
    let r = Router::new()
        .route(Method::Get, "/", "home")
        .route(Method::Get, "/todos", "todos")
        .route(Method::Get, "/todos/:id", "todo");
    assert_eq!(value(&r, Method::Get, "/"), Ok("home"));
    assert_eq!(value(&r, Method::Get, "/todos/"), Err(Miss::NotFound));
    assert_eq!(value(&r, Method::Get, "/todos/1/"), Err(Miss::NotFound));
    assert_eq!(r.redirect_slash(Method::Get, "/todos/"), Some("/todos"));
    assert_eq!(r.redirect_slash(Method::Get, "/todos/1/"), Some("/todos/1"));
    assert_eq!(r.redirect_slash(Method::Get, "/todos"), None);
    assert_eq!(r.redirect_slash(Method::Get, "/nope/"), None);
    assert_eq!(r.redirect_slash(Method::Get, "/"), None);
    assert_eq!(r.redirect_slash(Method::Post, "/todos/"), None);
    // Empty segments match only a catch-all.
    assert_eq!(value(&r, Method::Get, "//"), Err(Miss::NotFound));
    assert_eq!(value(&r, Method::Get, "/todos//"), Err(Miss::NotFound));
}

#[test]
fn paths_are_checked_before_matching() {
    let limits = PathLimits {
        max_path_len: 10,
        max_segments: 3,
    };
    let r = Router::with_limits(limits).route(Method::Get, "/*rest", "all");
    assert_eq!(value(&r, Method::Get, "/123456789"), Ok("all"));
    assert_eq!(
        value(&r, Method::Get, "/1234567890"),
        Err(Miss::PathTooLong { len: 11, max: 10 })
    );
    assert_eq!(value(&r, Method::Get, "/a/b/c"), Ok("all"));
    assert_eq!(
        value(&r, Method::Get, "/a/b/c/"),
        Err(Miss::TooManySegments { count: 4, max: 3 })
    );
    assert_eq!(value(&r, Method::Get, ""), Err(Miss::NotFound));
    assert_eq!(value(&r, Method::Get, "a/b"), Err(Miss::NotFound));
    assert_eq!(value(&r, Method::Get, "*"), Err(Miss::NotFound));
    let bad = |p| r.at(Method::Get, p).unwrap_err();
    assert_eq!(
        bad("/a%2"),
        Miss::BadEncoding(EncodingError::BadEscape { at: 2 })
    );
    assert_eq!(bad("/%C3"), Miss::BadEncoding(EncodingError::NotUtf8));
    assert_eq!(bad("/%g0").status(), 400);
    let defaults = Router::new().route(Method::Get, "/*rest", ());
    let long = format!("/{}", "a".repeat(2047));
    assert!(defaults.at(Method::Get, &long).is_ok());
    assert_eq!(
        defaults
            .at(Method::Get, &format!("{long}b"))
            .unwrap_err()
            .status(),
        414
    );
    assert!(defaults.at(Method::Get, &"/a".repeat(32)).is_ok());
    assert!(matches!(
        defaults.at(Method::Get, &"/a".repeat(33)),
        Err(Miss::TooManySegments { .. })
    ));
}

#[test]
fn no_input_panics() {
    let r = Router::new()
        .route(Method::Get, "/", 0)
        .route(Method::Get, "/:a/:b", 1)
        .route(Method::Get, "/x/*rest", 2);
    let alphabet = ['/', '%', 'a', 'F', '0', 'é', '+', '?', '\0', '😀'];
    for seed in 0..20_000u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let path: String = (0..rng.usize(0..12))
            .map(|_| alphabet[rng.usize(..alphabet.len())])
            .collect();
        if let Ok(hit) = r.at(Method::Get, &path) {
            let values: Vec<_> = hit.params.iter().collect();
            assert!(
                values.iter().all(|(_, v)| !v.is_empty()),
                "seed {seed}: {path:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Building: conflicts and malformed patterns.

fn build_err(routes: &[(Methods, &str)]) -> RouteError {
    let mut r = Router::new();
    for &(m, p) in routes {
        if let Err(e) = r.insert(m, p, ()) {
            return e;
        }
    }
    panic!("{routes:?} built");
}

#[test]
fn conflicts_name_both_routes() {
    let get = Methods::from(Method::Get);
    let conflict = |route: &str, existing: &str| RouteError::Conflict {
        route: route.into(),
        existing: existing.into(),
    };
    assert_eq!(
        build_err(&[(get, "/todos/:id"), (get, "/todos/:name")]),
        conflict("GET /todos/:name", "GET /todos/:id")
    );
    assert_eq!(
        build_err(&[(get, "/about"), (get, "/about")]),
        conflict("GET /about", "GET /about")
    );
    assert_eq!(
        build_err(&[(get, "/docs/*a"), (Method::Get | Method::Post, "/docs/*b")]),
        conflict("GET, POST /docs/*b", "GET /docs/*a")
    );
    assert_eq!(
        build_err(&[(get, "/"), (Methods::ALL, "/")]),
        conflict(
            "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT, TRACE /",
            "GET /"
        )
    );
    // Disjoint methods at one shape coexist; a failed insert leaves the table unchanged.
    let mut r = Router::new()
        .route(Method::Get, "/todos/:id", "show")
        .route(Method::Post, "/todos/:todo", "update");
    assert!(r.insert(Method::Post, "/todos/:x", "again").is_err());
    r.insert(Method::Get, "/todos/:id/more/:x", "deeper")
        .unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(
        r.at(Method::Post, "/todos/5").unwrap().params.get("todo"),
        Some("5")
    );
    assert_eq!(
        r.at(Method::Get, "/todos/5").unwrap().params.get("id"),
        Some("5")
    );
}

#[test]
#[should_panic(expected = "route `GET /todos/:name` conflicts with `GET /todos/:id`")]
fn route_panics_at_startup_on_a_conflict() {
    let _ =
        Router::new()
            .route(Method::Get, "/todos/:id", ())
            .route(Method::Get, "/todos/:name", ());
}

#[test]
#[should_panic(expected = "bad route `GET todos`: a pattern starts with `/`")]
fn route_panics_at_startup_on_a_malformed_pattern() {
    let _ = Router::new().route(Method::Get, "todos", ());
}

#[test]
fn malformed_patterns_are_rejected() {
    let cases: &[(&str, PatternError)] = &[
        ("todos", PatternError::NoLeadingSlash),
        ("", PatternError::NoLeadingSlash),
        ("/todos/", PatternError::EmptySegment),
        ("/a//b", PatternError::EmptySegment),
        ("//", PatternError::EmptySegment),
        ("/todos/:", PatternError::EmptyName),
        ("/files/*", PatternError::EmptyName),
        ("/:a-b", PatternError::BadName("a-b".into())),
        ("/:é", PatternError::BadName("é".into())),
        ("/:id/x/:id", PatternError::DuplicateName("id".into())),
        ("/:id/*id", PatternError::DuplicateName("id".into())),
        ("/*path/edit", PatternError::CatchAllNotLast),
        ("/*a/*b", PatternError::CatchAllNotLast),
        ("/a%20b", PatternError::BadChar('%')),
        ("/a b", PatternError::BadChar(' ')),
        ("/café", PatternError::BadChar('é')),
        ("/a?b", PatternError::BadChar('?')),
        ("/a#b", PatternError::BadChar('#')),
        ("/:a/:b/:c/:d/:e/:f/:g/:h/*i", PatternError::TooManyParams),
        (&*"/a".repeat(33), PatternError::ExceedsLimits),
        (
            &*format!("/{}", "a".repeat(2048)),
            PatternError::ExceedsLimits,
        ),
    ];
    for (pattern, error) in cases {
        let got = Router::new().try_route(Method::Get, pattern, ()).err();
        let route = format!("GET {pattern}");
        assert_eq!(
            got,
            Some(RouteError::Pattern {
                route,
                error: error.clone()
            }),
            "{pattern}"
        );
    }
    let ok = [
        "/",
        "/:a/:b/:c/:d/:e/:f/:g/*h",
        "/a:b/c*d/v1.2/~x/@me/a+b",
        &"/a".repeat(32),
    ];
    for pattern in ok {
        assert!(
            Router::new().try_route(Method::Get, pattern, ()).is_ok(),
            "{pattern}"
        );
    }
    let none = Router::new()
        .try_route(Methods::NONE, "/", ())
        .err()
        .unwrap();
    assert_eq!(none.to_string(), "route `(no method) /` accepts no method");
}

#[test]
fn methods_parse_and_display() {
    for m in Methods::ALL.iter() {
        assert_eq!(m.as_str().parse::<Method>(), Ok(m));
        assert_eq!(m.to_string(), m.as_str());
    }
    assert_eq!(Methods::ALL.iter().count(), 9);
    assert!("get".parse::<Method>().is_err() && "".parse::<Method>().is_err());
    assert_eq!(Methods::NONE.to_string(), "");
    assert_eq!(
        format!("{:?}", Method::Post | Method::Get),
        "Methods(GET, POST)"
    );
}

#[test]
fn routes_lists_the_table() {
    let r = Router::new()
        .route(Method::Get, "/", 1)
        .route(Method::Post, "/x/:y", 2);
    let listed: Vec<_> = r.routes().map(|(m, p, v)| (m.to_string(), p, *v)).collect();
    assert_eq!(
        listed,
        [
            ("GET".to_string(), "/", 1),
            ("POST".to_string(), "/x/:y", 2)
        ]
    );
    assert_eq!(
        (r.len(), r.is_empty(), r.limits()),
        (2, false, PathLimits::default())
    );
    assert!(Router::<()>::default().is_empty());
}
