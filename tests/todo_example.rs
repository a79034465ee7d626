//! The todo example (`examples/todo.rs`) on a SQLite file in a temp dir: add, toggle,
//! filter, delete and edit through `LiveTest`; two browsers see their own lists; the
//! no-JavaScript path (raw HTTP POST, 303, the list); the data survives a restart.

use std::net::SocketAddr;
use std::path::PathBuf;

use std::io::Write;
use vango::server::{RunningServer, SecretKey};
use vango::testing::LiveTest;
use vango_test_support::client::attr;

use vango_test_support::raw::{connect, read_response, roundtrip, Resp};

#[path = "../examples/todo.rs"]
#[allow(dead_code)]
mod todo;

/// A fresh database file for one test.
fn db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vango-todo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("todo.sqlite3")
}

/// Types `title` in the new-todo field and presses Enter, then lets the write and the
/// list's refetch finish.
fn add(t: &LiveTest, title: &str) {
    let field = t.find("#new-todo");
    field.input(title);
    field.keydown("Enter");
    t.settle();
}

/// The titles of the list's rows, in order (the selector language has no `:nth-child`).
fn titles(t: &LiveTest) -> Vec<String> {
    let html = t.html();
    let mut out = Vec::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find(r#"class="title""#) {
        let from = at + rest[at..].find('>').unwrap() + 1;
        let to = from + rest[from..].find('<').unwrap();
        out.push(rest[from..to].replace("&#39;", "'"));
        rest = &rest[to..];
    }
    assert_eq!(out.len(), t.count(".todo-list li"), "{html}");
    out
}

#[test]
fn the_first_paint_shows_the_list() {
    let path = db("ssr");
    let t = LiveTest::mount(&todo::app(&path), "/todos");
    add(&t, "Buy milk");
    // A new browser's first paint: the resource's data is in the HTML (not "Loading…").
    let fresh = LiveTest::mount(&todo::app(&path), "/todos");
    assert!(
        fresh.first_paint().contains("todo-list"),
        "{}",
        fresh.first_paint()
    );
    assert!(!fresh.first_paint().contains("Loading"));
    assert_eq!(fresh.title(), "Todos");
}

#[test]
fn add_toggle_filter_delete() {
    let t = LiveTest::mount(&todo::app(db("crud")), "/todos");
    t.settle();
    assert_eq!(t.count(".todo-list li"), 0);
    add(&t, "Buy milk");
    add(&t, "  Walk the dog ");
    assert_eq!(titles(&t), ["Buy milk", "Walk the dog"]);
    assert_eq!(t.find("#new-todo").attr("value").as_deref(), Some(""));

    t.find("#todo-1 button.toggle").click();
    t.settle();
    assert!(t.find("#todo-1").has_class("done"));
    assert_eq!(t.find("#todo-1 button.toggle").text(), "Undo");

    t.navigate("/todos?filter=active");
    t.settle();
    assert_eq!(titles(&t), ["Walk the dog"]);
    t.navigate("/todos?filter=done");
    t.settle();
    assert_eq!(titles(&t), ["Buy milk"]);
    t.navigate("/todos");
    t.settle();
    assert_eq!(titles(&t).len(), 2);

    t.find("#todo-1 button.destroy").click();
    t.settle();
    assert_eq!(titles(&t), ["Walk the dog"]);
}

#[test]
fn bad_titles_are_refused_with_a_message() {
    let t = LiveTest::mount(&todo::app(db("bad")), "/todos");
    t.settle();
    add(&t, "   ");
    assert_eq!(t.find("p.error").text(), "Write a title.");
    add(&t, &"x".repeat(todo::MAX_TITLE + 1));
    assert!(t.find("p.error").text().contains("at most"));
    assert_eq!(t.count(".todo-list li"), 0);
}

#[test]
fn edit_on_the_detail_page() {
    let t = LiveTest::mount(&todo::app(db("edit")), "/todos");
    add(&t, "Buy milk");
    t.find(".todo-list li a.title").click();
    t.settle();
    assert!(t.path().starts_with("/todos/"), "{}", t.path());
    assert_eq!(t.find("#title").text(), "Buy milk");
    t.find("#edit").submit(&[("title", "Buy oat milk")]);
    t.settle();
    assert_eq!(t.find("#title").text(), "Buy oat milk");
    t.find("#edit").submit(&[("title", "")]);
    t.settle();
    assert_eq!(t.find("p.error").text(), "Write a title.");
    t.navigate("/todos");
    t.settle();
    assert_eq!(titles(&t), ["Buy oat milk"]);
}

#[test]
fn unknown_ids_show_not_found() {
    let t = LiveTest::mount(&todo::app(db("unknown")), "/todos/12345");
    t.settle();
    assert_eq!(t.find("#not-found").text(), "Todo not found");
    let t = LiveTest::mount(&todo::app(db("unknown")), "/todos/abc");
    t.settle();
    // Not a number: the router's own 404 page.
    assert_eq!(t.status(), 404);
}

#[test]
fn two_browsers_see_their_own_todos() {
    let app = todo::app(db("owners"));
    let a = LiveTest::mount(&app, "/todos");
    let b = LiveTest::mount(&app, "/todos");
    add(&a, "A's secret");
    add(&b, "B's errand");
    assert_eq!(titles(&a), ["A's secret"]);
    assert_eq!(titles(&b), ["B's errand"]);
    // B asks for A's todo by id: not found, never its data.
    let href = a.find(".todo-list li a.title").attr("href").unwrap();
    b.navigate(&href);
    b.settle();
    assert_eq!(b.find("#not-found").text(), "Todo not found");
    assert!(!b.html().contains("secret"));
    // Nor can B toggle or delete it: B's own row forms, posted with A's id, change nothing.
    let id = href.rsplit('/').next().unwrap();
    b.navigate("/todos");
    b.settle();
    b.find("#todo-2 form.toggle-form").submit(&[("id", id)]);
    b.settle();
    b.find("#todo-2 form.delete-form").submit(&[("id", id)]);
    b.settle();
    a.navigate("/todos?filter=active");
    a.settle();
    assert_eq!(titles(&a), ["A's secret"]);
}

const KEY: [u8; 32] = [7; 32];

fn serve(path: &std::path::Path) -> RunningServer {
    todo::app(path)
        .secret_key(SecretKey::from_bytes(KEY))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap()
}

fn get(addr: SocketAddr, path: &str, cookie: &str) -> Resp {
    let raw = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

fn post(addr: SocketAddr, path: &str, cookie: &str, body: &str) -> Resp {
    let raw = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

fn html(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The CSRF token of the page's first form.
fn token(page: &str) -> String {
    let at = page.find(r#"name="_csrf""#).expect("a CSRF field");
    let open = page[..at].rfind('<').unwrap();
    attr(&page[open..], "value")
}

/// The cookie a response sets (`name=value`).
fn cookie_of(r: &Resp) -> String {
    r.header("set-cookie")
        .expect("a cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn without_javascript_post_redirect_get_and_a_restart_keeps_the_data() {
    let path = db("nojs");
    let srv = serve(&path);
    let a = srv.local_addr();
    let first = get(a, "/todos", "");
    assert_eq!(first.status, 200);
    let cookie = cookie_of(&first);
    let page = html(&first);
    let r = post(
        a,
        "/todos",
        &cookie,
        &format!("_csrf={}&title=Plain+HTML", token(&page)),
    );
    assert_eq!(r.status, 303, "{}", html(&r));
    assert_eq!(r.header("location"), Some("/todos"));
    let list = html(&get(a, "/todos", &cookie));
    assert!(list.contains(">Plain HTML</a>"), "{list}");
    // An empty title: the page again, with the message, status 422.
    let r = post(
        a,
        "/todos",
        &cookie,
        &format!("_csrf={}&title=", token(&list)),
    );
    assert_eq!(r.status, 422);
    assert!(html(&r).contains("Write a title."));
    // Another browser (no cookie) sees nothing of it.
    assert!(!html(&get(a, "/todos", "")).contains("Plain HTML"));
    srv.shutdown();

    // The same file, a new server: the browser's list is still there.
    let srv = serve(&path);
    let list = html(&get(srv.local_addr(), "/todos", &cookie));
    assert!(list.contains(">Plain HTML</a>"), "{list}");
    srv.shutdown();
}

#[test]
fn migrations_bring_an_old_file_up_and_refuse_a_newer_one() {
    let path = db("migrate");
    // A file as the first version of the app left it: the table, no index, version 1.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!(
            "{}; PRAGMA user_version = 1;",
            todo::MIGRATIONS[0]
        ))
        .unwrap();
        c.execute(
            "INSERT INTO todos (owner, title) VALUES ('someone', 'kept')",
            [],
        )
        .unwrap();
    }
    let db = todo::Db::open(&path).expect("an old file opens");
    drop(db);
    let c = rusqlite::Connection::open(&path).unwrap();
    let version: usize = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, todo::MIGRATIONS.len());
    let index: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'todos_owner'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(index, 1, "the second step ran");
    let kept: String = c
        .query_row("SELECT title FROM todos", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, "kept", "the rows survive the upgrade");
    // A file from a newer app is refused, not used.
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    let err = todo::Db::open(&path).err().expect("refused");
    assert!(err.contains("newer"), "{err}");
}

#[test]
fn a_locked_database_shows_an_error_and_loses_nothing() {
    let path = db("locked");
    let t = LiveTest::mount(&todo::app(&path), "/todos");
    t.settle();
    add(&t, "Before the lock");
    assert_eq!(titles(&t), ["Before the lock"]);
    // Another process holds the write lock past the app's busy timeout (2 s).
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let field = t.find("#new-todo");
    field.input("During the lock");
    field.keydown("Enter");
    t.run_for(std::time::Duration::from_secs(3));
    t.settle();
    let error = t.find("p.error").text();
    assert!(error.contains("locked"), "{error}");
    assert_eq!(titles(&t), ["Before the lock"]);
    other.execute_batch("COMMIT").unwrap();
    // The session keeps working once the lock is gone, and nothing was lost.
    add(&t, "After the lock");
    assert_eq!(titles(&t), ["Before the lock", "After the lock"]);
}

#[test]
fn a_ten_megabyte_title_is_refused_without_harm() {
    let path = db("huge");
    let srv = serve(&path);
    let a = srv.local_addr();
    let first = get(a, "/todos", "");
    let cookie = cookie_of(&first);
    let body = format!(
        "_csrf={}&title={}",
        token(&html(&first)),
        "x".repeat(10 << 20)
    );
    let head = format!(
        "POST /todos HTTP/1.1\r\nHost: {a}\r\nCookie: {cookie}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut s = connect(a);
    s.write_all(head.as_bytes()).unwrap();
    // The server answers from the length and closes: the body's write may fail midway,
    // as it would for a browser, which then reads the answer.
    let _ = s.write_all(body.as_bytes());
    let r = read_response(&mut s, &mut Vec::new(), false).expect("an answer");
    assert_eq!(r.status, 413, "{}", html(&r));
    // The server and the browser's list are fine.
    let list = get(a, "/todos", &cookie);
    assert_eq!(list.status, 200);
    assert!(!html(&list).contains("xxxxxxxx"));
    srv.shutdown();
}
