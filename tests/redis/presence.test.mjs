// E2E presence across nodes: two realtime example processes (node a, node b) over one
// real redis-server (port 27394), a page on each: each page lists the other's visitor and
// shows its cursor; node a killed with SIGKILL leaves node b's page within the bound
// (TTL 3 s + a quarter heartbeat). Run by tests/redis/run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected, liveName } from '../e2e/harness.mjs';
import { startRedis, stopRedis } from './redis.mjs';

const PORT = 27394;
let redis, a, b, browser, restarted;

before(async () => {
  redis = await startRedis(PORT);
  const env = (node) => ({ VANGO_REDIS_URL: `redis://127.0.0.1:${PORT}/`, VANGO_NODE: node });
  a = await startServer(process.env.VANGO_REALTIME_REDIS_BIN, env('a'));
  b = await startServer(process.env.VANGO_REALTIME_REDIS_BIN, env('b'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await restarted?.catch(() => {});
  await a?.stop().catch(() => {});
  await b?.stop().catch(() => {});
  if (redis) await stopRedis(redis);
});

async function open(server) {
  const o = await openPage(browser, server.url);
  await connected(o.page);
  o.name = await liveName(o.page);
  return o;
}

const lists = (page, name, yes = true) => page.waitForFunction(([n, y]) =>
  document.querySelector('#presence').textContent.includes(n) === y, [name, yes],
{ timeout: 10000 });

// Moves `from`'s pointer to (x, y) and waits until `to` shows its cursor there.
async function cursorShows(from, to, [x, y]) {
  await from.page.mouse.move(x - 40, y - 30);
  await from.page.mouse.move(x, y, { steps: 10 });
  const room = await from.page.evaluate(() => {
    const r = document.querySelector('#room').getBoundingClientRect();
    return [r.left, r.top];
  });
  const want = `left:${Math.round(x - room[0])}px;top:${Math.round(y - room[1])}px`;
  await to.page.waitForFunction(([s, w]) => document.querySelector(s)?.getAttribute('style') === w,
    [`.cursor[data-name="${from.name}"]`, want], { timeout: 10000 });
}

test('presence across nodes: lists and cursors; a killed node leaves within the bound', async (t) => {
  const pa = await open(a), pb = await open(b);
  assert.notEqual(pa.name, pb.name, 'names carry their node');
  await lists(pa.page, pb.name);
  await lists(pb.page, pa.name);
  for (const p of [pa, pb]) {
    await p.page.waitForFunction(() => document.querySelector('#present').textContent === '2');
  }
  await cursorShows(pa, pb, [300, 230]);
  await cursorShows(pb, pa, [250, 200]);

  // Node a dies without a word; node b's page drops a's visitor and cursor once a's
  // heartbeats stop for the TTL, while a stays down.
  restarted = a.restart('SIGKILL', 9000);
  restarted.then(() => { restarted.done = true; });
  const killed = Date.now();
  await lists(pb.page, pa.name, false);
  t.diagnostic(`killed node's visitor gone from the other node after ${Date.now() - killed} ms`);
  await pb.page.waitForFunction((s) => !document.querySelector(s),
    `.cursor[data-name="${pa.name}"]`, { timeout: 2000 });
  assert.ok(!restarted.done, 'dropped by the TTL, not by the restart');
  await pb.page.waitForFunction(() => document.querySelector('#present').textContent === '1');

  // Node a back: the tab reconnects to it, mounted afresh, and is listed again.
  await restarted;
  await pb.page.waitForFunction(() => document.querySelector('#present').textContent === '2',
    null, { timeout: 20000 });
  assert.deepEqual(pb.errors, []);
});
