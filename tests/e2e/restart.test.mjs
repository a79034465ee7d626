// E2E: the counter survives restarts of its server process in real Chromium. After a
// graceful stop (SIGTERM, as a deploy does) and after a crash (SIGKILL), each followed
// half a second later by a new process on the same port, an open tab is live again within 1 s without a reload
// (its session is gone: it starts a fresh one over the socket and gets a full render),
// and it never retries in a loop (its WebSocket attempts are counted; none is refused
// with close code 4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_COUNTER_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

// Counts the page's WebSocket attempts and the close codes they ended with.
const COUNT_SOCKETS = `
window.__wsOpened = 0;
window.__wsCodes = [];
window.WebSocket = class extends window.WebSocket {
  constructor(...a) {
    super(...a);
    window.__wsOpened++;
    this.addEventListener('close', (e) => window.__wsCodes.push(e.code));
  }
};`;

const h1 = (page) => page.textContent('h1');
const expectCount = (page, n, timeout = 5000) =>
  page.waitForFunction((n) => document.querySelector('h1').textContent === `Count: ${n}`, n, { timeout });
const sockets = (page) => page.evaluate(() => ({ opened: window.__wsOpened, codes: window.__wsCodes }));

for (const signal of ['SIGTERM', 'SIGKILL']) {
  test(`${signal}, then a new process on the same port: the tab is live within 1 s, no reload, no retry loop`, async () => {
    const { ctx, page, errors } = await openPage(browser, server.url, {}, COUNT_SOCKETS);
    await connected(page);
    await page.evaluate(() => (window.__sameDocument = true));
    for (let i = 1; i <= 2; i++) {
      await page.click('button:text-is("+")');
      await expectCount(page, i);
    }
    const before = (await sockets(page)).opened;

    // Down for half a second, as a deploy or systemd's restart would be: the tab's
    // attempts meanwhile fail.
    const code = await server.restart(signal, 500);
    if (signal === 'SIGTERM') assert.equal(code, 0, 'a graceful stop exits 0');
    const up = Date.now();
    // The old session died with the process: a fresh one, fully rendered (Count: 0).
    await page.waitForFunction(
      () => document.documentElement.classList.contains('vango-connected') &&
        document.querySelector('h1').textContent === 'Count: 0',
      null,
      { timeout: 10000 },
    );
    await page.click('button:text-is("+")');
    await expectCount(page, 1);
    const live = Date.now() - up;
    const atLive = await sockets(page);

    await page.waitForTimeout(1500);
    const { opened, codes } = await sockets(page);
    const attempts = opened - before;
    console.log(`# ${signal}: live ${live} ms after the new process listened; ${attempts} WebSocket attempts; close codes ${codes.join(' ')}`);
    assert.ok(live < 1000, `live again ${live} ms after the new process listened`);
    assert.ok(!codes.includes(4004), `refused with close code 4: ${codes.join(' ')}`);
    assert.ok(attempts <= 10, `${attempts} WebSocket attempts`);
    assert.equal(opened, atLive.opened, 'no attempt after the tab is live');
    assert.equal(await h1(page), 'Count: 1', 'the click landed once');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
    // Attempts made while no process listened fail with a console line: expected here.
    assert.deepEqual(errors.filter((e) => !/WebSocket connection to .* failed/.test(e)), []);
    await ctx.close();
  });
}
