//! The route matcher against a reference model (a list scan over patterns with the same
//! rules) on random tables and paths: matches, misses, conflicts and redirects agree.

use vango::router::{
    EncodingError, Method, Methods, Miss, PathLimits, PatternError, RouteError, Router,
};

// ---------------------------------------------------------------------------------------
// The reference model: patterns as segment lists, every route tried in turn.

#[derive(Clone, Debug, PartialEq)]
enum RSeg {
    Static(String),
    Param(String),
    Catch(String),
}

#[derive(Debug)]
struct RRoute {
    methods: Methods,
    pattern: String,
    segs: Vec<RSeg>,
    id: usize,
}

fn ref_parse(p: &str) -> Vec<RSeg> {
    if p == "/" {
        return Vec::new();
    }
    p[1..]
        .split('/')
        .map(|s| match s.as_bytes()[0] {
            b':' => RSeg::Param(s[1..].into()),
            b'*' => RSeg::Catch(s[1..].into()),
            _ => RSeg::Static(s.into()),
        })
        .collect()
}

/// Kind and static text per segment: what makes two patterns the same shape.
fn shape(segs: &[RSeg]) -> Vec<(u8, &str)> {
    segs.iter()
        .map(|s| match s {
            RSeg::Static(t) => (0, t.as_str()),
            RSeg::Param(_) => (1, ""),
            RSeg::Catch(_) => (2, ""),
        })
        .collect()
}

/// The segments of a path: none for `/`, else the pieces after the leading slash.
fn segments(path: &str) -> Vec<&str> {
    if path == "/" {
        Vec::new()
    } else {
        path[1..].split('/').collect()
    }
}

fn ref_decode(s: &str) -> Result<String, EncodingError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
            let h = hex.ok_or(EncodingError::BadEscape { at: i })?;
            out.push(u8::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| EncodingError::NotUtf8)
}

/// The raw captures if `r` matches the segments.
fn ref_captures(r: &RRoute, segs: &[&str]) -> Option<Vec<String>> {
    let mut caps = Vec::new();
    for (i, s) in r.segs.iter().enumerate() {
        match s {
            RSeg::Static(t) => (segs.get(i)? == t).then_some(())?,
            RSeg::Param(_) => caps.push(segs.get(i).filter(|s| !s.is_empty())?.to_string()),
            RSeg::Catch(_) => {
                let rest = segs.get(i..)?.join("/");
                return (!rest.is_empty()).then(|| [caps, vec![rest]].concat());
            }
        }
    }
    (segs.len() == r.segs.len()).then_some(caps)
}

/// Precedence key: per segment, static < parameter < catch-all, compared left to right.
fn rank(r: &RRoute) -> Vec<u8> {
    shape(&r.segs).into_iter().map(|(k, _)| k).collect()
}

type Outcome = Result<(usize, String, Vec<(String, String)>), Miss>;

fn ref_at(routes: &[RRoute], limits: PathLimits, m: Method, path: &str) -> Outcome {
    if path.len() > limits.max_path_len {
        let max = limits.max_path_len;
        return Err(Miss::PathTooLong {
            len: path.len(),
            max,
        });
    }
    let count = if path == "/" {
        0
    } else {
        path.matches('/').count()
    };
    if count > limits.max_segments {
        let max = limits.max_segments;
        return Err(Miss::TooManySegments { count, max });
    }
    if !path.starts_with('/') {
        return Err(Miss::NotFound);
    }
    ref_decode(path).map_err(Miss::BadEncoding)?;
    let segs = segments(path);
    let matching: Vec<(&RRoute, Vec<String>)> = routes
        .iter()
        .filter_map(|r| Some((r, ref_captures(r, &segs)?)))
        .collect();
    let accepts = |r: &RRoute| {
        r.methods.contains(m) || (m == Method::Head && r.methods.contains(Method::Get))
    };
    let best = matching
        .iter()
        .filter(|(r, _)| accepts(r))
        .min_by_key(|(r, _)| (rank(r), !r.methods.contains(m)));
    let Some((r, caps)) = best else {
        let mut allowed = matching
            .iter()
            .fold(Methods::NONE, |a, (r, _)| a | r.methods);
        if allowed.contains(Method::Get) {
            allowed = allowed | Method::Head;
        }
        return Err(if allowed.is_empty() {
            Miss::NotFound
        } else {
            Miss::MethodNotAllowed(allowed)
        });
    };
    let names = r.segs.iter().filter_map(|s| match s {
        RSeg::Param(n) | RSeg::Catch(n) => Some(n.clone()),
        RSeg::Static(_) => None,
    });
    let params = names
        .zip(caps.iter().map(|c| ref_decode(c).unwrap()))
        .collect();
    Ok((r.id, r.pattern.clone(), params))
}

fn ref_insert(routes: &[RRoute], limits: PathLimits, r: &RRoute) -> Result<(), RouteError> {
    let show = |methods: Methods, p: &str| format!("{methods} {p}");
    if r.pattern.len() > limits.max_path_len || r.segs.len() > limits.max_segments {
        let (route, error) = (show(r.methods, &r.pattern), PatternError::ExceedsLimits);
        return Err(RouteError::Pattern { route, error });
    }
    match routes
        .iter()
        .find(|e| shape(&e.segs) == shape(&r.segs) && e.methods.intersects(r.methods))
    {
        Some(e) => Err(RouteError::Conflict {
            route: show(r.methods, &r.pattern),
            existing: show(e.methods, &e.pattern),
        }),
        None => Ok(()),
    }
}

fn real_at(router: &Router<usize>, m: Method, path: &str) -> Outcome {
    let hit = router.at(m, path)?;
    let params = hit
        .params
        .iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    Ok((*hit.value, hit.pattern.into(), params))
}

// ---------------------------------------------------------------------------------------
// Random tables and paths.

const STATICS: [&str; 5] = ["a", "b", "ab", "todos", "new"];
/// Statics for wide tables: many children at one node (the matcher's binary search), and
/// long names sharing their first seven bytes (its summary keys collide).
const WIDE: [&str; 12] = [
    "settings",
    "settings1",
    "settings2",
    "settingsX",
    "settings/",
    "a",
    "new",
    "notifications",
    "notificationz",
    "s",
    "xxxxxxxxxxxxxxxxxxxx1",
    "xxxxxxxxxxxxxxxxxxxx2",
];

/// The static segments of a table: a few short ones, or (`wide`) many.
fn statics(wide: bool) -> Vec<String> {
    if !wide {
        return STATICS.iter().map(|s| s.to_string()).collect();
    }
    let mut all: Vec<String> = WIDE
        .iter()
        .filter(|s| !s.contains('/'))
        .map(|s| s.to_string())
        .collect();
    all.extend((0..30).map(|i| format!("p{i}")));
    all
}
const NAMES: [&str; 5] = ["id", "name", "x", "y", "rest"];
const METHODS: [Method; 5] = [
    Method::Get,
    Method::Head,
    Method::Post,
    Method::Delete,
    Method::Put,
];
const PATH_SEGS: [&str; 14] = [
    "a", "b", "ab", "todos", "new", "", "zz", "%61", "a%2Fb", "%C3%A9", "%zz", "%FF", "q+r",
    "x%20y",
];

fn random_pattern(rng: &mut fastrand::Rng, statics: &[String]) -> String {
    let n = rng.usize(0..=4);
    let mut names: Vec<&str> = NAMES.to_vec();
    rng.shuffle(&mut names);
    let mut p = String::new();
    for i in 0..n {
        p.push('/');
        match rng.u8(0..100) {
            0..=54 => p.push_str(&statics[rng.usize(..statics.len())]),
            55..=84 => p.push_str(&format!(":{}", names.pop().unwrap())),
            _ if i + 1 == n => p.push_str(&format!("*{}", names.pop().unwrap())),
            _ => p.push_str(&statics[rng.usize(..statics.len())]),
        }
    }
    if p.is_empty() {
        p.push('/');
    }
    p
}

fn random_methods(rng: &mut fastrand::Rng) -> Methods {
    let mut set = Methods::from(METHODS[rng.usize(..METHODS.len())]);
    while rng.bool() {
        set = set | METHODS[rng.usize(..METHODS.len())];
    }
    set
}

/// A path near the table: a pattern with its captures filled in, or random segments.
fn random_path(rng: &mut fastrand::Rng, routes: &[RRoute], wide: bool) -> String {
    let fill = |rng: &mut fastrand::Rng| match wide && rng.bool() {
        true => WIDE[rng.usize(..WIDE.len())].to_string(),
        false => PATH_SEGS[rng.usize(..PATH_SEGS.len())].to_string(),
    };
    let mut path = String::new();
    if !routes.is_empty() && rng.bool() {
        for s in &routes[rng.usize(..routes.len())].segs {
            path.push('/');
            match s {
                RSeg::Static(t) => path.push_str(t),
                RSeg::Param(_) => path.push_str(&fill(rng)),
                RSeg::Catch(_) => {
                    let parts: Vec<String> = (0..rng.usize(1..4)).map(|_| fill(rng)).collect();
                    path.push_str(&parts.join("/"));
                }
            }
        }
    } else {
        for _ in 0..rng.usize(0..6) {
            path.push('/');
            path.push_str(&fill(rng));
        }
    }
    match rng.u8(0..20) {
        0 => path.push('/'),
        1 => path = path.trim_start_matches('/').to_string(),
        _ => {}
    }
    if path.is_empty() {
        path.push('/');
    }
    path
}

#[test]
fn matches_the_reference_model_on_random_tables() {
    let mut conflicts = 0;
    let mut outcomes = [0usize; 6];
    for seed in 0..400u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let limits = if rng.u8(0..4) == 0 {
            PathLimits {
                max_path_len: rng.usize(8..24),
                max_segments: rng.usize(1..5),
            }
        } else {
            PathLimits::default()
        };
        let mut router = Router::with_limits(limits);
        let mut routes: Vec<RRoute> = Vec::new();
        let wide = seed % 4 == 3;
        let statics = statics(wide);
        for id in 0..rng.usize(1..if wide { 120 } else { 30 }) {
            let pattern = random_pattern(&mut rng, &statics);
            let r = RRoute {
                methods: random_methods(&mut rng),
                segs: ref_parse(&pattern),
                pattern,
                id,
            };
            let expected = ref_insert(&routes, limits, &r);
            let got = router.insert(r.methods, &r.pattern, id);
            assert_eq!(
                got, expected,
                "seed {seed}: inserting {} {}",
                r.methods, r.pattern
            );
            if got.is_ok() {
                routes.push(r);
            } else {
                conflicts += 1;
            }
        }
        assert_eq!(router.len(), routes.len(), "seed {seed}");
        for _ in 0..300 {
            let path = random_path(&mut rng, &routes, wide);
            let m = METHODS[rng.usize(..METHODS.len())];
            let expected = ref_at(&routes, limits, m, &path);
            assert_eq!(
                real_at(&router, m, &path),
                expected,
                "seed {seed}: {m} {path}\n{router:?}"
            );
            outcomes[match expected {
                Ok(_) => 0,
                Err(Miss::NotFound) => 1,
                Err(Miss::MethodNotAllowed(_)) => 2,
                Err(Miss::BadEncoding(_)) => 3,
                Err(_) => 4,
            }] += 1;
            let redirect = path
                .strip_suffix('/')
                .filter(|t| !t.is_empty() && expected.is_err())
                .filter(|t| ref_at(&routes, limits, m, t).is_ok());
            assert_eq!(
                router.redirect_slash(m, &path),
                redirect,
                "seed {seed}: {m} {path}"
            );
            outcomes[5] += redirect.is_some() as usize;
        }
    }
    // The generator must reach every outcome often, or the comparison proves little.
    assert!(conflicts > 500, "{conflicts} conflicts");
    assert!(
        outcomes.iter().all(|&n| n > 500),
        "found, 404, 405, 400, 414, redirect: {outcomes:?}"
    );
}
