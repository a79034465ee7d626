// The WebSocket session: Hello/resume, numbered events kept until acknowledged, patch
// frames in order, ping/pong, reconnect with backoff, connection-state class on <html>.
// Touches the socket, sessionStorage (reload back-off only) and location (reloads).
import * as C from './constants.js';
import { encode, decode } from './codec.js';
import { apply } from './dom.js';
import { optimistic } from './optimistic.js';
import { setSend } from './sender.js';

// The session id lives only as long as this page: a reload mounts a fresh session.
let sid = '';
let ws, ready, alive, beat, tries = 0, nonce = 0;
let pseq = 0; // seq of the last Patches frame applied
let eseq = 0; // seq of the last event sent
let pending = []; // events not yet acknowledged: {s: seq, b: bytes, u: undo}

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

// Reloads the page on a fresh session; backs off if the last reload was moments ago.
const reload = () => {
  const last = +store('vango-r');
  sid = '';
  store('vango-r', Date.now());
  setTimeout(() => location.reload(), Date.now() - last < 1e4 ? 5e3 : 0);
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
    if (y == 2) return reload();
    if (!y) pseq = 0; // a new session numbers its patches from 1
    sid = f[3];
    eseq = Math.max(eseq, f[4]);
    settle((s) => s > f[4]);
    ready = 1;
    tries = 0;
    state('connected');
    pending.forEach((p) => ws.send(p.b));
  } else if (t == C.PATCHES) {
    if (x != pseq + 1) return x > pseq && put('bU', [C.RESYNC, pseq]);
    settle((s) => s > y);
    try { apply(f[3]); } catch (err) { console.error(err); return reload(); }
    pseq = x;
  } else if (t == C.ACK) settle((s) => s > x);
  else if (t == C.REJECT) settle((s) => s != x);
  else if (t == C.S_PING) put('bU', [C.PONG, x]);
  else if (t == C.S_CLOSE) {
    // These causes would come back with the same events on the next connection.
    if (x == C.C_MALFORMED || x == C.C_TOO_LARGE || x == C.C_UNKNOWN) settle(() => 0);
  } else if (t == C.S_ERROR) reload();
}

const closed = () => {
  ready = 0;
  clearInterval(beat);
  state('disconnected');
  setTimeout(connect, Math.min(3e4, 300 * 2 ** tries++) * (0.5 + Math.random() / 2));
};

// Opens the socket and says Hello with the page's CSRF token and render hash.
export function connect() {
  const d = (document.getElementById('vango-boot') || {}).dataset || {};
  state('connecting');
  const w = (ws = new WebSocket((location.protocol == 'https:' ? 'wss://' : 'ws://') +
    location.host + '/_vango/ws'));
  w.binaryType = 'arraybuffer';
  w.onopen = () => {
    put('bbssUUus', [C.HELLO, C.VERSION, d.csrf || '', sid, pseq, eseq, +d.hash || 0,
      location.pathname + location.search]);
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

// Abandons a socket that stopped answering or spoke garbage, and reconnects.
function drop() {
  ws.onclose = ws.onmessage = null;
  try { ws.close(); } catch {}
  closed();
}
