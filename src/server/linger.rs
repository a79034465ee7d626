//! The bounded wait after the server's WebSocket close frame: read what the peer still
//! sends until its Close reply (then the socket may be closed at once), the end of the
//! stream, or the byte or time bound.
//!
//! May touch a socket and its `async-tungstenite` stream (any, so that `websocket`, which
//! uses this, is not imported back); knows nothing about sessions or the protocol's frames.

use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Message;
use async_tungstenite::WebSocketStream;
use futures_lite::{future, AsyncRead, AsyncReadExt, AsyncWrite, StreamExt};

/// How long and how much a closing connection may still be read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Linger {
    /// Most bytes read (and dropped) after our close frame.
    pub bytes: usize,
    /// Most time spent waiting for the peer.
    pub time: Duration,
}

/// The bounds every close uses: a flood is cut off, a silent peer does not hold the task.
pub(crate) const LINGER: Linger = Linger {
    bytes: 256 * 1024,
    time: Duration::from_millis(500),
};

/// After our close frame went out through `ws`: reads the peer's messages until its Close
/// reply, so an RFC 6455 peer (which answers and then waits for the server to hang up) is
/// let go at once, while unread input is still consumed before the socket closes (closing
/// with unread bytes makes the kernel reset the connection, destroying the close frame
/// before the peer reads it: a flooding client is the usual case, rate limiting).
///
/// The stream, not the raw socket, is read: it may already hold the start of the next
/// frame in its buffer, so the raw bytes need not begin at a frame boundary. Memory stays
/// within the stream's message bound; if the stream fails (an oversized or broken frame),
/// the rest is drained raw within the remaining bounds.
pub(crate) async fn await_close_reply<S>(ws: &mut WebSocketStream<S>, bounds: Linger)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let until = Instant::now() + bounds.time;
    let mut left = bounds.bytes;
    while left > 0 {
        let next = future::or(async { Some(ws.next().await) }, async {
            async_io::Timer::at(until).await;
            None
        })
        .await;
        match next {
            None | Some(None) | Some(Some(Ok(Message::Close(_)))) => return,
            // A frame header is at least 2 bytes: an empty-message flood is bounded too.
            Some(Some(Ok(m))) => left = left.saturating_sub(m.len().max(2)),
            Some(Some(Err(_))) => break,
        }
    }
    if left > 0 {
        drain(ws.get_mut(), left, until, false).await;
    }
}

/// Reads (and drops) up to `left` bytes from `io` until `until`, the end of the stream or,
/// with `scan`, the end of the peer's Close frame (frames followed from the first byte
/// read; see [`Scanner`]).
pub(crate) async fn drain(
    io: &mut (impl AsyncRead + Unpin),
    mut left: usize,
    until: Instant,
    scan: bool,
) {
    let mut buf = [0u8; 1024];
    let mut frames = Scanner {
        lost: !scan,
        ..Scanner::default()
    };
    while left > 0 {
        let read = future::or(async { Some(io.read(&mut buf).await) }, async {
            async_io::Timer::at(until).await;
            None
        })
        .await;
        match read {
            Some(Ok(n)) if n > 0 => {
                left = left.saturating_sub(n);
                if frames.feed(&buf[..n]) {
                    return;
                }
            }
            _ => return,
        }
    }
}

/// Follows client frame boundaries through raw bytes, fed in any split: reads each
/// header (up to 14 bytes, kept across reads), skips the payload by its length, and tells
/// when a Close frame has been read to its end. A header no RFC 6455 client sends
/// (reserved bits or opcodes, unmasked, a fragmented or over-long control frame) means the
/// bytes are not where a frame starts: the scanner gives up and only the bounds end the
/// drain, so a misread never cuts a flood short.
#[derive(Debug, Default)]
struct Scanner {
    head: [u8; 14],
    have: usize,
    /// Payload bytes of the current frame still to skip.
    skip: u64,
    /// The current frame is a Close.
    closing: bool,
    /// Frame boundaries are unknown.
    lost: bool,
}

impl Scanner {
    /// Consumes `bytes`; `true` once a whole Close frame has been read.
    fn feed(&mut self, mut bytes: &[u8]) -> bool {
        while !self.lost {
            if self.skip > 0 {
                let n = (bytes.len() as u64).min(self.skip);
                self.skip -= n;
                bytes = &bytes[n as usize..];
                if self.skip > 0 {
                    return false;
                }
            }
            if self.closing && self.skip == 0 {
                return true;
            }
            let Some((&b, rest)) = bytes.split_first() else {
                return false;
            };
            bytes = rest;
            self.head[self.have] = b;
            self.have += 1;
            match parse_head(&self.head[..self.have]) {
                Head::Partial => {}
                Head::Invalid => self.lost = true,
                Head::Frame { payload, close } => {
                    self.have = 0;
                    self.skip = payload;
                    self.closing = close;
                }
            }
        }
        false
    }
}

/// What the bytes of a frame header read so far say.
#[derive(Debug, PartialEq)]
enum Head {
    Partial,
    Invalid,
    Frame { payload: u64, close: bool },
}

fn parse_head(h: &[u8]) -> Head {
    let [b0, b1, ..] = *h else {
        return Head::Partial;
    };
    let (fin, rsv, opcode) = (b0 & 0x80 != 0, b0 & 0x70, b0 & 0x0F);
    let (masked, len7) = (b1 & 0x80 != 0, u64::from(b1 & 0x7F));
    let control = opcode >= 8;
    if rsv != 0 || !matches!(opcode, 0..=2 | 8..=10) || !masked || (control && (!fin || len7 > 125))
    {
        return Head::Invalid;
    }
    let ext = match len7 {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    if h.len() < 2 + ext + 4 {
        return Head::Partial;
    }
    let payload = match ext {
        0 => len7,
        2 => u64::from(u16::from_be_bytes([h[2], h[3]])),
        _ => u64::from_be_bytes(h[2..10].try_into().expect("8 bytes")),
    };
    if payload >> 63 != 0 {
        return Head::Invalid;
    }
    Head::Frame {
        payload,
        close: opcode == 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::websocket::{
        close_protocol_error_linger, close_with_linger, ws_config, Upgraded, WebSocket,
    };
    use crate::server::Limits;
    use async_io::Async;
    use async_tungstenite::tungstenite::protocol::Role;
    use async_tungstenite::WebSocketStream;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};

    /// Far longer than any test runs: only the peer's Close or the byte bound ends a wait.
    const FOREVER: Duration = Duration::from_secs(3600);

    /// An upgraded server socket and the raw client end.
    fn pair() -> (WebSocket, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (server, _) = l.accept().unwrap();
        let up = Upgraded::new(Async::new(server).unwrap(), Vec::new());
        let cfg = ws_config(&Limits::default());
        let ws = async_io::block_on(WebSocketStream::from_raw_socket(
            up,
            Role::Server,
            Some(cfg),
        ));
        (ws, client)
    }

    /// Runs `close` against a hang guard: a wait that only the bounds would end fails.
    fn returns<F: std::future::Future<Output = ()>>(close: F) {
        let guard = async {
            async_io::Timer::after(Duration::from_secs(60)).await;
            panic!("the close did not return once the peer answered");
        };
        async_io::block_on(future::or(close, guard));
    }

    #[test]
    fn a_close_returns_once_the_peer_answers_even_if_it_keeps_the_socket_open() {
        let (mut ws, client) = pair();
        let peer = std::thread::spawn(move || {
            async_io::block_on(async {
                let io = Async::new(client).unwrap();
                let mut peer = WebSocketStream::from_raw_socket(io, Role::Client, None).await;
                // A few events in flight before the close arrives, then the RFC 6455 answer
                // (tungstenite sends it on the next read) and no hang-up of its own.
                for i in 0..50u8 {
                    peer.send(Message::Binary(vec![i; 40].into()))
                        .await
                        .unwrap();
                }
                let mut closes = 0;
                while let Some(m) = peer.next().await {
                    closes += usize::from(m.unwrap().is_close());
                }
                closes // the loop ends when the server closes TCP: EOF
            })
        });
        returns(async {
            let bounds = Linger {
                bytes: usize::MAX,
                time: FOREVER,
            };
            close_with_linger(&mut ws, 9, "bye", bounds).await;
        });
        drop(ws);
        assert_eq!(peer.join().unwrap(), 1, "the peer saw our close, then EOF");
    }

    #[test]
    fn a_protocol_error_close_returns_once_the_peer_answers() {
        let (mut ws, mut client) = pair();
        let peer = std::thread::spawn(move || {
            let mut got = [0u8; 4];
            client.read_exact(&mut got).unwrap();
            assert_eq!(got, [0x88, 0x02, 0x03, 0xEA]);
            // A masked close with 1002, written in two pieces: the header is split.
            client.write_all(&[0x88, 0x82, 1]).unwrap();
            std::thread::sleep(Duration::from_millis(20));
            client.write_all(&[2, 3, 4, 0x03 ^ 1, 0xEA ^ 2]).unwrap();
            let mut rest = Vec::new();
            client.read_to_end(&mut rest).unwrap();
            rest
        });
        returns(close_protocol_error_linger(
            &mut ws,
            Linger {
                bytes: usize::MAX,
                time: FOREVER,
            },
        ));
        drop(ws);
        assert!(peer.join().unwrap().is_empty(), "EOF after the close");
    }

    /// A peer that floods and never answers is still let go at the byte bound, whether
    /// the stream or the raw scan reads it.
    #[test]
    fn a_flood_without_a_close_ends_at_the_byte_bound() {
        for raw in [false, true] {
            let (mut ws, mut client) = pair();
            let mut reader = client.try_clone().unwrap();
            let sink = std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = reader.read_to_end(&mut buf);
            });
            let flood = std::thread::spawn(move || {
                let mut frame = vec![0x82, 0x80 | 100, 0, 0, 0, 0];
                frame.extend_from_slice(&[0x88; 100]);
                while client.write_all(&frame).is_ok() {}
            });
            let bounds = Linger {
                bytes: 64 * 1024,
                time: FOREVER,
            };
            returns(async {
                if raw {
                    close_protocol_error_linger(&mut ws, bounds).await;
                } else {
                    close_with_linger(&mut ws, 5, "rate limited", bounds).await;
                }
            });
            drop(ws);
            flood.join().unwrap();
            sink.join().unwrap();
        }
    }

    #[test]
    fn a_silent_peer_ends_at_the_time_bound() {
        let (mut ws, _client) = pair();
        let bounds = Linger {
            bytes: usize::MAX,
            time: Duration::from_millis(50),
        };
        returns(close_with_linger(&mut ws, 9, "bye", bounds));
        returns(close_protocol_error_linger(&mut ws, bounds));
    }

    /// A masked client frame (mask key zero: the scanner never looks at payloads).
    fn frame(b0: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![b0];
        match payload.len() {
            n @ 0..=125 => f.push(0x80 | n as u8),
            n @ 126..=0xFFFF => {
                f.push(0x80 | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(0x80 | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        f.extend_from_slice(&[0; 4]);
        f.extend_from_slice(payload);
        f
    }

    fn stream() -> Vec<u8> {
        let mut s = frame(0x82, &[7; 5]);
        s.extend(frame(0x82, &[0x88; 300]));
        s.extend(frame(0x89, b"ping"));
        s.extend(frame(0x02, &[1; 70_000]));
        s.extend(frame(0x80, &[]));
        s.extend(frame(0x88, &[0x03, 0xE8]));
        s
    }

    #[test]
    fn the_close_frame_is_found_at_its_end_in_any_split() {
        let s = stream();
        for chunk in [1, 2, 3, 7, 13, 14, 1000, s.len()] {
            let mut sc = Scanner::default();
            let mut fed = 0;
            let mut done = false;
            for part in s.chunks(chunk) {
                assert!(!done, "chunk {chunk}: found before the end");
                done = sc.feed(part);
                fed += part.len();
            }
            assert!(done, "chunk {chunk}");
            assert_eq!(fed, s.len());
        }
        // One byte short of the close frame's end: not yet.
        let mut sc = Scanner::default();
        assert!(!sc.feed(&s[..s.len() - 1]));
        assert!(sc.feed(&s[s.len() - 1..]));
    }

    #[test]
    fn bytes_no_client_sends_stop_the_scan() {
        for bad in [
            frame(0xC2, b"rsv1"),
            frame(0x83, b"reserved opcode"),
            frame(0x08, b"fragmented close"),
            vec![0x88, 0x02, 0x03, 0xE8], // unmasked close
        ] {
            let mut sc = Scanner::default();
            let mut s = bad.clone();
            s.extend(frame(0x88, &[0x03, 0xE8]));
            assert!(!sc.feed(&s), "{bad:?}");
            assert!(sc.lost);
        }
        assert_eq!(parse_head(&[0x88, 0x80 | 126]), Head::Invalid);
    }
}
