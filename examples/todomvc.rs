//! Run with: cargo run --example todomvc
//!
//! TodoMVC, as the app specification of todomvc.com describes it, on the template's DOM
//! (`section.todoapp`, `input.new-todo`, `ul.todo-list`, `footer.footer`...) with a
//! stylesheet in the look of todomvc-app-css (`todomvc.css`, served as an asset), and no
//! JavaScript of its own: keys, focus and the filter all go through the framework's client.
//!
//! The filter is the URL's fragment (`#/`, `#/active`, `#/completed`): the links are plain
//! `#…` links, the browser keeps the history, and the client tells the server its
//! fragment (`PageRequest::fragment`) in its Hello and on every change, so a reload or the
//! back button comes back to the same filter as soon as the socket is up.
//!
//! Each browser keeps its todos across reloads, in a SQLite file (`VANGO_TODOMVC_DB`,
//! default `todomvc.sqlite3`), keyed by the id of its signed cookie session. Not in the
//! cookie session itself: a cookie holds 4 KiB (some fifty short todos) and travels with
//! every request; the file holds any number, and only the id travels. The page loads the
//! list through a `resource` (the first paint shows it) and then edits its own copy at once;
//! every change is also one SQL statement run in order on the blocking pool (an `action`
//! with `Policy::Queue`), so the core never waits for the disk.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection};
use vango::prelude::*;
use vango::server::StaticAsset;

/// The longest title accepted, in bytes.
pub const MAX_TITLE: usize = 1000;
/// The most todos one browser keeps.
pub const MAX_TODOS: usize = 1000;

/// One todo.
#[derive(Clone, Debug, PartialEq)]
pub struct Todo {
    /// Its id (unique per browser, increasing with creation: the list's order).
    pub id: i64,
    /// What to do.
    pub title: String,
    /// Whether it is done.
    pub completed: bool,
}

/// One change to a browser's list: applied to the page's copy at once ([`Op::apply`]) and
/// to the file after it ([`Db::save`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A new todo at the end.
    Add(Todo),
    /// Marks one todo completed or not.
    Set(i64, bool),
    /// Marks every todo completed or not.
    SetAll(bool),
    /// Gives one todo a new title.
    Rename(i64, String),
    /// Deletes one todo.
    Delete(i64),
    /// Deletes the completed todos.
    ClearCompleted,
}

impl Op {
    /// Applies the change to `todos`.
    pub fn apply(&self, todos: &mut Vec<Todo>) {
        match self {
            Op::Add(t) => todos.push(t.clone()),
            Op::Set(id, c) => todos
                .iter_mut()
                .filter(|t| t.id == *id)
                .for_each(|t| t.completed = *c),
            Op::SetAll(c) => todos.iter_mut().for_each(|t| t.completed = *c),
            Op::Rename(id, title) => todos
                .iter_mut()
                .filter(|t| t.id == *id)
                .for_each(|t| t.title = title.clone()),
            Op::Delete(id) => todos.retain(|t| t.id != *id),
            Op::ClearCompleted => todos.retain(|t| !t.completed),
        }
    }
}

/// The database: one connection shared by every core, used only on the blocking pool.
#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    /// Opens (creating) the file at `path`, in WAL mode, with the schema in place.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS todomvc (
                owner TEXT NOT NULL,
                id INTEGER NOT NULL,
                title TEXT NOT NULL,
                completed INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (owner, id)
            ) WITHOUT ROWID;",
        )?;
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, String> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back.
        let conn = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn).map_err(|e| format!("database error: {e}"))
    }

    /// The owner's todos, oldest first.
    pub fn list(&self, owner: &str) -> Result<Vec<Todo>, String> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, title, completed FROM todomvc WHERE owner = ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = st.query_map(params![owner, MAX_TODOS as i64], |r| {
                Ok(Todo {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    completed: r.get(2)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Stores one change of the owner's list.
    pub fn save(&self, owner: &str, op: &Op) -> Result<(), String> {
        self.with(|c| {
            match op {
                Op::Add(t) => c.execute(
                    "INSERT OR REPLACE INTO todomvc (owner, id, title, completed)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![owner, t.id, t.title, t.completed],
                ),
                Op::Set(id, done) => c.execute(
                    "UPDATE todomvc SET completed = ?3 WHERE owner = ?1 AND id = ?2",
                    params![owner, id, done],
                ),
                Op::SetAll(done) => c.execute(
                    "UPDATE todomvc SET completed = ?2 WHERE owner = ?1",
                    params![owner, done],
                ),
                Op::Rename(id, title) => c.execute(
                    "UPDATE todomvc SET title = ?3 WHERE owner = ?1 AND id = ?2",
                    params![owner, id, title],
                ),
                Op::Delete(id) => c.execute(
                    "DELETE FROM todomvc WHERE owner = ?1 AND id = ?2",
                    params![owner, id],
                ),
                Op::ClearCompleted => c.execute(
                    "DELETE FROM todomvc WHERE owner = ?1 AND completed = 1",
                    [owner],
                ),
            }
            .map(drop)
        })
    }
}

/// This browser's owner id: its cookie session's id, given one on the first visit.
fn owner() -> String {
    let cs = use_cookie_session();
    if cs.id().is_empty() || cs.get_str("todomvc").is_none() {
        // A write gives the session its id; the page's answer stores the cookie.
        let _ = cs.set("todomvc", 1);
    }
    cs.id()
}

/// Which todos the list shows: the URL's fragment.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Filter {
    All,
    Active,
    Completed,
}

impl Filter {
    const EACH: [(Filter, &'static str, &'static str); 3] = [
        (Filter::All, "#/", "All"),
        (Filter::Active, "#/active", "Active"),
        (Filter::Completed, "#/completed", "Completed"),
    ];

    /// The current page's (a tracked read: renders re-run when the fragment changes).
    fn current() -> Filter {
        match use_request().fragment() {
            "/active" => Filter::Active,
            "/completed" => Filter::Completed,
            _ => Filter::All,
        }
    }

    fn shows(self, t: &Todo) -> bool {
        match self {
            Filter::All => true,
            Filter::Active => !t.completed,
            Filter::Completed => t.completed,
        }
    }
}

/// An id after every id in `todos` and after those made before (ids grow with the clock,
/// so two tabs of one browser do not pick the same one).
fn new_id(todos: &[Todo]) -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    let last = todos.iter().map(|t| t.id).max().unwrap_or(0);
    now.max(last + 1)
}

/// Applies a change to the page's list and stores it; `false` before the list loaded.
type Change = Rc<dyn Fn(Op) -> bool>;

/// The page.
fn todomvc(db: Db) -> impl Render {
    let owner = owner();
    let loaded = resource(|| (), {
        let (db, owner) = (db.clone(), owner.clone());
        move |_| {
            let (db, owner) = (db.clone(), owner.clone());
            unblock(move || db.list(&owner))
        }
    });
    // The list as this page has it since its first change (`None`: the loaded one).
    let edited = signal(None::<Vec<Todo>>);
    let todos = move || {
        edited.get().or_else(|| match loaded.get() {
            Loaded::Ready(v) => Some(v),
            _ => None,
        })
    };
    let save = action(Policy::Queue, move |op: Op| {
        let (db, owner) = (db.clone(), owner.clone());
        unblock(move || db.save(&owner, &op))
    });
    let change: Change = Rc::new({
        let save = save.clone();
        move |op: Op| {
            let Some(mut v) = todos() else {
                return false;
            };
            op.apply(&mut v);
            edited.set(Some(v));
            save.dispatch(op);
            true
        }
    });
    let draft = signal(String::new());
    let editing = signal(None::<i64>);
    let notice = signal(None::<String>);

    move || {
        let all = todos();
        let list = all.clone().unwrap_or_default();
        let active = list.iter().filter(|t| !t.completed).count();
        let completed = list.len() - active;
        let filter = Filter::current();

        let new_todo = input()
            .class("new-todo")
            .attr("placeholder", "What needs to be done?")
            .autofocus(true)
            .value(draft.get())
            .on_keydown_keys(&["Enter"], {
                let change = change.clone();
                move |e| {
                    let title = e.value().trim();
                    if title.is_empty() {
                        return;
                    }
                    let Some(list) = todos() else { return };
                    if title.len() > MAX_TITLE {
                        notice.set(Some(format!("A title has at most {MAX_TITLE} bytes.")));
                    } else if list.len() >= MAX_TODOS {
                        notice.set(Some(format!("At most {MAX_TODOS} todos.")));
                    } else {
                        let id = new_id(&list);
                        let title = title.to_owned();
                        change(Op::Add(Todo {
                            id,
                            title,
                            completed: false,
                        }));
                        notice.set(None);
                        draft.set(String::new());
                    }
                }
            })
            .on_input(move |e| draft.set(e.value().to_owned()));

        let problem = match (loaded.get(), save.result()) {
            (Loaded::Failed(e), _) => Some(format!("Could not load the todos: {e}")),
            (_, Some(Err(e))) => Some(format!("Not saved: {e}")),
            _ => notice.get(),
        };

        let main = when(!list.is_empty(), || {
            let shown: Vec<Todo> = list.iter().filter(|t| filter.shows(t)).cloned().collect();
            let change = change.clone();
            section((
                input()
                    .id("toggle-all")
                    .class("toggle-all")
                    .attr("type", "checkbox")
                    .checked(active == 0)
                    .on_change({
                        let change = change.clone();
                        move |e| {
                            change(Op::SetAll(e.checked()));
                        }
                    }),
                label("Mark all as complete").attr("for", "toggle-all"),
                ul(keyed(shown, |t| t.id, move |t| row(t, &change, editing))).class("todo-list"),
            ))
            .class("main")
        });

        let foot = when(!list.is_empty(), || {
            let filters = Filter::EACH.map(|(f, href, name)| {
                let a = a(name).attr("href", href);
                li(if f == filter { a.class("selected") } else { a })
            });
            let change = change.clone();
            footer((
                span((
                    strong(active.to_string()),
                    if active == 1 {
                        " item left"
                    } else {
                        " items left"
                    },
                ))
                .class("todo-count"),
                ul(Vec::from(filters)).class("filters"),
                when(completed > 0, move || {
                    button("Clear completed")
                        .class("clear-completed")
                        .on_click(move |_| {
                            change(Op::ClearCompleted);
                        })
                }),
            ))
            .class("footer")
        });

        fragment((
            section((
                header((h1("todos"), new_todo)).class("header"),
                problem.map(|e| p(e).class("error")),
                main,
                foot,
            ))
            .class("todoapp"),
            footer((
                p("Double-click to edit a todo"),
                p("Written with Vango, no JavaScript of its own"),
                p(("Part of ", a("TodoMVC").attr("href", "https://todomvc.com"))),
            ))
            .class("info"),
        ))
    }
}

/// One row: its view, or its edit field while it is edited.
fn row(t: Todo, change: &Change, editing: Signal<Option<i64>>) -> El {
    let id = t.id;
    let edit_id = format!("edit-{id}");
    // Enter and leaving the field save (an empty title deletes the todo), Escape cancels.
    let finish = {
        let change = change.clone();
        move |title: &str| {
            let title = title.trim();
            if title.is_empty() {
                change(Op::Delete(id));
            } else if title.len() <= MAX_TITLE {
                change(Op::Rename(id, title.to_owned()));
            }
            editing.set(None);
        }
    };
    let body = if editing.get() == Some(id) {
        let on_blur = finish.clone();
        input()
            .class("edit")
            .id(edit_id)
            .value(t.title.clone())
            .on_keydown_keys(&["Enter", "Escape"], move |e| match e.key() {
                "Enter" => finish(e.value()),
                _ => editing.set(None),
            })
            .on_blur(move |e| {
                // Enter or Escape may have ended the edit already (the field is then gone).
                if editing.get() == Some(id) {
                    on_blur(e.value());
                }
            })
            .into_node()
    } else {
        let (toggle, destroy) = (change.clone(), change.clone());
        div((
            input()
                .class("toggle")
                .attr("type", "checkbox")
                .checked(t.completed)
                .on_change(move |e| {
                    toggle(Op::Set(id, e.checked()));
                }),
            label(t.title.clone()).on_dblclick(move |_| {
                editing.set(Some(id));
                focus(edit_id.clone());
            }),
            button(()).class("destroy").on_click(move |_| {
                destroy(Op::Delete(id));
            }),
        ))
        .class("view")
        .into_node()
    };
    let class = match (t.completed, editing.get() == Some(id)) {
        (true, true) => "completed editing",
        (true, false) => "completed",
        (false, true) => "editing",
        (false, false) => "",
    };
    let li = li(body).attr("data-id", id.to_string());
    if class.is_empty() {
        li
    } else {
        li.class(class)
    }
}

/// The stylesheet: the look of todomvc-app-css, compacted.
pub const CSS: &str = include_str!("todomvc.css");

/// The app on the SQLite file at `db_path` (public for `tests/todomvc_example.rs`).
///
/// # Panics
///
/// When the database cannot be opened or its schema created.
pub fn app(db_path: impl AsRef<Path>) -> vango::App {
    let db = Db::open(db_path.as_ref())
        .unwrap_or_else(|e| panic!("opening {}: {e}", db_path.as_ref().display()));
    vango::App::new()
        .title("Vango • TodoMVC")
        .asset(StaticAsset::new(
            "/todomvc.css",
            "text/css; charset=utf-8",
            CSS.as_bytes(),
            None,
        ))
        .stylesheet("/todomvc.css")
        .page("/", move || todomvc(db.clone()))
}

/// The database file: `VANGO_TODOMVC_DB`, else `todomvc.sqlite3` in the working directory.
pub fn db_path() -> PathBuf {
    std::env::var_os("VANGO_TODOMVC_DB").map_or_else(|| "todomvc.sqlite3".into(), PathBuf::from)
}

fn main() -> std::io::Result<()> {
    app(db_path()).serve_env()
}
