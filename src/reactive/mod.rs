//! Per-thread reactive graph: signals, memos, effects, observers, owners, context, batch,
//! untrack.
//!
//! Every thread has its own graph (a `thread_local` arena of nodes, `Rc`/`RefCell`, no
//! locks). Handles ([`Signal`], [`Memo`], [`Effect`], [`Observer`], [`Owner`]) are small
//! `Copy` values — arena index + generation — so closures capture them without `.clone()`;
//! they are `!Send`, and using one after its node was disposed is a
//! [`ReactiveError::Disposed`] (or a panic naming where it was created and used, in debug
//! builds).
//!
//! # How changes propagate (push-pull, glitch-free)
//!
//! Nodes are *sources* (signals, memos) and/or *observers* (memos, effects,
//! [`Observer`]s). Reading a source while an observer runs subscribes the observer.
//! Every observer carries a colour:
//!
//! - **Clean**: up to date.
//! - **Check**: some source *further up* changed; it may or may not need to re-run.
//! - **Dirty**: a direct source changed; it must re-run.
//!
//! A write **pushes** colours without running anything: the signal's subscribers become
//! Dirty, and everything below a memo that just left Clean becomes Check; effects and
//! observers that leave Clean are queued. At the end of the outermost write or
//! [`batch`], the flush **pulls**: each queued node asks its memo sources, in the order it
//! read them, to bring themselves up to date; a memo recomputes only when Dirty, and wakes
//! (marks Dirty) its subscribers only if its new value differs. A Check node whose
//! sources all turned out unchanged goes back to Clean without running. So in a diamond
//! (`a → b, a → c, b + c → d`, effect on `d`) the effect runs once per change of `a` and
//! never sees `b` updated but `c` stale. Memos are lazy: nothing is computed until read.
//!
//! Effects that write signals queue more work; the flush repeats in rounds and panics with
//! "effect loop" after [`MAX_FLUSH_ROUNDS`] rounds rather than spin forever.
//!
//! # Ownership
//!
//! Every node is owned by the [`Owner`] current when it was created (effects and memos own
//! what their body creates, and drop it before each re-run). Disposing an owner unwinds
//! everything it owns in reverse creation order — child owners, nodes, [`on_cleanup`]
//! callbacks — and returns the arena slots for reuse with a new generation, so stale
//! handles cannot reach the new occupant. [`live_nodes`] counts what is alive, for leak
//! tests. Owners also carry context: [`provide_context`] on an owner, [`use_context`] from
//! anything below it.
//!
//! # Conveniences
//!
//! Common signal types have typed helpers that read better than `update`: integers
//! ([`Counter`]: `inc`, `dec`, `add`), `bool` (`toggle`), `Vec` (`push`, `pop`, `remove`,
//! `clear`, tracked `len`/`is_empty`), `HashMap` (`insert`, `remove`, tracked
//! `contains_key`/`len`/`is_empty`) and `String` (`push_str`). A [`Selector`] answers
//! "is this key the current value?" for many keys and wakes only the readers of the old
//! and the new key when the value changes (the selected row among thousands).
//!
//! # Examples
//!
//! ```
//! use vango::reactive::{effect, memo, signal};
//! let count = signal(1);
//! let double = memo(move || count.get() * 2);
//! let log = signal(Vec::new());
//! effect(move || { let d = double.get(); log.update_untracked(|l| l.push(d)); });
//! count.inc();
//! assert_eq!(log.get(), vec![2, 4]);
//! ```
//!
//! Handles never leave their thread:
//!
//! ```compile_fail
//! fn needs_send<T: Send>(_: T) {}
//! needs_send(vango::reactive::signal(1));
//! ```
//!
//! ```compile_fail
//! fn needs_send<T: Send>(_: T) {}
//! needs_send(vango::reactive::Owner::new());
//! ```
//!
//! ```compile_fail
//! fn needs_sync<T: Sync>(_: T) {}
//! needs_sync(vango::reactive::memo(|| 1));
//! ```

mod arena;
mod context;
pub mod dev_names;
mod effect;
mod error;
mod flush;
mod handle;
mod memo;
mod observer;
mod owner;
mod runtime;
mod selector;
mod signal;
mod typed;

pub use context::{provide_context, use_context, with_context};
pub use effect::{effect, on_cleanup, Effect};
pub use error::{Location, ReactiveError};
pub use flush::{batch, untrack, MAX_FLUSH_ROUNDS};
pub use memo::{memo, Memo};
pub use observer::Observer;
pub use owner::Owner;
pub use runtime::{live_nodes, release_free_nodes};
pub use selector::{selector, Selector};
pub use signal::{signal, Signal};
pub use typed::Counter;
