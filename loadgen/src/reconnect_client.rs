//! The reconnect workload's client: one counter session tracked the way
//! `client/src/socket.js` tracks it (patch and event seqs, pending events, resume, resync).
//! Touches only the socket it owns.

use std::net::SocketAddr;
use std::time::Duration;

use async_tungstenite::tungstenite::Message;
use futures_lite::{future, StreamExt};
use smol::Timer;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::patch::Patch;
use vango::vdom::{Event, EventData};

use crate::net::{self, Ws};

/// A frame that does not come within this is an error.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Resync frames one resume may need before it counts as a loop.
const MAX_RESYNCS: u32 = 3;
/// One session, tracked the way `client/src/socket.js` tracks it.
pub(crate) struct Client {
    pub(crate) ws: Option<Ws>,
    pub(crate) addr: SocketAddr,
    pub(crate) src: u8,
    pub(crate) csrf: String,
    pub(crate) hash: u32,
    pub(crate) session: String,
    /// The "+" button's hid.
    pub(crate) plus: u32,
    /// Seq of the last Patches frame applied.
    pub(crate) pseq: u64,
    /// Highest event seq acknowledged by an applied frame.
    pub(crate) pack: u64,
    /// Seq of the last event sent or queued.
    pub(crate) eseq: u64,
    /// Events not yet acknowledged.
    pub(crate) pending: Vec<u64>,
    /// The count text the client's DOM shows.
    pub(crate) count: Option<i64>,
    /// The count before the current case's clicks.
    pub(crate) before: i64,
    /// Per resume: frames applied, full renders among them, resyncs sent.
    pub(crate) applied: u32,
    pub(crate) full_renders: u32,
    pub(crate) resyncs: u32,
}

/// The number after "Count: " in `text` (a SetText or a rendered subtree).
fn count_in(text: &str) -> Option<i64> {
    let rest = &text[text.find("Count: ")? + 7..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '-')
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn encode(f: ClientFrame) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    f.encode(&mut out);
    out
}

impl Client {
    pub(crate) async fn open(idx: usize, addr: SocketAddr, warm: usize) -> Result<Client, String> {
        let src = 1 + (idx % 16) as u8;
        let o = net::open_session(src, addr).await?;
        let plus = *net::clickable_hids(&o.html)
            .first()
            .ok_or("page has no button")?;
        let mut c = Client {
            count: count_in(&o.html),
            ws: Some(o.ws),
            addr,
            src,
            csrf: o.csrf,
            hash: o.hash,
            session: o.session,
            plus,
            pseq: 0,
            pack: 0,
            eseq: 0,
            pending: Vec::new(),
            before: 0,
            applied: 0,
            full_renders: 0,
            resyncs: 0,
        };
        for _ in 0..warm {
            let s = c.click().await?;
            c.until_ack(s).await?;
        }
        Ok(c)
    }

    pub(crate) async fn put(&mut self, bytes: Vec<u8>) -> Result<(), String> {
        let ws = self.ws.as_mut().ok_or("not connected")?;
        ws.send(Message::binary(bytes))
            .await
            .map_err(|e| format!("send: {e}"))
    }

    /// The next frame other than a Ping (answered here).
    pub(crate) async fn recv(&mut self) -> Result<ServerFrame, String> {
        loop {
            let ws = self.ws.as_mut().ok_or("not connected")?;
            let msg = future::or(async { Some(ws.next().await) }, async {
                Timer::after(READ_TIMEOUT).await;
                None
            })
            .await;
            match msg {
                None => return Err("no frame within 10 s".into()),
                Some(Some(Ok(Message::Binary(b)))) => match decode_server(&b) {
                    Ok(ServerFrame::Ping(n)) => self.put(encode(ClientFrame::Pong(n))).await?,
                    Ok(f) => return Ok(f),
                    Err(e) => return Err(format!("decode: {e}")),
                },
                Some(Some(Ok(_))) => {}
                Some(other) => return Err(format!("connection ended: {other:?}")),
            }
        }
    }

    /// Sends (or, offline, queues) one click on "+"; returns its seq.
    pub(crate) async fn click(&mut self) -> Result<u64, String> {
        self.eseq += 1;
        self.pending.push(self.eseq);
        if self.ws.is_some() {
            self.send_click(self.eseq).await?;
        }
        Ok(self.eseq)
    }

    pub(crate) async fn send_click(&mut self, seq: u64) -> Result<(), String> {
        let event = Event {
            hid: self.plus,
            name: "click",
            data: EventData::None,
        };
        self.put(encode(ClientFrame::Event { seq, event })).await
    }

    /// Applies one frame as the browser client does: Patches strictly in seq order, a gap
    /// answered with Resync, a repeat is an error (an event would land twice).
    pub(crate) async fn apply(&mut self, f: ServerFrame) -> Result<(), String> {
        match f {
            ServerFrame::Patches { seq, ack, ops } => {
                if seq != self.pseq + 1 {
                    if seq <= self.pseq {
                        return Err(format!("patch seq {seq} again (applied {})", self.pseq));
                    }
                    self.resyncs += 1;
                    if self.resyncs > MAX_RESYNCS {
                        return Err(format!(
                            "resync loop: patch seq {seq} while {} applied, {} Resyncs sent",
                            self.pseq, MAX_RESYNCS
                        ));
                    }
                    let last_patch_seq = self.pseq;
                    return self
                        .put(encode(ClientFrame::Resync { last_patch_seq }))
                        .await;
                }
                for op in &ops {
                    match op {
                        Op::Patch(Patch::SetText { text, .. }) => {
                            if let Some(n) = count_in(text) {
                                self.count = Some(n);
                            }
                        }
                        Op::Patch(Patch::ReplaceNode { html, .. }) => {
                            self.full_renders += 1;
                            self.count = Some(count_in(html).ok_or("full render has no count")?);
                        }
                        _ => {}
                    }
                }
                self.pseq = seq;
                self.pack = self.pack.max(ack);
                self.applied += 1;
                self.pending.retain(|&s| s > ack);
            }
            ServerFrame::Ack(a) => {
                self.pack = self.pack.max(a);
                self.pending.retain(|&s| s > a);
            }
            other => return Err(format!("unexpected frame {other:?}")),
        }
        Ok(())
    }

    /// Applies frames until event `seq` is acknowledged.
    pub(crate) async fn until_ack(&mut self, seq: u64) -> Result<(), String> {
        while self.pack < seq {
            let f = self.recv().await?;
            self.apply(f).await?;
        }
        Ok(())
    }

    /// Reads (and drops: lost in flight) frames until event `seq` is acknowledged.
    pub(crate) async fn lose_until_ack(&mut self, seq: u64) -> Result<(), String> {
        loop {
            match self.recv().await? {
                ServerFrame::Patches { ack, .. } | ServerFrame::Ack(ack) if ack >= seq => {
                    return Ok(())
                }
                ServerFrame::Patches { .. } | ServerFrame::Ack(_) => {}
                other => return Err(format!("unexpected frame {other:?}")),
            }
        }
    }

    /// Reconnects and resumes: new TCP connection, WebSocket upgrade, Hello with the session
    /// id and last applied patch seq; returns once usable (see the module docs).
    pub(crate) async fn resume(&mut self) -> Result<(), String> {
        (self.applied, self.full_renders, self.resyncs) = (0, 0, 0);
        let ws = net::open_ws_lean(self.src, self.addr)
            .await
            .map_err(|e| format!("reconnect: {e}"))?;
        self.ws = Some(ws);
        let hello = ClientFrame::Hello {
            version: vango::protocol::VERSION,
            csrf: self.csrf.clone(),
            session: self.session.clone(),
            last_patch_seq: self.pseq,
            last_event_seq: self.eseq,
            render_hash: self.hash,
            path: "/".into(),
        };
        self.put(encode(hello)).await?;
        let last = match self.recv().await? {
            ServerFrame::ServerHello {
                status: HelloStatus::Resumed,
                last_event_seq,
                ..
            } => last_event_seq,
            other => return Err(format!("expected ServerHello(Resumed), got {other:?}")),
        };
        self.pending.retain(|&s| s > last);
        self.until_ack(last).await
    }

    /// Resends the events the server had not applied; returns how many.
    pub(crate) async fn resend(&mut self) -> Result<u64, String> {
        let pending = self.pending.clone();
        for &s in &pending {
            self.send_click(s).await?;
        }
        Ok(pending.len() as u64)
    }

    pub(crate) fn expect_count(&self, want: i64, when: &str) -> Result<(), String> {
        match self.count {
            Some(n) if n == want => Ok(()),
            other => Err(format!("{when}: count {other:?}, expected {want}")),
        }
    }
}
