//! Hand-rolled HTTP/1.1 on `httparse`: request heads, responses, the connection loop.
//!
//! `request` parses (pure), `response` serializes (pure), `conn` does the socket I/O.

pub mod conn;
pub mod request;
pub mod response;

pub use request::{has_token, parse as parse_request, HeadError, Parsed, Request};
pub use response::{reason, Answer, Response};
