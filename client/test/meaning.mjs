// Test support: the vectors' JSON meanings ↔ the client's frame arrays, a server-frame
// encoder and a client-frame decoder (the client itself needs neither direction).
import * as C from '../src/constants.js';
import { encode, FRAMES, OPS } from '../src/codec.js';

const CLASS = ['None', 'Input', 'Form', 'Key', 'Pointer', 'Wheel', 'Scroll', 'Media'];
export const className = (c) => CLASS[c];

const OP_NAMES = {
  SetText: [1, 'parent index text'], SetAttr: [2, 'hid name value'], RemoveAttr: [3, 'hid name'],
  SetPropStr: [4, 'hid name value'], SetPropBool: [5, 'hid name value'],
  InsertChild: [6, 'parent index html'], RemoveChild: [7, 'parent index'],
  MoveChild: [8, 'parent from to'], ReplaceChild: [9, 'parent index html'],
  ReplaceNode: [10, 'hid html'], SetInnerHtml: [11, 'hid html'], ClearChildren: [12, 'parent'], PushUrl: [0x20, 'replace url'],
  HookEvent: [0x21, 'hid name payload'], Focus: [0x22, 'hid'], SetTitle: [0x23, 'title'],
  CookieTicket: [0x24, 'ticket'], LoadScript: [0x2d, 'url'],
};
const SERVER = {
  ServerHello: [0x81, 'version status session last_event_seq'], Ack: [0x83, 'seq'],
  Ping: [0x84, 'nonce'], Pong: [0x85, 'nonce'], Reject: [0x86, 'seq code'],
  Close: [0x87, 'code reason'], Error: [0x88, 'code message'],
};
const pick = (j, keys) => keys.split(' ').map((k) => {
  if (!(k in j)) throw Error(`missing ${k} in ${JSON.stringify(j)}`);
  return j[k];
});

// JSON meaning of a server frame → the array decode() returns.
export function serverFromJson(j) {
  if (j.type == 'Patches') {
    return [0x82, j.seq, j.ack, j.ops.map((o) => {
      const [code, keys] = OP_NAMES[o.op];
      return [code, ...pick(o, keys)];
    })];
  }
  const [t, keys] = SERVER[j.type] || [];
  if (!t) throw Error('unknown server frame ' + j.type);
  return [t, ...pick(j, keys)];
}

// Bytes of a server frame array (tests drive the client with these).
export function encodeServer(f) {
  if (f[0] != 0x82) return encode('b' + FRAMES[f[0]], f);
  let sig = 'bUUu';
  const vals = [f[0], f[1], f[2], f[3].length];
  for (const op of f[3]) { sig += 'b' + OPS[op[0]]; vals.push(...op); }
  return encode(sig, vals);
}

// Payload [sig, vals] of an event meaning, as events.js builds them.
function payloadOf(code, d) {
  if (code == C.HOOK) return ['ss', [d.name, d.payload]];
  if (code == C.NAVIGATE) return ['s', [d.url]];
  switch (C.EVENTS[code - 1][1]) {
    case C.P_INPUT: return d.values ? ['bu' + 's'.repeat(d.values.length), [2, d.values.length, ...d.values]]
      : ['bs', [d.checked ? 1 : 0, d.value]];
    case C.P_FORM: return ['u' + 'ss'.repeat(d.fields.length), [d.fields.length, ...d.fields.flat()]];
    case C.P_KEY: return ['bss', [d.mods, d.key, d.value]];
    case C.P_POINTER: return 'x' in d ? ['biib', [d.mods | 128, d.x, d.y, d.button]] : ['b', [d.mods]];
    case C.P_WHEEL: return ['ii', [d.dx, d.dy]];
    case C.P_SCROLL: return ['uu', [d.top, d.left]];
    case C.P_MEDIA: return ['u', [d.time_ms]];
  }
  return ['', []];
}

// JSON meaning of a client frame → [sig, vals] for encode().
export function clientArgs(j) {
  switch (j.type) {
    case 'Hello': return ['bbssUUus', [C.HELLO, ...pick(j, 'version csrf session last_patch_seq last_event_seq render_hash path')]];
    case 'Event': {
      const [sig, vals] = payloadOf(j.code, j.data);
      return ['bUub' + sig, [C.EVENT, j.seq, j.hid, j.code, ...vals]];
    }
    case 'Ping': return ['bU', [C.PING, j.nonce]];
    case 'Pong': return ['bU', [C.PONG, j.nonce]];
    case 'Resync': return ['bU', [C.RESYNC, j.last_patch_seq]];
    case 'Close': return ['bbs', [C.CLOSE, j.code, j.reason]];
  }
  throw Error('unknown client frame ' + j.type);
}

// Client frame bytes → JSON meaning (lenient: tests only feed it the client's own output).
export function decodeClient(bytes) {
  const b = Uint8Array.from(bytes);
  let i = 0;
  const u8 = () => { if (i >= b.length) throw Error('truncated'); return b[i++]; };
  const uv = () => { let n = 0, m = 1, c; do { c = u8(); n += (c & 127) * m; m *= 128; } while (c & 128); return n; };
  const iv = () => { const n = uv(); return (n >>> 1) ^ -(n & 1); };
  const str = () => { const n = uv(); return new TextDecoder().decode(b.subarray(i, (i += n))); };
  const t = u8();
  let j;
  if (t == C.HELLO) {
    j = { type: 'Hello', version: u8(), csrf: str(), session: str(), last_patch_seq: uv(),
      last_event_seq: uv(), render_hash: uv(), path: str() };
  } else if (t == C.EVENT) {
    j = { type: 'Event', seq: uv(), hid: uv() };
    const code = (j.code = u8());
    let d = {};
    if (code == C.HOOK) { j.event = 'hook'; d = { name: str(), payload: str() }; } else if (code == C.NAVIGATE) { j.event = 'navigate'; d = { url: str() }; } else {
      const [name, cls] = C.EVENTS[code - 1];
      j.event = name;
      if (cls == C.P_INPUT) { const f = u8(); d = f & 2 ? { values: Array.from({ length: uv() }, str) } : { value: str(), checked: !!(f & 1) }; }
      if (cls == C.P_FORM) { const n = uv(); d = { fields: Array.from({ length: n }, () => [str(), str()]) }; }
      if (cls == C.P_KEY) { const m = u8(); d = { key: str(), mods: m, value: str() }; }
      if (cls == C.P_POINTER) { const m = u8(); d = { mods: m & 127 }; if (m & 128) Object.assign(d, { x: iv(), y: iv(), button: u8() }); }
      if (cls == C.P_WHEEL) d = { dx: iv(), dy: iv() };
      if (cls == C.P_SCROLL) d = { top: uv(), left: uv() };
      if (cls == C.P_MEDIA) d = { time_ms: uv() };
    }
    j.data = d;
  } else if (t >= C.PING && t <= C.RESYNC) {
    j = { type: ['Ping', 'Pong', 'Resync'][t - C.PING], [t == C.RESYNC ? 'last_patch_seq' : 'nonce']: uv() };
  } else if (t == C.CLOSE) j = { type: 'Close', code: u8(), reason: str() };
  else throw Error('unknown client frame ' + t);
  if (i != b.length) throw Error('trailing bytes');
  return j;
}
