//! Run with: cargo run --release --example todo_keys
//!
//! An in-memory to-do list driven by the keyboard, on events that carry what the handler
//! needs: Enter in the new-todo field adds its text (the key event carries the value, and
//! the key filter means other keys send nothing), Escape clears it; double-clicking a
//! title edits it in place (focused from the server), Enter or leaving the field saves,
//! Escape cancels. The field's text and its character count follow its `input` events,
//! which the client coalesces.

use vango::prelude::*;

#[derive(Clone, PartialEq)]
struct Todo {
    id: u32,
    title: String,
}

fn todo_keys() -> impl Render {
    let todos = signal(Vec::<Todo>::new());
    let next_id = signal(1u32);
    let editing = signal(None::<u32>);
    // What the new-todo field shows, kept from its (coalesced) input events: the field is
    // controlled, so setting it to "" empties it in the browser.
    let draft = signal(String::new());

    let save = move |id: u32, title: &str| {
        let title = title.trim().to_owned();
        todos.update(|v| match title.is_empty() {
            true => v.retain(|t| t.id != id),
            false => v
                .iter_mut()
                .filter(|t| t.id == id)
                .for_each(|t| t.title = title.clone()),
        });
        editing.set(None);
    };

    move || {
        let new_todo = input()
            .class("new-todo")
            .id("new-todo")
            .attr("placeholder", "What needs to be done?")
            .attr("autofocus", "")
            .value(draft.get())
            .on_keydown_keys(&["Enter", "Escape"], move |e| {
                let title = e.value().trim();
                if e.key() == "Enter" && !title.is_empty() {
                    let id = next_id.get();
                    next_id.set(id + 1);
                    let title = title.to_owned();
                    todos.update(|v| v.push(Todo { id, title }));
                }
                draft.set(String::new());
            })
            .on_input(move |e| draft.set(e.value().to_owned()));
        let rows = keyed(
            todos.get(),
            |t| t.id,
            move |t| {
                let id = t.id;
                if editing.get() == Some(id) {
                    li(input()
                        .class("edit")
                        .id("edit")
                        .value(t.title)
                        .on_keydown_keys(&["Enter", "Escape"], move |e| match e.key() {
                            "Enter" => save(id, e.value()),
                            _ => editing.set(None),
                        })
                        .on_blur(move |e| {
                            // Enter or Escape may have ended the edit already.
                            if editing.get() == Some(id) {
                                save(id, e.value());
                            }
                        }))
                    .class("editing")
                } else {
                    li(label(t.title).on_dblclick(move |_| {
                        editing.set(Some(id));
                        focus("edit");
                    }))
                }
            },
        );
        div((
            h1("todos"),
            // Client commands: the help shows and hides in the browser, no round trip.
            button("?")
                .class("help-toggle")
                .js("click", Js::new().toggle(".help")),
            p("Enter adds, Escape clears; double-click a todo to edit it.")
                .class("help")
                .attr("hidden", ""),
            new_todo,
            span(format!("{} characters", draft.with(|d| d.chars().count()))).class("typed"),
            ul(rows).class("todo-list"),
            span(format!("{} items", todos.with(|v| v.len()))).class("count"),
        ))
        .class("todoapp")
    }
}

fn main() -> std::io::Result<()> {
    vango::App::new()
        .title("Todo keys")
        .page("/", todo_keys)
        .serve_env()
}
