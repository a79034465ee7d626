// E2E failover behind nginx (port 25514): two realtime nodes over one redis-server (port
// 27396); a page's node is killed with SIGKILL and the page comes back on the other node,
// at the same URL, with the shared board intact (sticky.test.mjs: the same behind HAProxy,
// and a socket cut that resumes on its own node). Run by tests/redis/run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launch, openPage, connected, liveName } from '../e2e/harness.mjs';
import { startRedis, stopRedis, waitPort } from './redis.mjs';

const PORT = 27396;
const PROXY = 25514;
const here = dirname(fileURLToPath(import.meta.url));
let redis, nginx, nodes, browser, restarted;

const kill = (p, sig) => new Promise((res) => { p.on('exit', res); p.kill(sig); });

before(async () => {
  redis = await startRedis(PORT);
  const env = (node) => ({ VANGO_REDIS_URL: `redis://127.0.0.1:${PORT}/`, VANGO_NODE: node });
  nodes = [await startServer(process.env.VANGO_REALTIME_REDIS_BIN, env('a')),
    await startServer(process.env.VANGO_REALTIME_REDIS_BIN, env('b'))];
  const prefix = mkdtempSync(join(tmpdir(), 'vango-nginx-'));
  mkdirSync(join(prefix, 'tmp'));
  const port = (s) => new URL(s.url).port;
  const conf = readFileSync(join(here, 'nginx.conf'), 'utf8').replaceAll('PREFIX', prefix)
    .replaceAll('PORT', String(PROXY))
    .replaceAll('NODE_A', port(nodes[0])).replaceAll('NODE_B', port(nodes[1]));
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  nginx = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: 'inherit' });
  await waitPort(PROXY);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await restarted?.catch(() => {});
  if (nginx) await kill(nginx, 'SIGTERM');
  for (const n of nodes ?? []) await n.stop().catch(() => {});
  if (redis) await stopRedis(redis);
});

const cell = (i) => `#board button[data-cell="${i}"]`;

test('a node killed with SIGKILL: its page comes back on the other node', async () => {
  const o = await openPage(browser, `http://127.0.0.1:${PROXY}/?x=1`);
  await connected(o.page);
  const name = await liveName(o.page);
  await o.page.click(cell(3));
  // The cell shows the name at once (optimistic text); the server's render adds `mine`.
  await o.page.waitForFunction((s) => document.querySelector(s).classList.contains('mine'), cell(3));
  // Which node holds the session: the one whose metrics count a session.
  const counts = await Promise.all(nodes.map(async (n) =>
    [...(await (await fetch(n.url + 'metrics')).text())
      .matchAll(/^vango_sessions\{core="\d+"\} (\d+)/gm)].reduce((s, m) => s + +m[1], 0)));
  const victim = counts.findIndex((c) => c > 0);
  assert.ok(victim >= 0, `a node holds the session: ${counts}`);
  // The node publishes a write to Redis after rendering it (cores never wait on Redis): a
  // kill before that loses it. Kill once the other node serves it, so what is checked is
  // the failover, not how fast the kill came after the click.
  const survivor = nodes[1 - victim];
  const claimed = new RegExp(`data-cell="3"[^>]*>${name}<`);
  for (let t = Date.now(); !claimed.test(await (await fetch(survivor.url)).text());) {
    assert.ok(Date.now() - t < 10000, 'the other node shows the claimed cell within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  // The harness's restart kills, waits, then starts the node again; the page must be back
  // on the other node well before that (its port is closed: nginx moves on).
  restarted = nodes[victim].restart('SIGKILL', 8000);
  restarted.then(() => { restarted.done = true; });
  await o.page.waitForFunction(() => !document.documentElement.classList.contains('vango-connected'),
    null, { timeout: 10000 }).catch(() => {});
  await connected(o.page);
  assert.ok(!restarted.done, 'back before the killed node restarted');
  assert.equal(new URL(o.page.url()).search, '?x=1', 'same URL');
  await o.page.waitForFunction(([s, n]) => document.querySelector(s).textContent === n,
    [cell(3), name], { timeout: 10000 });
});
