// Codec unit and property tests: varints, zigzag, strings, frames, limits, garbage input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { encode, decode } from '../src/codec.js';
import { encodeServer, decodeClient } from './meaning.mjs';
import { rng } from './rand.mjs';

const bytes = (...b) => Uint8Array.from(b);
const uvBytes = (n) => encode('u', [n]);

test('varint: known encodings', () => {
  assert.deepEqual([...uvBytes(0)], [0]);
  assert.deepEqual([...uvBytes(127)], [0x7f]);
  assert.deepEqual([...uvBytes(128)], [0x80, 0x01]);
  assert.deepEqual([...uvBytes(300)], [0xac, 0x02]);
  assert.deepEqual([...uvBytes(0xffffffff)], [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual([...encode('i', [-1])], [1]);
  assert.deepEqual([...encode('i', [1])], [2]);
  assert.deepEqual([...encode('i', [-2147483648])], [0xff, 0xff, 0xff, 0xff, 0x0f]);
});

test('varint: round trip through Ack (u64) and SetText (u32) frames, random values', () => {
  const r = rng();
  for (let k = 0; k < 5000; k++) {
    const bits = r.int(54);
    const n = Math.min(Math.floor(r.next() * 2 ** bits), Number.MAX_SAFE_INTEGER);
    const ack = Uint8Array.from([0x83, ...uvBytes(n)]);
    assert.deepEqual(decode(ack), [0x83, n], `seed ${r.seed} n ${n}`);
    const u = n % 2 ** 32;
    const f = [0x82, 1, 0, [[1, u, u, 'x']]];
    assert.deepEqual(decode(encodeServer(f)), f, `seed ${r.seed} u ${u}`);
  }
});

test('varint: non-minimal, overlong and overflowing encodings are errors', () => {
  assert.throws(() => decode(bytes(0x83, 0x80, 0x00)), /Overlong/);
  assert.throws(() => decode(bytes(0x83, 0x81, 0x80, 0x00)), /Overlong/);
  // u32 field: 6 bytes, and 5 bytes above u32::MAX.
  assert.throws(() => decode(bytes(0x82, 1, 0, 1, 0x22, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)), /Overlong/);
  assert.throws(() => decode(bytes(0x82, 1, 0, 1, 0x22, 0xff, 0xff, 0xff, 0xff, 0x1f)), /Overflow/);
  // u64 field above 2^53 - 1 cannot be a JS number.
  assert.throws(() => decode(bytes(0x83, ...uvBytes(2 ** 53))), /Overflow/);
  assert.throws(() => decode(bytes(0x83, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)), /Overlong/);
  assert.throws(() => decode(bytes(0x83, 0x80)), /Truncated/);
});

test('zigzag i32: random round trip through the encoder and test decoder', () => {
  const r = rng();
  for (let k = 0; k < 2000; k++) {
    const x = (r.next() * 2 ** 32) | 0, y = r.int(2000) - 1000;
    const b = encode('bUubbiib', [2, 1, 5, 1, 128, x, y, 0]);
    assert.deepEqual(decodeClient(b).data, { mods: 0, x, y, button: 0 }, `seed ${r.seed}`);
  }
});

test('strings: random UTF-8 round trip (BOM and NUL kept)', () => {
  const r = rng();
  for (let k = 0; k < 2000; k++) {
    const s = r.str(40);
    const f = [0x87, r.int(11), s];
    assert.deepEqual(decode(encodeServer(f)), f, `seed ${r.seed} ${JSON.stringify(s)}`);
  }
  assert.deepEqual(decode(encodeServer([0x88, 1, '\ufeffx'])), [0x88, 1, '\ufeffx']);
});

test('strings: invalid UTF-8 and lengths past the end are errors', () => {
  assert.throws(() => decode(bytes(0x87, 0, 1, 0xff)), /BadUtf8/);
  assert.throws(() => decode(bytes(0x87, 0, 2, 0xc3)), /Truncated/);
  assert.throws(() => decode(bytes(0x87, 0, 0xff, 0xff, 0xff, 0xff, 0x0f)), /Truncated/);
});

test('frames: every proper prefix of a valid frame is an error; trailing bytes too', () => {
  const r = rng();
  const frames = [
    [0x81, 1, 1, 'sess', 42],
    [0x82, 7, 3, [[1, 2, 0, 'hi'], [2, 3, 'class', 'a b'], [5, 4, 'checked', true], [8, 1, 0, 2],
      [0x20, false, '/x?y'], [0x21, 9, 'n', '{}'], [0x22, 9], [0x23, 'T']]],
    [0x83, 300], [0x84, 1], [0x85, 2], [0x86, 5, 10], [0x87, 9, 'bye'], [0x88, 8, 'boom'],
  ];
  for (const f of frames) {
    const b = encodeServer(f);
    assert.deepEqual(decode(b), f);
    for (let n = 0; n < b.length; n++) assert.throws(() => decode(b.subarray(0, n)), `prefix ${n} of ${f[0]}`);
    assert.throws(() => decode(Uint8Array.from([...b, r.int(256)])), /Trailing/);
  }
});

test('frames: unknown types, unknown ops, bad bools and statuses are errors', () => {
  assert.throws(() => decode(bytes(0x01)), /UnknownFrame/);
  assert.throws(() => decode(bytes(0x89)), /UnknownFrame/);
  assert.throws(() => decode(bytes(0x82, 1, 0, 1, 0x0d, 1)), /UnknownOp/);
  assert.deepEqual(decode(bytes(0x82, 1, 0, 1, 0x0c, 1)), [0x82, 1, 0, [[0x0c, 1]]]);
  assert.throws(() => decode(bytes(0x82, 1, 0, 1, 0x05, 1, 1, 0x61, 2)), /Invalid/);
  assert.throws(() => decode(bytes(0x81, 1, 3, 0, 0)), /Invalid/);
  assert.throws(() => decode(bytes()), /Truncated/);
});

test('limits: op count over 100000 is refused before reading ops', () => {
  assert.throws(() => decode(Uint8Array.from([0x82, 1, 0, ...uvBytes(100001)])), /TooMany/);
  // At the limit the count is accepted and checked against the bytes left (2 per op).
  assert.throws(() => decode(Uint8Array.from([0x82, 1, 0, ...uvBytes(100000)])), /Truncated/);
  const full = new Uint8Array(6 + 200000).fill(0x01);
  full.set([0x82, 1, 0, ...uvBytes(100000)]);
  for (let k = 6; k < full.length; k += 2) full[k] = 0x22; // Focus(1) × 100000
  const f = decode(full);
  assert.equal(f[3].length, 100000);
  assert.deepEqual(f[3][99999], [0x22, 1]);
});

test('limits: the encoder refuses strings over 16 KiB and frames over 64 KiB', () => {
  const ok = 'x'.repeat(16384);
  assert.equal(encode('bs', [6, ok]).length, 1 + 3 + 16384);
  assert.throws(() => encode('bs', [6, ok + 'x']), /TooLarge/);
  assert.throws(() => encode('bs', [6, 'é'.repeat(8193)]), /TooLarge/);
  assert.throws(() => encode('b' + 'ss'.repeat(3), [2, ok, ok, ok, ok, ok, ok]), /TooLarge/);
});

test('garbage: random bytes either decode or throw an Error, never hang', () => {
  const r = rng();
  for (let k = 0; k < 20000; k++) {
    const b = Uint8Array.from({ length: r.int(24) }, () => (r.next() < 0.5 ? 0x80 + r.int(9) : r.int(256)));
    try {
      const f = decode(b);
      assert.ok(Array.isArray(f) && f[0] >= 0x81 && f[0] <= 0x88, `seed ${r.seed}`);
    } catch (e) {
      assert.ok(e instanceof Error, `seed ${r.seed}: ${e}`);
    }
  }
});
