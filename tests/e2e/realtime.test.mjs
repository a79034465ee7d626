// E2E: the realtime example in two Chromium pages whose sessions live on different cores
// of a 2-worker server: a claim in one page shows in the other, presence counts both, and
// a refused claim (someone else's cell) shows the optimistic name, gets a Reject, reverts;
// cursor presence: a pointer moving in one page shows in the other, its moves throttled
// in the browser, and goes when its tab closes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected, liveName } from './harness.mjs';

let server, browser;
before(async () => {
  // Default 60 s resume window: a closed tab's presence entry goes at once only because
  // the client sends Close on pagehide.
  server = await startServer(process.env.VANGO_REALTIME_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const cell = (i) => `#board button[data-cell="${i}"]`;

// Opens the page and waits until the session's own render (not the SSR one) is shown:
// the session mounts on the core that accepted the WebSocket, and says so in #core.
async function open() {
  const o = await openPage(browser, server.url);
  o.frames = [];
  o.sent = [];
  o.missing = [];
  o.page.on('response', (r) => r.status() === 404 && o.missing.push(new URL(r.url()).pathname));
  o.page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => typeof f.payload !== 'string' && o.frames.push(f.payload[0]))
      .on('framesent', (f) => typeof f.payload !== 'string' && o.sent.push(f.payload)));
  await connected(o.page);
  o.name = await liveName(o.page);
  o.core = await o.page.textContent('#core');
  return o;
}

test('two pages on two cores: live board, presence, rejected optimistic update', async () => {
  const a = await open();
  let b;
  for (let tries = 0; ; tries++) {
    b = await open();
    if (b.core !== a.core) break;
    await b.ctx.close();
    assert.ok(tries < 20, 'no page landed on the other core in 20 tries');
  }
  const metrics = await (await fetch(server.url + 'metrics')).text();
  const perCore = [...metrics.matchAll(/^vango_sessions\{core="(\d+)"\} (\d+)/gm)];
  assert.equal(perCore.length, 2, metrics);
  assert.ok(perCore.every(([, , n]) => +n >= 1), `a session on each core: ${metrics}`);

  // Presence: both pages count exactly two (the tries on the wrong core closed theirs).
  for (const { page } of [a, b]) {
    await page.waitForFunction(() => document.querySelector('#present').textContent === '2',
      null, { timeout: 10000 });
  }
  const [nameA, nameB] = [a.name, b.name];
  assert.notEqual(nameA, nameB);
  for (const { page } of [a, b]) {
    const names = await page.textContent('#presence');
    assert.ok(names.includes(nameA) && names.includes(nameB), names);
  }

  // A claims cell 0 (core A): B (core B) sees it.
  await a.page.click(cell(0));
  await a.page.waitForFunction((s) => document.querySelector(s).textContent !== '', cell(0));
  assert.equal(await a.page.textContent(cell(0)), nameA);
  await b.page.waitForFunction(([s, n]) => document.querySelector(s).textContent === n,
    [cell(0), nameA], { timeout: 5000 });
  assert.match(await b.page.getAttribute(cell(0), 'class'), /taken/);

  // B claims cell 5: A sees it.
  await b.page.click(cell(5));
  await a.page.waitForFunction(([s, n]) => document.querySelector(s).textContent === n,
    [cell(5), nameB], { timeout: 5000 });

  // B tries A's cell: its name shows at once, the server rejects, the text reverts.
  await b.page.evaluate((s) => {
    const el = document.querySelector(s);
    window.__texts = [];
    new MutationObserver(() => window.__texts.push(el.textContent))
      .observe(el, { childList: true, characterData: true, subtree: true });
  }, cell(0));
  const before = b.frames.length;
  await b.page.click(cell(0));
  await b.page.waitForFunction(() => window.__texts.length >= 2, null, { timeout: 5000 });
  await b.page.waitForTimeout(200);
  const texts = await b.page.evaluate(() => window.__texts);
  assert.equal(texts[0], nameB, `optimistic name first: ${texts}`);
  assert.equal(texts.at(-1), nameA, `reverted to the owner: ${texts}`);
  assert.equal(await b.page.textContent(cell(0)), nameA);
  assert.ok(b.frames.slice(before).includes(0x86), 'a Reject frame arrived');
  assert.equal(await a.page.textContent(cell(0)), nameA, 'A keeps its cell');

  // A frees its cell: B sees it free.
  await a.page.click(cell(0));
  await b.page.waitForFunction((s) => document.querySelector(s).textContent === '', cell(0), {
    timeout: 5000,
  });

  // B leaves: its Close frees the session, its root unmounts, presence drops to one.
  await b.ctx.close();
  await a.page.waitForFunction(() => document.querySelector('#present').textContent === '1',
    null, { timeout: 10000 });
  // Chromium asks for /favicon.ico, which the example does not serve: the only 404 allowed.
  for (const o of [a, b]) {
    assert.ok(o.missing.every((p) => p === '/favicon.ico'), `404s: ${o.missing}`);
    assert.deepEqual(o.errors.filter((e) => !e.includes('status of 404')), []);
  }
  await a.ctx.close();
});

// The event code of an Event frame (type, seq, hid, code), or -1 for another frame.
const eventCode = (b) => {
  if (b[0] !== 0x02) return -1;
  let i = 1;
  for (let v = 0; v < 2; v++) while (b[i++] & 0x80);
  return b[i];
};
const POINTERMOVE = 15;

test('cursor presence: moves show in the other page, throttled, gone when the tab closes', async (t) => {
  const a = await open(), b = await open();
  const nameA = a.name;
  await a.page.evaluate(() => {
    window.__moves = [];
    addEventListener('pointermove', () => window.__moves.push(performance.now()), true);
  });
  // A sweep of 60 real mouse moves, each one DOM event (a move every ~20 ms: faster
  // ones are coalesced by the browser into one event per frame), ending at (x, y).
  const [x, y] = [300, 230];
  await a.page.mouse.move(100, 150);
  await a.page.mouse.move(x, y, { steps: 60 });
  const room = await a.page.evaluate(() => {
    const r = document.querySelector('#room').getBoundingClientRect();
    return [r.left, r.top];
  });
  const want = `left:${Math.round(x - room[0])}px;top:${Math.round(y - room[1])}px`;
  const cursor = `.cursor[data-name="${nameA}"]`;
  await b.page.waitForFunction(([s, w]) => document.querySelector(s)?.getAttribute('style') === w,
    [cursor, want], { timeout: 5000 });
  assert.equal(await b.page.textContent(cursor), nameA);
  assert.equal(await a.page.locator('.cursor').count(), 0, 'no cursor of its own');

  // Throttled: at most one frame per 50 ms window of moving, plus the trailing one (the
  // moves came faster than that, or the check would prove nothing).
  const moves = await a.page.evaluate(() => window.__moves);
  const frames = a.sent.filter((f) => eventCode(f) === POINTERMOVE).length;
  const span = moves.at(-1) - moves[0], most = Math.ceil(span / 50) + 2;
  const said = `${frames} pointermove frames for ${moves.length} moves over ${Math.round(span)} ms`;
  assert.ok(moves.length > most + 10, `moves too slow to test the throttle: ${said}`);
  assert.ok(frames >= 2 && frames <= most, said);
  t.diagnostic(`cursor: ${said}`);
  console.log(`cursor: ${frames} pointermove frames for ${moves.length} moves over ${Math.round(span)} ms`);

  // A leaves: its session ends and its cursor goes from B.
  await a.ctx.close();
  await b.page.waitForFunction((s) => !document.querySelector(s), cursor, { timeout: 10000 });
  assert.deepEqual(b.errors, []);
  await b.ctx.close();
});
