//! The load generator's pages as components, for tests that measure memory over real
//! sockets (`tests/flood.rs`, `tests/session_size.rs`), a page of one global, plus the process's RSS and a
//! session that is opened and dropped. Touches vango's public API, `/proc` and sockets.

use std::net::SocketAddr;

use vango::prelude::*;
use vango::protocol::{ClientFrame, HelloStatus, ServerFrame};

use crate::client::{Client, PageInfo};

/// The list page: 50 keyed rows, each with two texts and a button (`id="b{row}"`) that
/// changes that row only.
pub fn list() -> impl Render {
    let rows = signal((0..50u32).map(|i| (i, 0u32)).collect::<Vec<_>>());
    move || {
        ul(keyed(
            rows.get(),
            |r| r.0,
            move |r| {
                let i = r.0 as usize;
                li((
                    span(format!("Row {}", r.0)),
                    span(format!(" clicked {} times ", r.1)),
                    button("+1")
                        .attr("id", format!("b{i}"))
                        .on_click(move |_| rows.update(|v| v[i].1 += 1)),
                ))
            },
        ))
    }
}

/// The counter page: a heading with the count and two buttons (`id="inc"`, `id="dec"`).
pub fn counter() -> impl Render {
    let count = signal(0i32);
    move || {
        div((
            h1(format!("Count: {}", count.get())),
            button("+").attr("id", "inc").on_click(move |_| count.inc()),
            button("-").attr("id", "dec").on_click(move |_| count.dec()),
        ))
    }
}

/// A page showing one global (`id="n"`) and a button that increments it (`id="inc"`).
pub fn global_counter(clicks: GlobalSignal<u64>) -> impl Render {
    move || {
        div((
            span(clicks.get().to_string()).id("n"),
            button("+")
                .id("inc")
                .on_click(move |_| clicks.update(|n| *n += 1)),
        ))
    }
}

/// Resident memory of this process in bytes (`VmRSS`).
pub fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kb * 1024
}

/// Bytes of heap this process holds (glibc's `mallinfo2`, every arena): unlike RSS, not
/// the free memory between live blocks that the allocator cannot give back (after a
/// burst of sessions that then hibernated, RSS stays near the burst's peak).
#[allow(unsafe_code)]
pub fn heap_in_use() -> usize {
    /// glibc's `struct mallinfo2`: ten `size_t` fields.
    #[repr(C)]
    struct MallInfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    extern "C" {
        fn mallinfo2() -> MallInfo2;
    }
    // SAFETY: `mallinfo2` (glibc 2.33+, the test machines' Debian 12 has 2.36) takes no
    // arguments, returns the struct by value with the layout above, and only reads the
    // allocator's state under its own locks.
    let m = unsafe { mallinfo2() };
    m.uordblks + m.hblkhd
}

/// Upgrades, says Hello for a new session with the page's token, and waits for the
/// answer; `Some(client)` when the session was created (drop it to drop the socket).
pub fn hello_new(addr: SocketAddr, p: &PageInfo) -> Option<Client> {
    let mut c = Client::connect(addr);
    c.send(ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf: p.csrf.clone(),
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: p.hash,
        path: "/".into(),
    });
    match c.recv() {
        Some(ServerFrame::ServerHello {
            status: HelloStatus::New,
            session,
            ..
        }) => {
            c.id = session;
            Some(c)
        }
        _ => None,
    }
}
