// The WebSocket session: Hello/resume, numbered events kept until acknowledged, patch
// frames in order, ping/pong, reconnect with backoff, starting over when the session is
// gone (after a server restart), connection-state class on <html>.
// Touches the socket, fetch (a fresh page token), sessionStorage (reload back-off only)
// and location (reloads).
import * as C from './constants.js';
import { encode, decode } from './codec.js';
import { apply } from './dom.js';
import { optimistic } from './optimistic.js';
import { setSend } from './sender.js';
import { loc } from './events.js';
import { all } from './hooks.js';

// The session id lives only as long as this page: a reload mounts a fresh session.
let sid = '';
let ws, ready, alive, beat, tries = 0, nonce = 0;
let pseq = 0; // seq of the last Patches frame applied
let eseq = 0; // seq of the last event sent
let pending = []; // events not yet acknowledged: {s: seq, b: bytes, u: undo}
// The page's CSRF token (replaced by a fresh one when refused) and render hash (0 once a
// patch changed the DOM: a new session then sends a full render).
let tok, hash;
let why; // the close code the server gave this socket; -1: the session is gone
let renewed; // the token in use was fetched after a refusal
let up; // a connection was made before (hooks get reconnected on the next)

const store = (k, v) => {
  try { return v == null ? sessionStorage.getItem(k) || '' : sessionStorage.setItem(k, v); } catch {}
  return '';
};

const put = (sig, vals) => { try { ws.send(encode(sig, vals)); } catch {} };

const state = (s) => {
  const l = document.documentElement.classList;
  l.remove('vango-connecting', 'vango-connected', 'vango-disconnected');
  l.add('vango-' + s);
};

// Reloads the page on a fresh session: the last resort. Reloads less than a minute apart
// wait longer each time (4 s, 16 s, 64 s, then 5 min), so a page that cannot connect
// never reloads in a loop.
const reload = () => {
  const [n, t] = store('vango-r').split(',');
  const k = Date.now() - t < 6e4 ? +n + 1 : 0;
  const d = k && Math.min(3e5, 4 ** k * 1e3);
  sid = '';
  store('vango-r', k + ',' + (Date.now() + d));
  setTimeout(() => location.reload(), d);
};

// Calls f at once on the first try (a cut socket is usually back at once), then after a
// jittered backoff that grows slowly with each failed try (100–200 ms, then 1.3 times more
// per try, up to 15–30 s): a server restarting within a few seconds finds its tabs back
// within a second of listening, and many tabs retrying do not come back in step.
const later = (f) => setTimeout(f, tries++ && Math.min(3e4, 200 * 1.3 ** Math.max(0, tries - 2)) * (0.5 + Math.random() / 2));

// The server refused the token (expired, or signed with a key it no longer has): fetches
// the page for a fresh one and says Hello again (the fetch retried while the server is
// unreachable); reloads if the page has no new token or the new one is refused too.
const renew = () => {
  if (renewed) return reload();
  fetch(location.href, { cache: 'no-store' }).then((r) => r.text().then((h) => {
    const t = new DOMParser().parseFromString(h, 'text/html').getElementById('vango-boot')?.dataset.csrf;
    if (!t || t == tok) return reload();
    tok = t;
    renewed = 1;
    connect();
  }), () => later(renew));
};

// Forgets the pending events keep() rejects, undoing their optimistic updates.
const settle = (keep) => {
  pending = pending.filter((p) => keep(p.s) || (p.u && p.u(), 0));
};

// Sends an event (or queues it while offline); el is the handling element (null: hid 0).
export function send(el, code, sig, vals) {
  let b;
  try {
    b = encode('bUub' + sig, [C.EVENT, eseq + 1, el ? +el.dataset.hid : 0, code, ...vals]);
  } catch { return; } // over the protocol limits: the server would close on it
  if (pending.length > 255) return;
  pending.push({ s: ++eseq, b, u: optimistic(el) });
  if (ready) ws.send(b);
}
setSend(send);

// Handles one server frame.
export function recv(bytes) {
  alive = 1;
  const f = decode(bytes), [t, x, y] = f;
  if (t == C.S_HELLO) {
    if (y == 2) {
      // Gone (the server restarted, or the session expired): start over on a new socket
      // at once, without the events the old session never applied.
      sid = '';
      pseq = eseq = 0;
      settle(() => 0);
      why = -1;
      return ws.close();
    }
    if (!y) pseq = 0; // a new session numbers its patches from 1
    sid = f[3];
    eseq = Math.max(eseq, f[4]);
    settle((s) => s > f[4]);
    ready = 1;
    tries = renewed = 0;
    state('connected');
    up && all('reconnected');
    up = 1;
    pending.forEach((p) => ws.send(p.b));
  } else if (t == C.PATCHES) {
    if (x != pseq + 1) return x > pseq && put('bU', [C.RESYNC, pseq]);
    settle((s) => s > y);
    hash = 0;
    try { apply(f[3]); } catch (err) { console.error(err); return reload(); }
    pseq = x;
  } else if (t == C.ACK) settle((s) => s > x);
  else if (t == C.REJECT) settle((s) => s != x);
  else if (t == C.S_PING) put('bU', [C.PONG, x]);
  else if (t == C.S_CLOSE) {
    why = x;
    // These causes would come back with the same events on the next connection.
    if (x == C.C_MALFORMED || x == C.C_TOO_LARGE || x == C.C_UNKNOWN) settle(() => 0);
    // Done with this socket now: the server may linger before the TCP close, and events
    // sent meanwhile would be lost on a closing socket (they wait in pending instead).
    drop();
  } else if (t == C.S_ERROR) reload();
}

// Reconnects: at once when the session is gone or the server said it is shutting down;
// after a refused token, with a fresh one; otherwise with jittered backoff, kept short for
// a few seconds after a shutdown (a restart: it should be back soon).
const closed = () => {
  ready && all('disconnected');
  ready = 0;
  clearInterval(beat);
  state('disconnected');
  if (why == C.C_FORBIDDEN) return renew();
  if (why < 0) return connect();
  // A restart behind a held socket (systemd) is accepting already: try at once.
  if (why == C.C_SHUTDOWN) return (tries = -30), connect();
  later(connect);
};

// Opens the socket and says Hello with the page's CSRF token and render hash.
export function connect() {
  if (tok == null) {
    const d = document.getElementById('vango-boot')?.dataset || {};
    tok = d.csrf || '';
    hash = +d.hash || 0;
  }
  why = 0;
  state('connecting');
  // http://host → ws://host, https://host → wss://host.
  const w = (ws = new WebSocket('ws' + location.origin.slice(4) + '/_vango/ws'));
  w.binaryType = 'arraybuffer';
  // A proxy or a stuck server that takes the connection and never answers the upgrade or
  // the Hello would otherwise hold the tab on this socket for good.
  setTimeout(() => ws == w && !ready && drop(), 1e4);
  w.onopen = () => {
    put('bbssUUus', [C.HELLO, C.VERSION, tok, sid, pseq, eseq, hash, loc()]);
    alive = 1;
    beat = setInterval(() => {
      if (!alive) return drop();
      alive = 0;
      put('bU', [C.PING, ++nonce]);
    }, 2e4);
  };
  w.onmessage = (m) => {
    try { recv(new Uint8Array(m.data)); } catch (err) { console.error(err); drop(); }
  };
  w.onclose = closed;
}

// The tab is going away: the server frees the session now (and its components unmount)
// instead of keeping it for a reconnect that will not come.
addEventListener('pagehide', () => ready && put('bbs', [C.CLOSE, 0, '']));

// The open socket (0 while offline), for the upload script's binary frames.
export const sock = () => ready && ws;

// Abandons a socket that stopped answering or spoke garbage, and reconnects.
function drop() {
  ws.onclose = ws.onmessage = null;
  try { ws.close(); } catch {}
  closed();
}
