//! Hold workload: keeps N counter sessions live against a server this tool did not start
//! (`--target ADDR`), each clicking now and then, for a fixed time, while something else
//! restarts that server. A session whose socket ends opens a fresh one at once (page GET,
//! Hello) the way the browser client does when its old session is gone. Counts refused
//! connects (the measure a socket-activated restart must keep at zero), other failures, and
//! each session's time from losing its socket to a click answered again.
//!
//! All sessions run on this one client thread, which shares the machine with the server.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Message;
use futures_lite::{FutureExt, StreamExt};
use smol::{LocalExecutor, Timer};
use vango::protocol::{decode_server, ClientFrame, ServerFrame};
use vango::vdom::{Event, EventData};

use crate::net::{self, Opened, Ws};

/// What to do.
pub struct Plan {
    /// Sessions held.
    pub sessions: usize,
    /// How long to hold them.
    pub seconds: u64,
    /// Pause between one session's clicks.
    pub click_every: Duration,
}

#[derive(Default)]
struct Tally {
    refused: u64,
    other_errors: u64,
    drops: u64,
    clicks: u64,
    /// Drop → a click answered on the new socket, per recovery.
    recoveries: Vec<Duration>,
    /// Sessions that were still down when the time ran out.
    down_at_end: u64,
}

/// How a click went on an open socket.
enum Click {
    Answered,
    /// The socket ended (close frame, reset, EOF) or an unusable answer came.
    Lost,
}

/// Sends one click to `hid` and waits (up to 5 s) for a Patches frame.
async fn click(ws: &mut Ws, seq: &mut u64, hid: u32) -> Click {
    *seq += 1;
    let mut buf = Vec::new();
    ClientFrame::Event {
        seq: *seq,
        event: Event {
            hid,
            name: "click",
            data: EventData::None,
        },
    }
    .encode(&mut buf);
    if ws.send(Message::binary(buf)).await.is_err() {
        return Click::Lost;
    }
    let wait = async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Binary(b))) => match decode_server(&b) {
                    Ok(ServerFrame::Patches { .. }) => return Click::Answered,
                    Ok(ServerFrame::Close { .. }) | Err(_) => return Click::Lost,
                    Ok(_) => {}
                },
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Click::Lost,
                Some(Ok(_)) => {}
            }
        }
    };
    wait.or(async {
        Timer::after(Duration::from_secs(5)).await;
        Click::Lost
    })
    .await
}

/// Opens a session, retrying every 20 ms until `deadline`; counts why attempts failed.
async fn open(src: u8, addr: SocketAddr, deadline: Instant, t: &RefCell<Tally>) -> Option<Opened> {
    while Instant::now() < deadline {
        match net::open_session(src, addr).await {
            Ok(o) => return Some(o),
            Err(e) => {
                {
                    let mut t = t.borrow_mut();
                    // An io::Error's text: "Connection refused (os error 111)".
                    if e.to_lowercase().contains("connection refused") {
                        t.refused += 1;
                    } else {
                        t.other_errors += 1;
                    }
                }
                Timer::after(Duration::from_millis(20)).await;
            }
        }
    }
    None
}

/// One session for the whole run.
async fn hold(i: usize, addr: SocketAddr, plan: &Plan, end: Instant, t: Rc<RefCell<Tally>>) {
    let src = (i % 200) as u8 + 1;
    // Spread the clicks over the interval so the load is steady.
    let offset = plan.click_every.mul_f64((i % 97) as f64 / 97.0);
    let Some(mut s) = open(src, addr, end, &t).await else {
        t.borrow_mut().down_at_end += 1;
        return;
    };
    Timer::after(offset).await;
    let mut seq = 0;
    let mut lost_at: Option<Instant> = None;
    while Instant::now() < end {
        let hid = net::clickable_hids(&s.html).first().copied().unwrap_or(0);
        match click(&mut s.ws, &mut seq, hid).await {
            Click::Answered => {
                {
                    let mut t = t.borrow_mut();
                    t.clicks += 1;
                    if let Some(at) = lost_at.take() {
                        t.recoveries.push(at.elapsed());
                    }
                }
                Timer::after(plan.click_every).await;
            }
            Click::Lost => {
                if lost_at.is_none() {
                    lost_at = Some(Instant::now());
                    t.borrow_mut().drops += 1;
                }
                match open(src, addr, end, &t).await {
                    Some(o) => {
                        s = o;
                        seq = 0;
                    }
                    None => break,
                }
            }
        }
    }
    if lost_at.is_some() {
        t.borrow_mut().down_at_end += 1;
    }
}

/// Runs the plan against `addr` and returns the report as one JSON line.
pub fn run(addr: SocketAddr, plan: &Plan) -> String {
    let ex = LocalExecutor::new();
    let tally = Rc::new(RefCell::new(Tally::default()));
    let end = Instant::now() + Duration::from_secs(plan.seconds);
    smol::block_on(ex.run(async {
        let tasks: Vec<_> = (0..plan.sessions)
            .map(|i| ex.spawn(hold(i, addr, plan, end, tally.clone())))
            .collect();
        for task in tasks {
            task.await;
        }
    }));
    let mut t = tally.borrow_mut();
    t.recoveries.sort();
    let pct = |p: f64| -> f64 {
        if t.recoveries.is_empty() {
            return 0.0;
        }
        let i = ((t.recoveries.len() - 1) as f64 * p).round() as usize;
        t.recoveries[i].as_secs_f64() * 1e3
    };
    format!(
        "{{\"workload\":\"hold\",\"sessions\":{},\"seconds\":{},\"clicks\":{},\"drops\":{},\
         \"recovered\":{},\"refused\":{},\"other_errors\":{},\"down_at_end\":{},\
         \"recovery_p50_ms\":{:.1},\"recovery_p99_ms\":{:.1},\"recovery_max_ms\":{:.1}}}",
        plan.sessions,
        plan.seconds,
        t.clicks,
        t.drops,
        t.recoveries.len(),
        t.refused,
        t.other_errors,
        t.down_at_end,
        pct(0.5),
        pct(0.99),
        pct(1.0),
    )
}
