//! The component runtime: component nodes (setup once, render on dirty), mounted
//! instances, the per-tree context the diff mounts through, and the per-session
//! [`Tree`] (mount, route an event to its handler, re-render dirty components).
//!
//! Above `vdom` (it implements the engine's [`ComponentSlot`](crate::vdom::ComponentSlot)
//! and [`Mount`](crate::vdom::Mount)) and `reactive`; knows nothing of HTML, the wire or
//! sessions.

mod boundary;
pub mod dev;
pub mod dev_capture;
pub mod dev_tree;
mod error;
mod error_boundary;
mod hid_index;
mod instance;
mod node;
pub mod tree;

pub(crate) use boundary::{current_catcher, Boundary};
pub use error::{catch, ErrorInfo};
pub use error_boundary::error_boundary;
pub use instance::{Render, TreeCx};
pub use node::{component, component_keyed, component_live, component_live_keyed, ComponentNode};
pub use tree::{DispatchError, Tree};
