// Dev-mode error overlay (served only in dev mode, never part of the core client). Loaded
// before the client: wraps window.WebSocket to see every frame (for the panel too) and the
// ServerHello's session id, then long-polls that session's dev channel
// (/_vango/dev/session/ID: the server holds each request until there is something new)
// and shows each caught panic and hydration mismatch. Touches
// window.WebSocket, sessionStorage ('vango-dev': the last session and event seen, so that
// a session ended by a panic still shows it after the client reloads) and its own DOM.

const dev = (window.__vangoDev = { frames: [], state: null, sid: '', subs: [] });
const emit = () => dev.subs.forEach((f) => f());

// Reads the ServerHello's session id: type, version, status, then a varint length and
// the UTF-8 id.
const helloSid = (b) => {
  let i = 3, n = 0, s = 0, x;
  do { x = b[i++]; n |= (x & 127) << s; s += 7; } while (x & 128);
  return new TextDecoder().decode(b.subarray(i, i + n));
};

const record = (dir, data) => {
  if (!(data instanceof ArrayBuffer)) return;
  const b = new Uint8Array(data);
  dev.frames.push({ dir, bytes: b, size: b.length, time: Date.now() });
  if (dev.frames.length > 200) dev.frames.shift();
  if (dir == 'in' && b[0] == 0x81) watch(helloSid(b));
  emit();
};

const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(url, protocols) {
    super(url, protocols);
    this.addEventListener('message', (m) => record('in', m.data));
  }
  send(d) {
    record('out', d instanceof ArrayBuffer ? d : d && d.buffer ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d);
    super.send(d);
  }
};

let box, list;
const show = (ev) => {
  if (!box) {
    box = document.createElement('div');
    box.id = 'vango-dev-overlay';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;left:0;right:0;top:0;max-height:60vh;overflow:auto;z-index:2147483647;' +
      'background:#2b0d0d;color:#fee;font:13px/1.4 ui-monospace,monospace;padding:12px 16px;box-shadow:0 2px 12px #0008';
    const x = document.createElement('button');
    x.textContent = '×';
    x.className = 'vd-close';
    x.style.cssText = 'float:right;background:none;border:0;color:#fee;font-size:20px;cursor:pointer';
    x.onclick = () => { box.remove(); box = null; };
    box.append(x);
    list = box;
    document.body.append(box);
  }
  const e = document.createElement('div');
  e.className = 'vd-error';
  e.style.cssText = 'margin:6px 0;padding-top:6px;border-top:1px solid #744';
  const line = (cls, text, css) => {
    const d = document.createElement(cls == 'vd-diff' ? 'pre' : 'div');
    d.className = cls;
    d.textContent = text;
    if (css) d.style.cssText = css;
    e.append(d);
  };
  if (ev.type == 'hydration') {
    line('vd-title', 'Hydration mismatch: the first paint and the live render differ', 'font-weight:bold;color:#fbb');
    line('vd-diff', ev.diff, 'white-space:pre-wrap;margin:4px 0');
  } else {
    line('vd-title', `Panic in a ${ev.kind}` + (ev.fatal ? ' (the session ended)' : ' (caught by an error boundary; the session goes on)'), 'font-weight:bold;color:#fbb');
    line('vd-message', ev.message, 'font-size:15px;white-space:pre-wrap');
    line('vd-location', ev.location ? 'at ' + ev.location : 'at an unknown location');
    line('vd-path', 'in component ' + (ev.path || '(none)'), 'color:#fcc');
  }
  list.append(e);
};

const saved = () => { try { return JSON.parse(sessionStorage.getItem('vango-dev')) || {}; } catch { return {}; } };
const save = (sid, next) => { try { sessionStorage.setItem('vango-dev', JSON.stringify({ sid, next })); } catch {} };

// Fetches the events of channel sid from `since` on (with `sv`, the state version held,
// and `long`, a long poll: answered when an event or a newer state is published, or at
// the server's timeout); shows them; returns the next index, the state version and the
// index the next page should read from (a fatal panic's own: the client reloads after it,
// and the new page shows it again).
const poll = async (sid, since, sv, long) => {
  const wait = long && sv >= 0 ? `&sv=${sv}&wait=1` : '';
  const r = await fetch(`/_vango/dev/session/${encodeURIComponent(sid)}?since=${since}${wait}`, { cache: 'no-store' });
  if (!r.ok) throw new Error(`dev channel: ${r.status}`);
  const j = await r.json();
  j.events.forEach(show);
  if (sid == dev.sid) {
    dev.state = j.state;
    emit();
  }
  const fatal = j.events.findIndex((e) => e.fatal);
  return [j.next, j.sv, fatal < 0 ? j.next : j.next - j.events.length + fatal];
};

let timer;
function watch(sid) {
  if (sid == dev.sid) return;
  dev.sid = sid;
  clearTimeout(timer);
  let next = 0, sv = -1;
  const tick = async () => {
    // The next poll goes at once after news; after an answer with nothing new (the wait
    // ended) a little later, and a second later after a failure (the server restarting,
    // or holding too many polls), so no answer makes a busy loop.
    // Only one tab of the site holds a long poll (a Web Lock): the browser allows six
    // connections per host, and every tab held open would leave none to load pages.
    // The others ask every 300 ms.
    let delay = 1000;
    try {
      const locks = navigator.locks;
      const [n, v, replay] = locks
        ? await locks.request('vango-dev-poll', { ifAvailable: true }, (lock) => poll(sid, next, sv, !!lock))
        : await poll(sid, next, sv, false);
      delay = n != next || v != sv ? 0 : 300;
      [next, sv] = [n, v];
      if (sid == dev.sid) save(sid, replay);
    } catch {}
    if (sid == dev.sid) timer = setTimeout(tick, delay);
  };
  tick();
}

// What the previous page's session reported after its last poll (a panic that ended it,
// then the client reloaded).
const last = saved();
if (last.sid) {
  const go = () => poll(last.sid, last.next || 0, -1).catch(() => {});
  document.readyState == 'loading' ? addEventListener('DOMContentLoaded', go) : go();
}
