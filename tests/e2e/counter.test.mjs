// E2E: the counter example in real Chromium: SSR without JS, 100 clicks checked one by one,
// a reload mounts a fresh session, a cut WebSocket resumes with the same count and the
// next click (even one made while offline) lands exactly once; more lost patches than the
// server's resume ring holds come back as one full render.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected, cutSeen } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_COUNTER_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const h1 = (page) => page.textContent('h1');
const expectCount = (page, n) =>
  page.waitForFunction((n) => document.querySelector('h1').textContent === `Count: ${n}`, n, {
    timeout: 5000,
  });

test('without JavaScript the server-rendered page shows Count: 0', async () => {
  const { ctx, page } = await openPage(browser, server.url, { javaScriptEnabled: false });
  assert.equal(await h1(page), 'Count: 0');
  assert.deepEqual(await page.$$eval('button', (b) => b.map((x) => x.textContent)), ['+', '−']);
  await ctx.close();
});

test('100 clicks, a reload, a cut socket', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  assert.equal(await h1(page), 'Count: 0');
  for (let i = 1; i <= 100; i++) {
    await page.click('button:text-is("+")');
    await expectCount(page, i);
  }
  await page.click('button:text-is("−")');
  await expectCount(page, 99);

  // A reload is a new page: a fresh session, counting from 0 again.
  await page.reload();
  await connected(page);
  assert.equal(await h1(page), 'Count: 0');
  for (let i = 1; i <= 3; i++) {
    await page.click('button:text-is("+")');
    await expectCount(page, i);
  }

  // Cut the connection: the page must not reload, must resume the same session with
  // the same count, and a click made while disconnected must land exactly once.
  await page.evaluate(() => (window.__sameDocument = true));
  await cutSeen(page, server);
  await page.click('button:text-is("+")');
  await connected(page);
  await expectCount(page, 4);
  await page.click('button:text-is("+")');
  await expectCount(page, 5);
  await page.waitForTimeout(300);
  assert.equal(await h1(page), 'Count: 5', 'no event applied twice');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('more patches lost than the resume ring holds: one full render, then clicks land', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  await page.evaluate(() => (window.__sameDocument = true));
  await page.click('button:text-is("+")');
  await expectCount(page, 1);
  // 20 clicks reach the server, their patches do not reach the page (the ring holds 16).
  server.blackhole();
  for (let i = 0; i < 20; i++) await page.click('button:text-is("+")');
  await page.waitForTimeout(300);
  assert.equal(await h1(page), 'Count: 1', 'the patches were lost');
  server.cut();
  await expectCount(page, 21);
  await connected(page);
  await page.click('button:text-is("+")');
  await expectCount(page, 22);
  await page.waitForTimeout(300);
  assert.equal(await h1(page), 'Count: 22', 'no event applied twice');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  assert.deepEqual(errors, []);
  await ctx.close();
});
