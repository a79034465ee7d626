// E2E sticky sessions behind nginx and HAProxy (tests/redis/nginx.conf, haproxy.cfg; ports
// 25510-25513): two named nodes (VANGO_NODE=a, =b, one secret key) of the realtime example
// over one redis-server (port 27395) and of the todo example over one SQLite file. A socket
// cut resumes the tab on its own node with its session state; a node killed with SIGKILL
// gets its tab mounted afresh on the other node at the same URL, with its cookie session
// and query state, in a bounded number of reconnects and without a reload.
// Run by tests/redis/run.sh; touches child processes, local ports and temporary files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launch, openPage, connected, liveName } from '../e2e/harness.mjs';
import { startRedis, stopRedis, waitPort } from './redis.mjs';

const REDIS = 27395;
const KEY = '5a'.repeat(32);
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vango-sticky-'));
let redis, browser, realtime = [], todo = [];
const proxies = [];
const pending = [];

const kill = (p, sig) => new Promise((res) => {
  if (p.exitCode !== null || p.signalCode !== null) return res();
  p.on('exit', res);
  p.kill(sig);
});

// Starts nginx or HAProxy on `port` with the configuration in this folder, in front of
// `nodes` (the harness's TCP proxies, so that a test can cut the node's sockets).
async function startProxy(kind, port, nodes) {
  const prefix = join(dir, `${kind}-${port}`);
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  const file = kind === 'nginx' ? 'nginx.conf' : 'haproxy.cfg';
  const at = (s) => new URL(s.url).port;
  const conf = readFileSync(join(here, file), 'utf8').replaceAll('PREFIX', prefix)
    .replaceAll('PORT', String(port)).replaceAll('NODE_A', at(nodes[0]))
    .replaceAll('NODE_B', at(nodes[1]));
  writeFileSync(join(prefix, file), conf);
  const args = kind === 'nginx'
    ? ['-p', prefix, '-c', join(prefix, file), '-g', 'daemon off;']
    : ['-f', join(prefix, file)];
  const p = spawn(kind, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  proxies.push(p);
  await waitPort(port);
  return `http://127.0.0.1:${port}`;
}

let urls;
before(async () => {
  redis = await startRedis(REDIS);
  const env = (node, more) => ({ VANGO_NODE: node, VANGO_SECRET_KEY: KEY, ...more });
  const redisUrl = { VANGO_REDIS_URL: `redis://127.0.0.1:${REDIS}/` };
  const db = { VANGO_TODO_DB: join(dir, 'todo.sqlite3') };
  for (const node of ['a', 'b']) {
    realtime.push(await startServer(process.env.VANGO_REALTIME_REDIS_BIN, env(node, redisUrl)));
    todo.push(await startServer(process.env.VANGO_TODO_BIN, env(node, db)));
  }
  urls = {
    nginx: { realtime: await startProxy('nginx', 25510, realtime), todo: await startProxy('nginx', 25511, todo) },
    haproxy: { realtime: await startProxy('haproxy', 25512, realtime), todo: await startProxy('haproxy', 25513, todo) },
  };
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await Promise.all(pending.map((p) => p.catch(() => {})));
  for (const p of proxies) await kill(p, 'SIGTERM');
  for (const n of [...realtime, ...todo]) await n.stop().catch(() => {});
  if (redis) await stopRedis(redis);
  rmSync(dir, { recursive: true, force: true });
});

const nodeOf = async (ctx) => (await ctx.cookies()).find((c) => c.name === 'vango_node')?.value;
const metric = async (server, name) =>
  [...(await (await fetch(server.url + 'metrics')).text())
    .matchAll(new RegExp(`^${name}\\{core="\\d+"\\} (\\d+)`, 'gm'))].reduce((s, m) => s + +m[1], 0);
// Counts the WebSockets the page opens from now on.
const countSockets = (page) => {
  const n = { opened: 0 };
  page.on('websocket', () => n.opened++);
  return n;
};
// Waits for the page to lose its socket (it may be back before a check sees it) and get
// a live one again.
const reconnected = async (page, sockets) => {
  await page.waitForFunction(() => !document.documentElement.classList.contains('vango-connected'),
    null, { timeout: 3000 }).catch(() => {});
  const end = Date.now() + 15000;
  while (sockets.opened === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await page.waitForFunction(() => document.documentElement.classList.contains('vango-connected'),
    null, { timeout: 15000 });
};
// Chromium logs a failed WebSocket handshake as a console error: expected while a node is down.
const unexpected = (errors) => errors.filter((e) => !/WebSocket connection to .* failed/.test(e));

const cell = (i) => `#board button[data-cell="${i}"]`;
const titles = (page) => page.$$eval('.todo-list a.title', (as) => as.map((a) => a.textContent));
async function addTodo(page, title) {
  await page.fill('#new-todo', title);
  await page.press('#new-todo', 'Enter');
  await page.waitForFunction((t) =>
    [...document.querySelectorAll('.todo-list a.title')].some((a) => a.textContent === t), title);
}

for (const [kind, i] of [['nginx', 0], ['haproxy', 1]]) {
  test(`${kind}: a socket cut resumes the tab on its own node, its session state kept`, async () => {
    const o = await openPage(browser, urls[kind].realtime + '/?x=1');
    await connected(o.page);
    // The visitor's name is the session's own state (a SharedSignal): a fresh mount, on
    // either node, draws a new one.
    const name = await liveName(o.page);
    await o.page.click(cell(i));
    await o.page.waitForFunction(([s, n]) => document.querySelector(s).textContent === n,
      [cell(i), name]);
    const node = await nodeOf(o.ctx);
    assert.ok(node === 'a' || node === 'b', `the page named its node: ${node}`);
    const own = realtime[node === 'a' ? 0 : 1], other = realtime[node === 'a' ? 1 : 0];
    const before = await Promise.all([metric(own, 'vango_upgrades_total'),
      metric(other, 'vango_upgrades_total'), metric(own, 'vango_sessions')]);

    const sockets = countSockets(o.page);
    own.cut();
    await reconnected(o.page, sockets);
    assert.equal(await o.page.textContent('#me'), name, 'the same session: its name kept');
    assert.equal(sockets.opened, 1, 'one reconnect');
    const after = await Promise.all([metric(own, 'vango_upgrades_total'),
      metric(other, 'vango_upgrades_total'), metric(own, 'vango_sessions')]);
    assert.deepEqual(after, [before[0] + 1, before[1], before[2]],
      'the reconnect reached its own node and resumed there (no new session)');
    assert.equal(await nodeOf(o.ctx), node);
    assert.equal(new URL(o.page.url()).search, '?x=1');
    assert.deepEqual(unexpected(o.errors), []);
    await o.ctx.close();
  });

  test(`${kind}: a node killed with SIGKILL: its tab is mounted afresh on the other node, same URL, cookie session and query state`, async () => {
    const o = await openPage(browser, urls[kind].todo + '/todos');
    await connected(o.page);
    const [done, open] = [`Done on ${kind}`, `Open on ${kind}`];
    await addTodo(o.page, done);
    await addTodo(o.page, open);
    await o.page.click('.todo-list li:first-child button.toggle');
    await o.page.waitForSelector('.todo-list li.done');
    // The cookie session (the todos' owner) is set; the list filtered in the query string.
    await o.page.goto(urls[kind].todo + '/todos?filter=active');
    await connected(o.page);
    assert.deepEqual(await titles(o.page), [open]);
    const node = await nodeOf(o.ctx);
    const [victim, survivor] = node === 'a' ? todo : [todo[1], todo[0]];
    const sessions = await metric(survivor, 'vango_sessions');
    await o.page.evaluate(() => { window.notReloaded = true; });

    const sockets = countSockets(o.page);
    // The harness kills the node, keeps its port closed 8 s, then starts it again: the
    // tab must be back, on the other node, well before that.
    const restarted = victim.restart('SIGKILL', 8000);
    pending.push(restarted);
    let back = false;
    restarted.then(() => { back = true; });
    await reconnected(o.page, sockets);
    assert.ok(!back, 'back before the killed node restarted');
    assert.ok(await o.page.evaluate(() => window.notReloaded), 'no page reload');
    const url = new URL(o.page.url());
    assert.equal(url.pathname + url.search, '/todos?filter=active', 'same URL');
    assert.equal(await nodeOf(o.ctx), node === 'a' ? 'b' : 'a', 'the 101 named the new node');
    assert.ok(await metric(survivor, 'vango_sessions') > sessions, 'a new session on the survivor');
    // The fresh session reads the same owner from the cookie and the same filter from
    // the URL, and writes as that owner.
    assert.deepEqual(await titles(o.page), [open]);
    await addTodo(o.page, `Added after failover on ${kind}`);
    assert.deepEqual(await titles(o.page), [open, `Added after failover on ${kind}`]);
    // The first retry reaches the dead node's proxy slot and is passed on, or is refused
    // and retried once: never a retry loop.
    assert.ok(sockets.opened >= 1 && sockets.opened <= 3, `reconnect attempts: ${sockets.opened}`);
    console.log(`# ${kind}: failover after SIGKILL in ${sockets.opened} socket(s)`);
    assert.deepEqual(unexpected(o.errors), []);
    await o.ctx.close();
    await restarted;
  });
}
