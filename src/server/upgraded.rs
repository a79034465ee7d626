//! The socket after a WebSocket upgrade ([`Upgraded`]): replays what the HTTP reader read
//! past the head, reads ahead for the codec, parks reads until the reactor says readable.
//!
//! May touch the connection's socket only; knows nothing about WebSocket frames.

use std::io;
use std::net::TcpStream;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use async_io::Async;
use futures_lite::{AsyncRead, AsyncWrite};

use super::lease::ConnGuard;
use super::ws_frames::Frames;

/// The socket after the upgrade, replaying bytes the HTTP reader already took past the head.
///
/// It is also the stream's read buffer while a message is in flight: the WebSocket codec
/// reads in small pieces (its own buffer is only as large as the frames it has held, see
/// [`ws_config`](super::websocket::ws_config)), so each syscall reads up to `READ_AHEAD`
/// bytes onto the stack and keeps what the codec did not take on the heap until it is
/// taken. An idle socket holds no read buffer here.
///
/// Reads are *parked*: after a read found the socket empty, the next poll asks the reactor
/// whether it became readable before reading again, instead of trying `recvfrom` first.
/// A session woken to send a patch (a GlobalSignal write wakes thousands) polls its read
/// side again afterwards, and without the park each such poll is one wasted syscall
/// answering `EAGAIN`.
///
/// # Examples
///
/// ```
/// use futures_lite::AsyncReadExt;
/// use vango::server::websocket::Upgraded;
/// # use std::net::{TcpListener, TcpStream};
/// # use async_io::Async;
/// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
/// # let mut client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
/// # let (server, _) = l.accept().unwrap();
/// # use std::io::Write;
/// // The HTTP reader already took "ab" past the head; "cd" is still in the socket.
/// let mut up = Upgraded::new(Async::new(server)?, b"ab".to_vec());
/// client.write_all(b"cd")?;
/// let mut got = [0; 4];
/// async_io::block_on(up.read_exact(&mut got))?;
/// assert_eq!(&got, b"abcd");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Upgraded {
    prefix: Vec<u8>,
    pos: usize,
    io: Async<TcpStream>,
    /// The last read found nothing and the reactor has not reported readability since.
    parked: bool,
    /// Where the client's frames end: a read hands the codec at most the rest of one.
    frames: Frames,
    /// The connection's place in the core's and its address's counts, held as long as
    /// the socket is (also while the socket is parked without this stream around it).
    lease: Option<ConnGuard>,
    /// Read syscalls made, for the test that checks the park.
    #[cfg(test)]
    reads: usize,
}

impl Upgraded {
    /// Wraps `io`; `prefix` (bytes already read past the request head) is read first.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::AsyncReadExt;
    /// use vango::server::websocket::Upgraded;
    /// # use std::net::{TcpListener, TcpStream};
    /// # use async_io::Async;
    /// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
    /// # let mut client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    /// # let (server, _) = l.accept().unwrap();
    /// let mut up = Upgraded::new(Async::new(server)?, b"early".to_vec());
    /// let mut first = [0; 5];
    /// async_io::block_on(up.read_exact(&mut first))?;
    /// assert_eq!(&first, b"early");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(io: Async<TcpStream>, mut prefix: Vec<u8>) -> Self {
        if prefix.is_empty() {
            // The HTTP read buffer's capacity must not live on in every idle WebSocket.
            prefix = Vec::new();
        }
        Upgraded {
            prefix,
            pos: 0,
            io,
            parked: false,
            frames: Frames::default(),
            lease: None,
            #[cfg(test)]
            reads: 0,
        }
    }

    /// [`new`](Self::new), holding the connection's count until the socket closes.
    pub(crate) fn leased(io: Async<TcpStream>, prefix: Vec<u8>, lease: Option<ConnGuard>) -> Self {
        Upgraded {
            lease,
            ..Upgraded::new(io, prefix)
        }
    }

    /// Whether the codec above holds nothing the socket gave: every byte handed over
    /// ended a frame that ended its message, and nothing read ahead waits here. Then the
    /// socket, unwrapped from this wrapper, is the whole connection.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::AsyncReadExt;
    /// use vango::server::websocket::Upgraded;
    /// # use std::net::{TcpListener, TcpStream};
    /// # use async_io::Async;
    /// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
    /// # let _client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    /// # let (server, _) = l.accept().unwrap();
    /// // A masked binary frame of 3 bytes: header (2), mask (4), payload (3).
    /// let frame = [0x82, 0x83, 1, 2, 3, 4, 9, 9, 9];
    /// let mut up = Upgraded::new(Async::new(server)?, frame.to_vec());
    /// assert!(!up.at_rest(), "read ahead, not handed over yet");
    /// let mut head = [0; 6];
    /// async_io::block_on(up.read_exact(&mut head))?;
    /// assert!(!up.at_rest(), "in the middle of the frame");
    /// let mut payload = [0; 3];
    /// async_io::block_on(up.read_exact(&mut payload))?;
    /// assert!(up.at_rest());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn at_rest(&self) -> bool {
        self.pos >= self.prefix.len() && self.frames.between()
    }

    /// Unwraps the socket, the bytes read ahead and not handed over, and the connection's
    /// count ([`leased`](Self::leased)).
    pub(crate) fn into_lease(mut self) -> (Async<TcpStream>, Vec<u8>, Option<ConnGuard>) {
        let lease = self.lease.take();
        let (io, rest) = self.into_parts();
        (io, rest, lease)
    }

    /// The socket.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::websocket::Upgraded;
    /// # use std::net::{TcpListener, TcpStream};
    /// # use async_io::Async;
    /// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
    /// # let mut client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    /// # let (server, _) = l.accept().unwrap();
    /// let up = Upgraded::new(Async::new(server)?, Vec::new());
    /// assert_eq!(up.get_ref().get_ref().peer_addr()?, client.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn get_ref(&self) -> &Async<TcpStream> {
        &self.io
    }

    /// Unwraps the socket and the bytes of the prefix not read yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::AsyncReadExt;
    /// use vango::server::websocket::Upgraded;
    /// # use std::net::{TcpListener, TcpStream};
    /// # use async_io::Async;
    /// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
    /// # let mut client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    /// # let (server, _) = l.accept().unwrap();
    /// let mut up = Upgraded::new(Async::new(server)?, b"abc".to_vec());
    /// let mut one = [0; 1];
    /// async_io::block_on(up.read_exact(&mut one))?;
    /// let (_io, unread) = up.into_parts();
    /// assert_eq!(unread, b"bc");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn into_parts(mut self) -> (Async<TcpStream>, Vec<u8>) {
        self.prefix.drain(..self.pos);
        (self.io, self.prefix)
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pos < this.prefix.len() {
            let n = buf.len().min(this.prefix.len() - this.pos);
            let n = this.frames.take(&this.prefix[this.pos..this.pos + n]);
            buf[..n].copy_from_slice(&this.prefix[this.pos..this.pos + n]);
            this.pos += n;
            if this.pos == this.prefix.len() {
                // Free it: the prefix is read once, the connection may live for hours.
                this.prefix = Vec::new();
                this.pos = 0;
            }
            return Poll::Ready(Ok(n));
        }
        loop {
            if this.parked {
                // Ready once the reactor delivered a readable event since the park
                // registered this task (or at once if an event came in between).
                if let Err(e) = ready!(this.io.poll_readable(cx)) {
                    return Poll::Ready(Err(e));
                }
                this.parked = false;
            }
            #[cfg(test)]
            {
                this.reads += 1;
            }
            let mut sock: &TcpStream = this.io.get_ref();
            // Zeroed for every read syscall: small, so that costs little next to the call.
            let mut ahead = [0u8; READ_AHEAD];
            // A large read inside a frame's payload goes straight to the caller, never
            // past the frame's end; any other reads ahead, so that a message arriving in
            // one segment costs one syscall however the codec asks.
            let direct = match this.frames.payload_left() {
                Some(left) if buf.len() >= READ_AHEAD => Some(left.min(buf.len() as u64)),
                _ => None,
            };
            let into: &mut [u8] = match direct {
                Some(n) => &mut buf[..n as usize],
                None => &mut ahead,
            };
            match io::Read::read(&mut sock, into) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => this.parked = true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Ok(n) if direct.is_none() => {
                    let k = this.frames.take(&ahead[..n.min(buf.len())]);
                    buf[..k].copy_from_slice(&ahead[..k]);
                    if n > k {
                        // Held only until the codec takes it (freed above once read).
                        this.prefix = ahead[k..n].to_vec();
                        this.pos = 0;
                    }
                    return Poll::Ready(Ok(k));
                }
                Ok(n) => {
                    this.frames.take(&buf[..n]);
                    return Poll::Ready(Ok(n));
                }
                res => return Poll::Ready(res),
            }
        }
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_close(cx)
    }
}

/// Bytes one read syscall of an [`Upgraded`] socket asks for when the codec asks for less
/// (what the codec's own 256-byte buffer read at a time before it went).
const READ_AHEAD: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::AsyncReadExt;
    use std::io::Write;
    use std::net::TcpListener;

    fn pair() -> (Upgraded, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (server, _) = l.accept().unwrap();
        (
            Upgraded::new(Async::new(server).unwrap(), Vec::new()),
            client,
        )
    }

    #[test]
    fn an_empty_socket_is_read_once_until_it_becomes_readable() {
        let (mut up, mut client) = pair();
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut buf = [0u8; 16];
        for _ in 0..5 {
            assert!(Pin::new(&mut up).poll_read(&mut cx, &mut buf).is_pending());
        }
        // One EAGAIN, then the parked polls ask the reactor, not the socket.
        assert_eq!(up.reads, 1);
        client.write_all(b"hello").unwrap();
        let n = async_io::block_on(up.read(&mut buf)).unwrap();
        assert_eq!(&buf[..n], b"hello");
        let before = up.reads;
        assert!(Pin::new(&mut up).poll_read(&mut cx, &mut buf).is_pending());
        assert!(Pin::new(&mut up).poll_read(&mut cx, &mut buf).is_pending());
        assert_eq!(up.reads, before + 1, "parked again after the data was read");
        // A peer's close while parked still ends the stream.
        drop(client);
        assert_eq!(async_io::block_on(up.read(&mut buf)).unwrap(), 0);
    }

    /// A masked binary frame with `len` payload bytes.
    fn frame(len: usize) -> Vec<u8> {
        let mut f = vec![0x82];
        if len < 126 {
            f.push(0x80 | len as u8);
        } else {
            f.push(0x80 | 126);
            f.extend_from_slice(&(len as u16).to_be_bytes());
        }
        f.extend_from_slice(&[1, 2, 3, 4]);
        f.extend((0..len).map(|i| i as u8));
        f
    }

    /// The codec asks for a few bytes at a time; a message that arrived in one segment is
    /// still one syscall, no read crosses a frame's end, and what the codec has not taken
    /// yet is freed once it has.
    #[test]
    fn small_reads_read_ahead_once_and_free_the_rest() {
        let (mut up, mut client) = pair();
        let (a, b) = (frame(100), frame(50));
        let sent = [a.clone(), b].concat();
        assert!(sent.len() <= READ_AHEAD);
        client.write_all(&sent).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 14];
        let mut ends = Vec::new();
        while got.len() < sent.len() {
            let n = async_io::block_on(up.read(&mut buf)).unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
            ends.push(got.len());
            assert_eq!(up.at_rest(), got.len() == sent.len());
        }
        assert_eq!(got, sent);
        assert!(
            ends.contains(&a.len()),
            "a read stopped at the first frame's end"
        );
        assert_eq!(up.reads, 1, "one syscall for the segment");
        assert_eq!(up.prefix.capacity(), 0, "nothing held once taken");
    }

    /// Inside a frame's payload a read as large as the read-ahead goes straight to the
    /// caller, and stops at the frame's end.
    #[test]
    fn payload_reads_go_straight_to_the_caller_up_to_the_frame_end() {
        let (mut up, mut client) = pair();
        let f = frame(1000);
        client.write_all(&f).unwrap();
        client.write_all(&frame(3)).unwrap();
        let mut got = Vec::new();
        let mut big = vec![0u8; 4096];
        while got.len() < f.len() {
            let before = (up.reads, up.prefix.len() - up.pos);
            let n = async_io::block_on(up.read(&mut big)).unwrap();
            got.extend_from_slice(&big[..n]);
            if before.1 == 0 && got.len() > READ_AHEAD {
                assert_eq!(up.reads, before.0 + 1);
                assert_eq!(
                    up.prefix.capacity(),
                    0,
                    "read straight into the caller's buffer"
                );
            }
        }
        assert_eq!(got, f, "not one byte of the next frame");
        assert!(up.at_rest());
        let n = async_io::block_on(up.read(&mut big)).unwrap();
        assert_eq!(&big[..n], &frame(3)[..]);
    }

    #[test]
    fn the_prefix_is_read_before_the_socket() {
        let (up, mut client) = pair();
        let (io, _) = up.into_parts();
        let mut up = Upgraded::new(io, b"ab".to_vec());
        client.write_all(b"cd").unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 1];
        while got.len() < 4 {
            let n = async_io::block_on(up.read(&mut buf)).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"abcd");
    }
}
