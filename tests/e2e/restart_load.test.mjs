// E2E: restarts under load refuse nothing. The counter runs behind a held listening socket
// (tests/e2e/activate.py, as systemd's vango.socket does); a Chromium tab clicks every
// 100 ms and the load generator holds 1,000 sessions clicking once a second; the server is
// replaced twice — gracefully (the new process accepts before the old one drains) and with
// SIGKILL. Zero connections refused, the tab live again within 1 s each time, every load
// session live again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { launch, openPage, connected } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
let holder, lines, browser;

// The next stdout line of the socket holder that starts with `prefix`.
const next = (prefix) => new Promise((res, rej) => {
  const t = setTimeout(() => rej(new Error(`no "${prefix}" line from activate.py`)), 15000);
  const on = (l) => {
    if (l.startsWith(prefix)) {
      clearTimeout(t);
      lines.off('line', on);
      res(l.slice(prefix.length).trim());
    }
  };
  lines.on('line', on);
});

before(async () => {
  holder = spawn('python3', [join(here, 'activate.py'), process.env.VANGO_COUNTER_BIN], {
    env: {
      ...process.env,
      VANGO_WORKERS: '2',
      VANGO_STATE_DIR: mkdtempSync(join(tmpdir(), 'vango-e2e-state-')),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  lines = createInterface({ input: holder.stdout });
  holder.port = await Promise.all([next('port'), next('ready')]).then(([p]) => p);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  holder?.stdin.end();
});

const count = (page) => page.evaluate(() => {
  const m = /Count: (\d+)/.exec(document.querySelector('h1').textContent);
  return m ? +m[1] : -1;
});

// Resolves with the ms from `since` until a click made after it changed the count.
async function liveAgain(page, since) {
  const start = await count(page);
  for (;;) {
    await page.waitForTimeout(20);
    const c = await count(page);
    const connected = await page.evaluate(() => document.documentElement.classList.contains('vango-connected'));
    // After a restart the session is fresh (Count starts over), so "live" is: connected,
    // and the clicks move the count away from what it was at the cut.
    if (connected && c !== start && c > 0) return Date.now() - since;
    if (Date.now() - since > 10000) throw new Error('the tab never came back');
  }
}

test('graceful and SIGKILL restarts under load: no connection refused, tabs live within 1 s', async () => {
  const url = `http://127.0.0.1:${holder.port}/`;
  const { ctx, page, errors } = await openPage(browser, url);
  await connected(page);
  await page.evaluate(() => {
    window.__sameDocument = true;
    setInterval(() => document.querySelector('button').click(), 100);
  });
  const load = spawn(process.env.VANGO_LOADGEN_BIN, [
    '--workload', 'hold', '--target', `127.0.0.1:${holder.port}`,
    '--sessions', '1000', '--seconds', '16', '--click-every', '1000',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  load.stdout.on('data', (d) => (out += d));
  const loadDone = new Promise((res) => load.on('exit', res));

  await page.waitForTimeout(5000);
  // Timed from the new process's READY=1 (for the graceful case, also when the old one is
  // told to stop), as tests/e2e/restart.test.mjs times from the new process listening.
  const lives = {}, totals = {};
  for (const cmd of ['restart', 'kill']) {
    const at = Date.now();
    holder.stdin.write(`${cmd}\n`);
    await next('ready');
    const ready = Date.now();
    lives[cmd] = await liveAgain(page, ready);
    totals[cmd] = Date.now() - at;
    await page.waitForTimeout(4000);
  }
  assert.equal(await loadDone, 0, 'the load generator exits 0');
  const report = JSON.parse(out.trim().split('\n').pop());
  console.log(`# tab live again after the new process is ready: graceful ${lives.restart} ms, SIGKILL ${lives.kill} ms (from the command: ${totals.restart}, ${totals.kill}); load: ${JSON.stringify(report)}`);
  assert.equal(report.refused, 0, 'no connection refused');
  assert.equal(report.down_at_end, 0, 'every load session live again');
  assert.ok(report.drops >= 1000, `the restarts reached the load sessions (${report.drops} drops)`);
  assert.equal(report.recovered, report.drops, 'every drop recovered');
  assert.ok(lives.restart < 1000, `tab live ${lives.restart} ms after a graceful restart`);
  assert.ok(lives.kill < 1000, `tab live ${lives.kill} ms after SIGKILL`);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  assert.deepEqual(errors.filter((e) => !/WebSocket connection to .* failed/.test(e)), []);
  await ctx.close();
});
