// Dev-mode panel (served only in dev mode, never part of the core client): the frames as
// they pass (type, the ops of each Patches frame, size, time), the component tree with
// render counts and the session's named signals with their values. Reads what overlay.js
// (loaded first) collects in window.__vangoDev; touches only its own DOM.

const dev = window.__vangoDev;

const TYPES = {
  0x01: 'Hello', 0x02: 'Event', 0x03: 'Ping', 0x04: 'Pong', 0x05: 'Resync', 0x06: 'Close', 0x07: 'Upload',
  0x81: 'ServerHello', 0x82: 'Patches', 0x83: 'Ack', 0x84: 'Ping', 0x85: 'Pong', 0x86: 'Reject', 0x87: 'Close', 0x88: 'Error',
};
// Each op's name and fields: u = varint, s = string, b = byte.
const OPS = {
  0x01: ['SetText', 'uus'], 0x02: ['SetAttr', 'uss'], 0x03: ['RemoveAttr', 'us'], 0x04: ['SetPropStr', 'uss'],
  0x05: ['SetPropBool', 'usb'], 0x06: ['InsertChild', 'uus'], 0x07: ['RemoveChild', 'uu'], 0x08: ['MoveChild', 'uuu'],
  0x09: ['ReplaceChild', 'uus'], 0x0a: ['ReplaceNode', 'us'], 0x0b: ['SetInnerHtml', 'us'], 0x20: ['PushUrl', 'bs'],
  0x21: ['HookEvent', 'uss'], 0x22: ['Focus', 'u'], 0x23: ['SetTitle', 's'], 0x24: ['CookieTicket', 's'], 0x2d: ['LoadScript', 's'],
};

// A frame as one line: its type, and for Patches its seq and ops (stops at anything it
// cannot read: this is a viewer, not a validator).
const describe = (b) => {
  const name = TYPES[b[0]] || '0x' + b[0].toString(16);
  if (b[0] != 0x82) return name;
  let i = 1;
  const uv = () => { let n = 0, s = 0, x; do { x = b[i++]; n += (x & 127) * 2 ** s; s += 7; } while (x & 128 && i < b.length); return n; };
  const seq = uv(); uv();
  const count = uv(), ops = [];
  for (let k = 0; k < count && i < b.length; k++) {
    const op = OPS[b[i++]];
    if (!op) { ops.push('?'); break; }
    for (const f of op[1]) f == 'u' ? uv() : f == 'b' ? i++ : (i += uv());
    ops.push(op[0]);
  }
  return `Patches #${seq}: ${ops.join(', ')}`;
};

const el = (tag, css, text) => {
  const e = document.createElement(tag);
  if (css) e.style.cssText = css;
  if (text != null) e.textContent = text;
  return e;
};

let root, body, open = false, queued = false;
const section = (title, cls, rows) => {
  const s = el('section', 'margin:4px 0');
  s.className = cls;
  s.append(el('div', 'font-weight:bold;color:#9cf', title));
  rows.forEach((r) => {
    const d = el('div', 'white-space:pre-wrap;word-break:break-all', r);
    d.className = 'vd-row';
    s.append(d);
  });
  return s;
};

const draw = () => {
  queued = false;
  if (!root) {
    root = el('div', 'position:fixed;right:8px;bottom:8px;z-index:2147483646;font:12px/1.35 ui-monospace,monospace;' +
      'background:#111c;color:#eee;border-radius:6px;max-width:46vw;max-height:50vh;overflow:auto;padding:4px 8px');
    root.id = 'vango-dev-panel';
    const t = el('button', 'background:none;border:0;color:#9cf;cursor:pointer;font:inherit', 'Vango dev ▸');
    t.className = 'vd-toggle';
    t.onclick = () => { open = !open; t.textContent = open ? 'Vango dev ▾' : 'Vango dev ▸'; body.hidden = !open; };
    body = el('div');
    body.hidden = true;
    root.append(t, body);
    document.body.append(root);
  }
  const st = dev.state || { components: [], signals: [] };
  const t0 = dev.frames.length ? dev.frames[0].time : 0;
  body.replaceChildren(
    section('Frames', 'vd-frames', dev.frames.slice(-40).map((f) =>
      `${f.dir == 'in' ? '↓' : '↑'} ${describe(f.bytes)} · ${f.size} B · +${f.time - t0} ms`)),
    section('Components', 'vd-components', st.components.map((c) => `${c.path} · ${c.renders} renders`)),
    section('Signals', 'vd-signals', st.signals.map((s) => `${s.name} = ${s.value}`)),
  );
};

dev.subs.push(() => {
  if (!queued && document.body) {
    queued = true;
    requestAnimationFrame(draw);
  }
});
