//! Fuzz target: arbitrary bytes after an accepted upgrade, read through the same
//! `async-tungstenite` stream and [`ws_config`] the server uses. Never panics; every message
//! that comes out respects the configured size bound; the read side never buffers more than
//! the bound plus one read.
#![no_main]

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use async_tungstenite::tungstenite::protocol::Role;
use async_tungstenite::tungstenite::{Error, Message};
use async_tungstenite::WebSocketStream;
use futures_lite::{future, AsyncRead, AsyncWrite, StreamExt};
use libfuzzer_sys::fuzz_target;
use vango::server::websocket::ws_config;
use vango::server::Limits;

/// An in-memory peer: reads hand out the input in chunks of `chunk` bytes, writes are
/// counted and dropped.
struct Peer<'a> {
    input: &'a [u8],
    chunk: usize,
    written: usize,
}

impl AsyncRead for Peer<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let n = buf.len().min(self.chunk).min(self.input.len());
        buf[..n].copy_from_slice(&self.input[..n]);
        self.input = &self.input[n..];
        Poll::Ready(Ok(n))
    }
}

impl AsyncWrite for Peer<'_> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.written += buf.len();
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    // Small message bounds make the capacity checks reachable with short inputs.
    let max = if sel & 0x80 == 0 {
        64 * 1024
    } else {
        16 + usize::from(sel & 0x3f) * 8
    };
    let limits = Limits {
        max_ws_message: max,
        ..Limits::default()
    };
    let peer = Peer {
        input,
        chunk: 1 + usize::from(sel & 0x7f),
        written: 0,
    };
    future::block_on(async {
        let mut ws =
            WebSocketStream::from_raw_socket(peer, Role::Server, Some(ws_config(&limits))).await;
        // Bounded: each message consumes at least two input bytes.
        for _ in 0..=input.len() {
            match ws.next().await {
                Some(Ok(Message::Binary(b))) => assert!(b.len() <= max),
                Some(Ok(Message::Text(t))) => assert!(t.len() <= max),
                Some(Ok(Message::Ping(p))) | Some(Ok(Message::Pong(p))) => assert!(p.len() <= 125),
                Some(Ok(_)) => {}
                Some(Err(Error::Capacity(_))) | Some(Err(_)) | None => break,
            }
        }
        // The server then answers something; sending must not panic either.
        let _ = ws.send(Message::Binary(vec![1, 2, 3].into())).await;
        let _ = ws.close(None).await;
    });
});
