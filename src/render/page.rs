//! The HTML page shell around a rendered root: doctype, head, boot script.
//!
//! Touches `render::{html, out, escape}` and `std::io`. The boot script's attributes are
//! the contract with the client (`PROTOCOL.md`, "HTML markers").

use std::io::{self, Write};

use super::escape;
use super::html;
use super::out::{Fnv, IoOut, Out, Tee};
use crate::vdom::node::VNode;

/// What surrounds the root on a full page load.
///
/// # Examples
///
/// ```
/// let page = vango::render::Page { title: "Counter", csrf: "tok", ..Default::default() };
/// assert_eq!(page.client_src, "/_vango/client.js");
/// assert_eq!(page.lang, "en");
/// ```
#[derive(Clone, Debug)]
pub struct Page<'a> {
    /// The document title (escaped).
    pub title: &'a str,
    /// The `lang` attribute of `<html>` (escaped); omitted when empty.
    pub lang: &'a str,
    /// Extra HTML for `<head>` (stylesheets, meta tags). Written verbatim: trusted only.
    pub head: &'a str,
    /// The session's CSRF token, handed to the client in `data-csrf` (escaped).
    pub csrf: &'a str,
    /// The render hash to put in `data-hash`; `None` computes it while the root streams
    /// (one pass, see [`render_hash`](super::render_hash)).
    pub render_hash: Option<u32>,
    /// URL of the client script (escaped); empty: a static page without the client.
    pub client_src: &'a str,
    /// The CSP nonce of this response (escaped): written on the client's script and on
    /// every `<script` tag of [`head`](Self::head); empty: none.
    pub nonce: &'a str,
}

impl Default for Page<'_> {
    fn default() -> Self {
        Page {
            title: "",
            lang: "en",
            head: "",
            csrf: "",
            render_hash: None,
            client_src: "/_vango/client.js",
            nonce: "",
        }
    }
}

/// Streams a full HTML document with `root` as the body's content and returns the render
/// hash written into the boot script (`page.render_hash`, or the hash of `root`'s HTML).
///
/// The output is `<!DOCTYPE html><html lang=".."><head><meta charset="utf-8"><meta
/// name="viewport" ..><title>..</title>{head}</head><body>{root}<script defer src=".."
/// id="vango-boot" data-csrf=".." data-hash=".."></script></body></html>`.
///
/// # Examples
///
/// ```
/// use vango::render::{render_hash, write_page, Page};
/// use vango::vdom::{Element, VNode};
///
/// let mut main = Element::new("main");
/// main.hid = 1;
/// let root = VNode::Element(Box::new(main));
/// let mut out = Vec::new();
/// let page = Page { title: "Home", csrf: "c5", ..Default::default() };
/// let hash = write_page(&page, &root, &mut out)?;
/// assert_eq!(hash, render_hash(&root));
/// let html = String::from_utf8(out).unwrap();
/// assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\"><head>"));
/// assert!(html.contains(&format!(
///     "<body><main data-hid=\"1\"></main><script defer src=\"/_vango/client.js\" \
///      id=\"vango-boot\" data-csrf=\"c5\" data-hash=\"{hash}\"></script></body></html>"
/// )));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_page<W: Write>(page: &Page<'_>, root: &VNode, w: &mut W) -> io::Result<u32> {
    let mut o = IoOut::new(w);
    o.put("<!DOCTYPE html><html");
    if !page.lang.is_empty() {
        o.put(" lang=\"");
        escape::attr(&mut o, page.lang);
        o.put("\"");
    }
    o.put(
        "><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
    );
    escape::text(&mut o, page.title);
    o.put("</title>");
    if page.nonce.is_empty() {
        o.put(page.head);
    } else {
        // The app's own head markup is trusted: its scripts get the nonce too.
        let mut parts = page.head.split("<script");
        o.put(parts.next().unwrap_or(""));
        for rest in parts {
            o.put("<script nonce=\"");
            escape::attr(&mut o, page.nonce);
            o.put("\"");
            o.put(rest);
        }
    }
    o.put("</head><body>");
    let hash = match page.render_hash {
        Some(h) => {
            html::root(&mut o, root);
            h
        }
        None => {
            let mut f = Fnv::new();
            html::root(&mut Tee(&mut o, &mut f), root);
            f.0
        }
    };
    if !page.client_src.is_empty() {
        o.put("<script defer src=\"");
        escape::attr(&mut o, page.client_src);
        if !page.nonce.is_empty() {
            o.put("\" nonce=\"");
            escape::attr(&mut o, page.nonce);
        }
        o.put("\" id=\"vango-boot\" data-csrf=\"");
        escape::attr(&mut o, page.csrf);
        o.put("\" data-hash=\"");
        o.put_u32(hash);
        o.put("\"></script>");
    }
    o.put("</body></html>");
    o.finish()?;
    Ok(hash)
}
