// E2E across nodes: two realtime example processes (node a, node b) sharing one real
// redis-server (port 27384); a page on each: a claim on one node shows on the other, and
// after Redis is restarted mid-test the nodes converge again. Run by tests/redis/run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected, liveName } from '../e2e/harness.mjs';
import { startRedis, stopRedis } from './redis.mjs';

const PORT = 27384;
let redis, a, b, browser;


before(async () => {
  redis = await startRedis(PORT);
  const env = (node) => ({ VANGO_REDIS_URL: `redis://127.0.0.1:${PORT}/`, VANGO_NODE: node });
  a = await startServer(process.env.VANGO_REALTIME_REDIS_BIN, env('a'));
  b = await startServer(process.env.VANGO_REALTIME_REDIS_BIN, env('b'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await a?.stop();
  await b?.stop();
  if (redis) await stopRedis(redis);
});

const cell = (i) => `#board button[data-cell="${i}"]`;
const shows = (page, i, text) => page.waitForFunction(([s, n]) =>
  document.querySelector(s).textContent === n, [cell(i), text], { timeout: 10000 });

async function open(server) {
  const o = await openPage(browser, server.url);
  await connected(o.page);
  o.name = await liveName(o.page);
  return o;
}

test('two nodes over Redis: writes cross, and converge after a Redis restart', async () => {
  const pa = await open(a), pb = await open(b);
  await pa.page.click(cell(0));
  await shows(pb.page, 0, pa.name);
  await pb.page.click(cell(5));
  await shows(pa.page, 5, pb.name);

  // Redis dies; a claim on node a is acknowledged locally, and reaches node b once Redis
  // is back (empty: no persistence), through the bridge's resync.
  await stopRedis(redis);
  await pa.page.click(cell(9));
  await shows(pa.page, 9, pa.name);
  redis = await startRedis(PORT);
  await shows(pb.page, 9, pa.name);
  await pb.page.click(cell(10));
  await shows(pa.page, 10, pb.name);
  assert.deepEqual([...pa.errors, ...pb.errors], []);
});
