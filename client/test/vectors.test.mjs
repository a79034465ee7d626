// Shared test vectors (tests/vectors/protocol.json at the repo root, written by the Rust
// suite): the client decodes every s2c vector to its meaning, encodes every c2s meaning to
// its bytes, rejects every invalid s2c vector with the same error kind, and holds the same
// event table. A missing vectors file is a failure, not a skip.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as C from '../src/constants.js';
import { encode, decode } from '../src/codec.js';
import { serverFromJson, encodeServer, clientArgs, decodeClient, className } from './meaning.mjs';

const file = new URL('../../tests/vectors/protocol.json', import.meta.url);
const V = JSON.parse(readFileSync(file, 'utf8'));
const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (h) => Uint8Array.from(Buffer.from(h, 'hex'));
const kind = (k) => new RegExp(`vango: ${k}$`);
// A u32 field (Focus's hid) and a u64 field (Ack's seq) to carry varint vectors.
const inU32 = (h) => unhex('8201000122' + h);
const inU64 = (h) => unhex('83' + h);

test('vectors: the version of constants.js and non-empty sections', () => {
  assert.equal(V.version, C.VERSION);
  for (const k of ['events', 'varints', 'vectors', 'invalid']) assert.ok(V[k].length > 0, k);
});

test('vectors: the event table matches EVENTS (names, codes, payload classes)', () => {
  const expected = [
    ...C.EVENTS.map(([name, cls], i) => ({ name, code: i + 1, payload: className(cls) })),
    { name: 'hook', code: C.HOOK, payload: 'Hook' },
    { name: 'navigate', code: C.NAVIGATE, payload: 'Navigate' },
  ];
  assert.deepEqual(V.events, expected);
  for (const { name, code } of V.events.slice(0, -2)) assert.equal(C.CODES[name], code);
});

test('vectors: varints encode and decode (u32 via a Focus op, u64 via Ack)', () => {
  for (const v of V.varints) {
    const what = JSON.stringify(v);
    if (v.error) {
      if (v.type == 'u64') assert.throws(() => decode(inU64(v.hex)), kind(v.error), what);
      else assert.throws(() => decode(inU32(v.hex)), kind(v.error), what);
      continue;
    }
    const sig = { u32: 'u', u64: 'U', i32: 'i' }[v.type];
    assert.equal(hex(encode(sig, [v.value])), v.hex, what);
    if (v.type == 'u64') assert.deepEqual(decode(inU64(v.hex)), [0x83, v.value], what);
    if (v.type == 'u32') assert.deepEqual(decode(inU32(v.hex)), [0x82, 1, 0, [[0x22, v.value]]], what);
  }
});

test('vectors: every s2c vector decodes to its meaning (and re-encodes to its bytes)', () => {
  const s2c = V.vectors.filter((v) => v.dir == 's2c');
  assert.ok(s2c.length >= 10);
  for (const v of s2c) {
    const want = serverFromJson(v.frame);
    assert.deepEqual(decode(unhex(v.hex)), want, v.name);
    assert.equal(hex(encodeServer(want)), v.hex, v.name);
  }
});

test('vectors: every c2s meaning encodes to its bytes (and the test decoder agrees)', () => {
  const c2s = V.vectors.filter((v) => v.dir == 'c2s');
  assert.ok(c2s.length >= 10);
  for (const v of c2s) {
    assert.equal(hex(encode(...clientArgs(v.frame))), v.hex, v.name);
    assert.deepEqual(decodeClient(unhex(v.hex)), v.frame, v.name);
  }
});

test('vectors: every invalid s2c vector is rejected with its error kind', () => {
  const bad = V.invalid.filter((v) => v.dir == 's2c');
  assert.ok(bad.length >= 5);
  for (const v of bad) assert.throws(() => decode(unhex(v.hex)), kind(v.error), v.name);
});
