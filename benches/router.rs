//! Route matching micro-benches: a static match, a parameter match and a catch-all in a
//! small table, and a mix of paths over a 100-route table shaped like a real app.
//!
//! `cargo bench --bench router -- --warm-up-time 1 --measurement-time 3`
//!
//! The target: half the time of a Go router measured at 64 / 118 / 214 / 152 ns for the
//! same four cases.
//!
//! On a shared, overloaded machine wall-clock medians overstate the cost; with
//! `VANGO_BENCH_ONCPU=1` the same loops are timed by the thread's on-CPU time
//! (`/proc/thread-self/schedstat`), which excludes time spent preempted.

use criterion::{criterion_group, Criterion};
use std::hint::black_box;
use vango::router::{Method, Router};

/// A small site: what the first three cases match against.
fn small() -> Router<u32> {
    Router::new()
        .route(Method::Get, "/", 0)
        .route(Method::Get, "/about", 1)
        .route(Method::Get, "/users", 2)
        .route(Method::Get, "/users/new", 3)
        .route(Method::Get | Method::Post, "/users/:id", 4)
        .route(Method::Get, "/users/:id/posts", 5)
        .route(Method::Get, "/static/*filepath", 6)
}

/// 100 routes: pages, CRUD for 12 resources, a JSON API for 6 of them, assets.
fn hundred() -> Router<u32> {
    let mut r = Router::new();
    let mut n = 0;
    let mut add = |m: vango::router::Methods, p: &str| {
        r.insert(m, p, n).unwrap();
        n += 1;
    };
    let get = Method::Get.into();
    for p in [
        "/",
        "/about",
        "/pricing",
        "/login",
        "/logout",
        "/signup",
        "/blog",
        "/blog/:slug",
    ] {
        add(get, p);
    }
    add(get, "/static/*file");
    add(get, "/docs/*page");
    let resources = [
        "users", "teams", "projects", "tasks", "invoices", "orders", "products", "reports",
        "tickets", "events", "files", "settings",
    ];
    for res in resources {
        add(get | Method::Post, &format!("/{res}"));
        add(get, &format!("/{res}/new"));
        add(get | Method::Post | Method::Delete, &format!("/{res}/:id"));
        add(get, &format!("/{res}/:id/edit"));
        add(get, &format!("/{res}/:id/history"));
    }
    for res in &resources[..6] {
        add(get | Method::Post, &format!("/api/v1/{res}"));
        add(
            get | Method::Put | Method::Delete,
            &format!("/api/v1/{res}/:id"),
        );
        add(get, &format!("/api/v1/{res}/:id/comments"));
        add(get, &format!("/api/v1/{res}/:id/comments/:comment"));
        add(get, &format!("/api/v1/{res}/:id/export"));
    }
    assert_eq!(r.len(), 100);
    r
}

/// A bench case: its name and one lookup.
type Case = (&'static str, Box<dyn FnMut() -> Option<usize>>);

/// The four cases: a name and one lookup each (the mixed case cycles through its paths).
fn cases() -> Vec<Case> {
    let r = small();
    let r2 = small();
    let r3 = small();
    let big = hundred();
    let paths = [
        "/",
        "/pricing",
        "/blog/hello-world",
        "/projects",
        "/projects/new",
        "/invoices/981",
        "/tickets/55/edit",
        "/api/v1/tasks/77/comments/9",
        "/api/v1/orders/31",
        "/static/js/app.js",
        "/settings/3/history",
        "/nope",
    ];
    let mut i = 0;
    vec![
        (
            "static /users/new",
            Box::new(move || {
                Some(*r.at(Method::Get, black_box("/users/new")).ok()?.value as usize)
            }),
        ),
        (
            "param /users/:id",
            Box::new(move || {
                let hit = r2.at(Method::Get, black_box("/users/12345")).ok()?;
                hit.params.get("id").map(str::len)
            }),
        ),
        (
            "catch-all /static/*filepath",
            Box::new(move || {
                let hit = r3
                    .at(Method::Get, black_box("/static/css/app/main.min.css"))
                    .ok()?;
                hit.params.get("filepath").map(str::len)
            }),
        ),
        (
            "100 routes, mixed paths",
            Box::new(move || {
                i = (i + 1) % paths.len();
                big.at(Method::Get, black_box(paths[i]))
                    .ok()
                    .map(|hit| hit.params.len())
            }),
        ),
    ]
}

fn benches(c: &mut Criterion) {
    for (name, mut f) in cases() {
        c.bench_function(name, |b| b.iter(&mut f));
    }
}

criterion_group!(router, benches);

/// Nanoseconds this thread has spent on a CPU.
fn on_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() {
    if std::env::var_os("VANGO_BENCH_ONCPU").is_none() {
        router();
        Criterion::default().configure_from_args().final_summary();
        return;
    }
    let iters: u64 = std::env::var("VANGO_BENCH_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000_000);
    for (name, mut f) in cases() {
        // Median over 7 rounds of the on-CPU time per call.
        let mut rounds = Vec::new();
        for _ in 0..7 {
            let t0 = on_cpu_ns().expect("/proc/thread-self/schedstat");
            for _ in 0..iters {
                black_box(f());
            }
            rounds.push((on_cpu_ns().unwrap() - t0) as f64 / iters as f64);
        }
        rounds.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{name:<32} on-CPU median {:>6.1} ns  (min {:.1})",
            rounds[3], rounds[0]
        );
    }
}
