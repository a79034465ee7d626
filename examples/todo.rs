//! Run with: cargo run --example todo
//!
//! A to-do list stored in a SQLite file (`VANGO_TODO_DB`, default `todo.sqlite3` in the
//! working directory; WAL mode, schema migrations applied at startup). Each browser sees its own
//! todos: the owner is the id of its signed cookie session. `/` and `/todos` list them
//! (filter all/active/done in the query string), `/todos/:id` shows one with an edit
//! form. Queries run on the blocking pool (`unblock`), never on the core: the list is a
//! `resource` (so the first paint already shows it), adding, toggling and deleting are
//! `action`s. Every form is also a plain POST (post/redirect/get), so the app works
//! without JavaScript. A write reaches the other open tabs of the same browser: their
//! lists fetch again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};
use vango::live::form::{post_form, use_submission, Form, FormReply};
use vango::live::{resource_with, ResourceOptions};
use vango::prelude::*;

/// Write counters shared by every session, one per bucket of owners: a write bumps its
/// owner's bucket and the list pages of that bucket fetch again, so the other tabs of the
/// same browser follow. Fixed size (an owner that collides costs a spare fetch), so it
/// never grows with the number of browsers.
type Changes = GlobalSignal<[u64; BUCKETS]>;
const BUCKETS: usize = 64;

fn bucket(owner: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    owner.hash(&mut h);
    (h.finish() % BUCKETS as u64) as usize
}

fn bump(changes: Changes, owner: &str) {
    let b = bucket(owner);
    changes.update(|c| c[b] += 1);
}

/// The longest title accepted, in bytes.
pub const MAX_TITLE: usize = 500;

/// One todo row.
#[derive(Clone, Debug, PartialEq)]
pub struct Todo {
    /// Its row id.
    pub id: i64,
    /// What to do.
    pub title: String,
    /// Whether it is done.
    pub done: bool,
}

/// The database: one connection shared by every core, used only on the blocking pool
/// (live sessions) or in form handlers.
#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    /// Opens (creating) the file at `path`, in WAL mode, with the schema in place.
    pub fn open(path: &Path) -> Result<Db, String> {
        let sql = |e: rusqlite::Error| e.to_string();
        let conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(2))
            .map_err(sql)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        migrate(&conn)?;
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, String> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back.
        let conn = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn).map_err(|e| format!("database error: {e}"))
    }

    /// The owner's todos passing `filter` ("active", "done", anything else: all).
    pub fn list(&self, owner: &str, filter: &str) -> Result<Vec<Todo>, String> {
        let sql = match filter {
            "active" => {
                "SELECT id, title, done FROM todos WHERE owner = ?1 AND done = 0 ORDER BY id"
            }
            "done" => "SELECT id, title, done FROM todos WHERE owner = ?1 AND done = 1 ORDER BY id",
            _ => "SELECT id, title, done FROM todos WHERE owner = ?1 ORDER BY id",
        };
        self.with(|c| {
            let mut st = c.prepare_cached(sql)?;
            let rows = st.query_map([owner], row)?;
            rows.collect()
        })
    }

    /// One of the owner's todos (`None` for an unknown id or another owner's).
    pub fn get(&self, owner: &str, id: i64) -> Result<Option<Todo>, String> {
        self.with(|c| {
            c.query_row(
                "SELECT id, title, done FROM todos WHERE owner = ?1 AND id = ?2",
                params![owner, id],
                row,
            )
            .optional()
        })
    }

    /// Adds a todo (the title checked by [`check_title`]); its id.
    pub fn add(&self, owner: &str, title: &str) -> Result<i64, String> {
        let title = check_title(title)?;
        self.with(|c| {
            c.execute(
                "INSERT INTO todos (owner, title) VALUES (?1, ?2)",
                params![owner, title],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Flips a todo's done flag; whether the owner has it.
    pub fn toggle(&self, owner: &str, id: i64) -> Result<bool, String> {
        self.with(|c| {
            c.execute(
                "UPDATE todos SET done = 1 - done WHERE owner = ?1 AND id = ?2",
                params![owner, id],
            )
        })
        .map(|n| n == 1)
    }

    /// Deletes a todo; whether the owner had it.
    pub fn delete(&self, owner: &str, id: i64) -> Result<bool, String> {
        self.with(|c| {
            c.execute(
                "DELETE FROM todos WHERE owner = ?1 AND id = ?2",
                params![owner, id],
            )
        })
        .map(|n| n == 1)
    }

    /// Renames a todo; whether the owner has it.
    pub fn rename(&self, owner: &str, id: i64, title: &str) -> Result<bool, String> {
        let title = check_title(title)?;
        self.with(|c| {
            c.execute(
                "UPDATE todos SET title = ?3 WHERE owner = ?1 AND id = ?2",
                params![owner, id, title],
            )
        })
        .map(|n| n == 1)
    }
}

/// The schema's steps, in order; `PRAGMA user_version` counts those a file has had. A new
/// version of the app appends a step, never edits one, so every file ends at the same
/// schema whatever version created it. (Idempotent statements: files made before the
/// counter existed have the table with `user_version` 0.)
pub const MIGRATIONS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS todos (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner TEXT NOT NULL,
        title TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0
    )",
    "CREATE INDEX IF NOT EXISTS todos_owner ON todos(owner, id)",
];

/// Brings the file's schema up to [`MIGRATIONS`], each step in its own transaction with
/// its version bump, so a crash mid-way leaves a file the next start finishes. A file
/// from a newer version of the app is refused rather than used with a schema it does not
/// know.
pub fn migrate(conn: &Connection) -> Result<(), String> {
    let at: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if at > MIGRATIONS.len() {
        return Err(format!(
            "the database is at schema version {at}, newer than this app's {}",
            MIGRATIONS.len()
        ));
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(at) {
        conn.execute_batch(&format!(
            "BEGIN; {step}; PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))
        .map_err(|e| format!("schema step {}: {e}", i + 1))?;
    }
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Todo> {
    Ok(Todo {
        id: r.get(0)?,
        title: r.get(1)?,
        done: r.get(2)?,
    })
}

/// The trimmed title, or why it is refused (empty, longer than [`MAX_TITLE`] bytes).
pub fn check_title(title: &str) -> Result<&str, String> {
    let t = title.trim();
    if t.is_empty() {
        Err("Write a title.".into())
    } else if t.len() > MAX_TITLE {
        Err(format!("A title has at most {MAX_TITLE} bytes."))
    } else {
        Ok(t)
    }
}

/// This browser's owner id: its cookie session's id, given one on the first visit.
fn owner() -> String {
    let cs = use_cookie_session();
    if cs.id().is_empty() || cs.get_str("todo").is_none() {
        // A write gives the session its id; the page's answer stores the cookie.
        let _ = cs.set("todo", 1);
    }
    cs.id()
}

/// The list filter named in the query string.
fn filter() -> String {
    match use_request().query().get("filter") {
        Some(f @ ("active" | "done")) => f.to_owned(),
        _ => "all".to_owned(),
    }
}

fn hidden_id(id: i64) -> El {
    input()
        .attr("type", "hidden")
        .attr("name", "id")
        .attr("value", id.to_string())
}

/// The list page: the new-todo field, the filters, the rows.
fn list_page(db: Db, changes: Changes) -> impl Render {
    set_title("Todos");
    let owner = owner();
    let b = bucket(&owner);
    // Only this owner's bucket: writes of other browsers change nothing here.
    let mine = memo(move || changes.with(|c| c[b]));
    let draft = signal(String::new());
    let refused = use_submission().and_then(|s| s.error("title").map(str::to_owned));
    // Bumped by this page's writes: the list's source, so the resource fetches again
    // (other tabs follow through `mine`).
    let version = signal(0u64);
    // A refetch keeps showing the rows it has: no loading flash, and the keyed rows that
    // did not change stay as they are.
    let options = ResourceOptions {
        keep_previous: true,
        ..Default::default()
    };
    let list = resource_with(options, move || (filter(), version.get(), mine.get()), {
        let (db, owner) = (db.clone(), owner.clone());
        move |(f, _, _): (String, u64, u64)| {
            let (db, owner) = (db.clone(), owner.clone());
            unblock(move || db.list(&owner, &f))
        }
    });
    let write = {
        let (db, owner) = (db.clone(), owner.clone());
        move |op: Op| {
            let (db, owner) = (db.clone(), owner.clone());
            let owner2 = owner.clone();
            async move {
                let r = unblock(move || match op {
                    Op::Add(t) => db.add(&owner, &t).map(drop),
                    Op::Toggle(id) => db.toggle(&owner, id).map(drop),
                    Op::Delete(id) => db.delete(&owner, id).map(drop),
                })
                .await;
                if r.is_ok() {
                    version.update(|v| *v += 1);
                    bump(changes, &owner2);
                }
                r
            }
        }
    };
    let act = action(Policy::Queue, write);
    move || {
        let new_todo = input()
            .class("new-todo")
            .id("new-todo")
            .attr("name", "title")
            .attr("placeholder", "What needs to be done?")
            .attr("autofocus", "")
            .value(draft.get())
            .on_keydown_keys(&["Enter"], {
                let act = act.clone();
                move |e| {
                    act.dispatch(Op::Add(e.value().to_owned()));
                    draft.set(String::new());
                }
            })
            // With the client running, Enter is this handler's, not a form submit.
            .prevent_default()
            .on_input(move |e| draft.set(e.value().to_owned()));
        let error = match act.result() {
            Some(Err(e)) => Some(e),
            _ => refused.clone(),
        };
        let current = filter();
        let filters = ["all", "active", "done"].map(|f| {
            let href = match f {
                "all" => "/todos".to_owned(),
                f => format!("/todos?filter={f}"),
            };
            let l = link(href, f);
            if f == current {
                l.class("selected")
            } else {
                l
            }
        });
        let act = act.clone();
        let rows = list.view(
            || p("Loading…").class("loading"),
            move |todos| {
                let count = todos.len();
                (
                    ul(keyed(todos.clone(), |t| t.id, move |t| row_view(&act, t)))
                        .class("todo-list"),
                    span(format!("{count} shown")).class("count"),
                )
            },
            |e| p(e.to_owned()).class("error"),
        );
        div((
            h1("todos"),
            post_form("/todos", new_todo).id("new"),
            error.map(|e| p(e).class("error")),
            nav(Vec::from(filters)).class("filters"),
            rows,
        ))
        .class("todoapp")
    }
}

/// A write of the list page (`Clone`: an action keeps its pending inputs).
#[derive(Clone)]
enum Op {
    Add(String),
    Toggle(i64),
    Delete(i64),
}

/// One row: a toggle and a delete button (each a form for the no-JavaScript case; with
/// the client running, the click runs the action and the submit is prevented).
fn row_view(act: &Action<Op, ()>, t: Todo) -> El {
    let id = t.id;
    let toggle = {
        let act = act.clone();
        button(if t.done { "Undo" } else { "Done" })
            .class("toggle")
            .on_click(move |_| {
                act.dispatch(Op::Toggle(id));
            })
            .prevent_default()
    };
    let delete = {
        let act = act.clone();
        button("Delete")
            .class("destroy")
            .on_click(move |_| {
                act.dispatch(Op::Delete(id));
            })
            .prevent_default()
    };
    li((
        post_form("/todos/toggle", (hidden_id(id), toggle)).class("toggle-form"),
        link(format!("/todos/{id}"), t.title).class("title"),
        post_form("/todos/delete", (hidden_id(id), delete)).class("delete-form"),
    ))
    .class(if t.done { "done" } else { "active" })
    .id(format!("todo-{id}"))
}

/// The detail page: the todo with an edit form, or "not found" (also for another
/// browser's id).
fn detail_page(db: Db) -> impl Render {
    let owner = owner();
    let id: Option<i64> = use_request().param("id").ok();
    set_title(format!("Todo {}", id.unwrap_or_default()));
    let refused = use_submission().and_then(|s| s.error("title").map(str::to_owned));
    let todo = resource(
        || (),
        move |_| {
            let (db, owner) = (db.clone(), owner.clone());
            unblock(move || match id {
                Some(id) => db.get(&owner, id),
                None => Ok(None),
            })
        },
    );
    move || {
        let body = todo.view(
            || p("Loading…").class("loading").into_node(),
            |t| match t {
                None => h1("Todo not found").id("not-found").into_node(),
                Some(t) => div((
                    h1(t.title.clone()).id("title"),
                    p(if t.done { "Done" } else { "Active" }).id("state"),
                    post_form(
                        "/todos/edit",
                        (
                            hidden_id(t.id),
                            input()
                                .attr("name", "title")
                                .class("edit")
                                .attr("value", t.title.clone()),
                            button("Save"),
                        ),
                    )
                    .id("edit"),
                ))
                .into_node(),
            },
            |e| p(e.to_owned()).class("error").into_node(),
        );
        div((
            body,
            refused.clone().map(|e| p(e).class("error")),
            link("/todos", "Back to the list").id("back"),
        ))
    }
}

/// Where a form answers: back to the list, keeping its filter.
fn back(form: &Form) -> String {
    match form.get("filter") {
        Some(f @ ("active" | "done")) => format!("/todos?filter={f}"),
        _ => "/todos".into(),
    }
}

/// The app on the SQLite file at `db_path` (public for `tests/todo_example.rs`).
///
/// # Panics
///
/// When the database cannot be opened or its schema created.
pub fn app(db_path: impl AsRef<Path>) -> vango::App {
    let db = Db::open(db_path.as_ref())
        .unwrap_or_else(|e| panic!("opening {}: {e}", db_path.as_ref().display()));
    let (d1, d2, d3, d4, d5, d6, d7) = (
        db.clone(),
        db.clone(),
        db.clone(),
        db.clone(),
        db.clone(),
        db.clone(),
        db,
    );
    let app = vango::App::new();
    let changes: Changes = app.global([0; BUCKETS]);
    app.title("Todos")
        .page("/", move || list_page(d1.clone(), changes))
        .page("/todos", move || list_page(d2.clone(), changes))
        .page("/todos/:id", move || detail_page(d3.clone()))
        .form("/todos", move |f| {
            let title = f.get("title").unwrap_or("");
            let owner = owner();
            match d4.add(&owner, title) {
                Ok(_) => {
                    bump(changes, &owner);
                    FormReply::redirect(back(f))
                }
                Err(e) => f.invalid([("title", e.as_str())]),
            }
        })
        .form("/todos/toggle", move |f| {
            if let Some(id) = f.parse::<i64>("id") {
                let owner = owner();
                if d5.toggle(&owner, id) == Ok(true) {
                    bump(changes, &owner);
                }
            }
            FormReply::redirect(back(f))
        })
        .form("/todos/delete", move |f| {
            if let Some(id) = f.parse::<i64>("id") {
                let owner = owner();
                if d6.delete(&owner, id) == Ok(true) {
                    bump(changes, &owner);
                }
            }
            FormReply::redirect(back(f))
        })
        .form("/todos/edit", move |f| {
            let Some(id) = f.parse::<i64>("id") else {
                return FormReply::redirect("/todos");
            };
            let owner = owner();
            match d7.rename(&owner, id, f.get("title").unwrap_or("")) {
                Ok(_) => {
                    bump(changes, &owner);
                    FormReply::redirect(format!("/todos/{id}"))
                }
                Err(e) => f.invalid([("title", e.as_str())]),
            }
        })
}

/// The database file: `VANGO_TODO_DB`, else `todo.sqlite3` in the working directory.
pub fn db_path() -> PathBuf {
    std::env::var_os("VANGO_TODO_DB").map_or_else(|| "todo.sqlite3".into(), PathBuf::from)
}

fn main() -> std::io::Result<()> {
    app(db_path()).serve_env()
}
