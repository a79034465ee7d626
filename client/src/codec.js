// Binary codec of PROTOCOL.md: varints, strings, client frame encoding, server frame
// decoding. Pure functions over byte arrays; touches no DOM and no socket.
//
// A frame is an array [type, ...fields]; a Patches frame is [0x82, seq, ack, ops] where
// each op is [code, ...args]. Field signatures: b u8, B bool (0/1), u u32 varint, U u64
// varint (a JS number, so at most 2^53 - 1), i zigzag i32, s string.
import { PATCHES, MAX_C2S, MAX_C2S_STR, MAX_OPS } from './constants.js';

const utf8 = new TextEncoder();
const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export const bad = (kind) => { throw Error('vango: ' + kind); };

// Server frame bodies and patch op arguments by type byte.
export const FRAMES = { 0x81: 'bbsU', 0x83: 'U', 0x84: 'U', 0x85: 'U', 0x86: 'Ub', 0x87: 'bs', 0x88: 'bs' };
export const OPS = {
  1: 'uus', 2: 'uss', 3: 'us', 4: 'uss', 5: 'usB', 6: 'uus', 7: 'uu', 8: 'uuu', 9: 'uus',
  10: 'us', 11: 'us', 12: 'u', 0x20: 'Bs', 0x21: 'uss', 0x22: 'u', 0x23: 's', 0x24: 's', 0x2d: 's',
};

// Encodes one client frame; sig describes vals (the type byte included, as 'b').
// Throws TooLarge when a string or the frame exceeds the client → server limits.
export function encode(sig, vals) {
  const out = [];
  const uv = (n) => {
    for (; n > 127; n = Math.floor(n / 128)) out.push((n % 128) | 128);
    out.push(n);
  };
  [...sig].forEach((c, k) => {
    const v = vals[k];
    if (c == 's') {
      const b = utf8.encode(v);
      if (b.length > MAX_C2S_STR) bad('TooLarge');
      uv(b.length);
      for (const x of b) out.push(x);
    } else if (c == 'i') uv(((v << 1) ^ (v >> 31)) >>> 0);
    else if (c == 'b' || c == 'B') out.push(+v & 255);
    else uv(+v);
  });
  if (out.length > MAX_C2S) bad('TooLarge');
  return Uint8Array.from(out);
}

// Decodes one server frame; throws an Error whose message ends with the PROTOCOL.md error
// kind (Truncated, Overlong, Overflow, BadUtf8, UnknownFrame, UnknownOp, Invalid,
// Trailing, TooLarge, TooMany).
export function decode(b) {
  let i = 0;
  if (b.length > 16777216) bad('TooLarge');
  const u8 = () => (i < b.length ? b[i++] : bad('Truncated'));
  // wide: u64 (10 bytes, capped at 2^53 - 1 as PROTOCOL.md allows) instead of u32 (5 bytes).
  const uv = (wide) => {
    let n = 0, m = 1, k = 0, c;
    do {
      c = u8();
      if (++k == (wide ? 10 : 5) && c & 128) bad('Overlong');
      n += (c & 127) * m;
      m *= 128;
    } while (c & 128);
    if (k > 1 && !c) bad('Overlong');
    return n > (wide ? Number.MAX_SAFE_INTEGER : 0xffffffff) ? bad('Overflow') : n;
  };
  const read = (sig) => [...sig].map((c) => {
    if (c == 's') {
      const n = uv();
      if (n > b.length - i) bad('Truncated');
      try { return text.decode(b.subarray(i, (i += n))); } catch { bad('BadUtf8'); }
    }
    if (c == 'i') { const n = uv(); return (n >>> 1) ^ -(n & 1); }
    if (c == 'b') return u8();
    if (c == 'B') return u8() > 1 ? bad('Invalid') : !!b[i - 1];
    return uv(c == 'U');
  });
  const t = u8();
  let f;
  if (t == PATCHES) {
    f = [t, uv(1), uv(1)];
    let n = uv();
    if (n > MAX_OPS) bad('TooMany');
    if (n > (b.length - i) / 2) bad('Truncated'); // every op takes at least 2 bytes
    const ops = [];
    while (n--) {
      const c = u8();
      ops.push([c, ...read(OPS[c] || bad('UnknownOp'))]);
    }
    f.push(ops);
  } else f = [t, ...read(FRAMES[t] || bad('UnknownFrame'))];
  if (t == 0x81 && f[2] > 2) bad('Invalid');
  return i < b.length ? bad('Trailing') : f;
}
