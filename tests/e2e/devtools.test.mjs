// E2E: the dev tools in real Chromium. A debug build in dev mode shows the error overlay
// for a panicking handler (message, file:line, component path) while the session keeps
// running (the overlay's channel is a long poll: each answer comes as the panic is
// published), and the dev panel lists frames, components and named signals; a release build
// (VANGO_DEV=1 set all the same) has no dev scripts and answers /_vango/dev/* with 404.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let browser;
const servers = [];
after(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
});

const text = (page, sel) => page.textContent(sel, { timeout: 5000 });

test('debug build: the overlay shows a panicking handler; the session keeps running; the panel lists frames and signals', async () => {
  const server = await startServer(process.env.VANGO_DEVTOOLS_DEBUG_BIN, { VANGO_DEV: '1' });
  servers.push(server);
  browser ??= await launch();
  const { ctx, page } = await openPage(browser, server.url);
  await connected(page);
  assert.equal(await page.$('#vango-dev-overlay'), null, 'no overlay before any error');
  await page.click('#handler-panic');
  await page.waitForSelector('#vango-dev-overlay .vd-message', { timeout: 5000 });
  assert.equal(await text(page, '#vango-dev-overlay .vd-message'), 'the handler exploded');
  assert.match(await text(page, '#vango-dev-overlay .vd-location'), /examples\/devtools\.rs:\d+:\d+/);
  assert.match(await text(page, '#vango-dev-overlay .vd-path'), /app\/error_boundary\/exploding_handler$/);
  assert.match(await text(page, '.fallback'), /handler failed: the handler exploded/);
  // Dismissed, and the session goes on: the counter outside the boundary still answers.
  await page.click('#vango-dev-overlay .vd-close');
  await page.click('#inc');
  await page.waitForFunction(() => document.querySelector('h1').textContent === 'Count: 1');
  // The panel: frames as they arrived, the component tree, the named signal's value.
  await page.click('#vango-dev-panel .vd-toggle');
  await page.waitForFunction(() => /count = 1/.test(document.querySelector('#vango-dev-panel .vd-signals')?.textContent));
  const frames = await text(page, '#vango-dev-panel .vd-frames');
  assert.match(frames, /↓ ServerHello/);
  assert.match(frames, /↑ Event/);
  assert.match(frames, /Patches #\d+: (SetText|ReplaceNode)/);
  assert.match(frames, /\d+ B · \+\d+ ms/);
  assert.match(await text(page, '#vango-dev-panel .vd-components'), /app\/counter · [2-9]\d* renders/);
  await ctx.close();
});

test('debug build: a render panic, a task panic, a fatal panic (after the reload) and a hydration mismatch', async () => {
  const server = servers[0];
  const { ctx, page } = await openPage(browser, server.url);
  await connected(page);
  await page.click('#render-panic');
  await page.waitForFunction(() => /the render exploded/.test(document.querySelector('#vango-dev-overlay')?.textContent));
  await page.click('#vango-dev-overlay .vd-close');
  await page.click('#task-panic');
  await page.waitForFunction(() => /the task exploded/.test(document.querySelector('#vango-dev-overlay')?.textContent));
  // The task's panic names the component that spawned it.
  await page.waitForFunction(() => /in component app\/error_boundary\/exploding_task/.test(document.querySelector('#vango-dev-overlay')?.textContent));
  await page.click('#vango-dev-overlay .vd-close');
  await page.click('#fatal-panic');
  // The session ends and the client reloads: the new page still shows what ended it.
  await page.waitForFunction(() => /no boundary caught this/.test(document.querySelector('#vango-dev-overlay')?.textContent), null, { timeout: 10000 });
  assert.match(await text(page, '#vango-dev-overlay'), /the session ended/);
  const m = await openPage(browser, server.url + 'mismatch');
  await connected(m.page);
  await m.page.waitForSelector('#vango-dev-overlay .vd-diff', { timeout: 5000 });
  const diff = await text(m.page, '#vango-dev-overlay .vd-diff');
  assert.match(diff, /- mount number \d+<\/p>/);
  assert.match(diff, /\+ mount number \d+<\/p>/);
  await m.ctx.close();
  await ctx.close();
});

test('release build: no dev scripts, /_vango/dev/* is 404, no overlay for a panicking handler', async () => {
  const server = await startServer(process.env.VANGO_DEVTOOLS_BIN, { VANGO_DEV: '1' });
  servers.push(server);
  browser ??= await launch();
  const html = await (await fetch(server.url)).text();
  assert.doesNotMatch(html, /_vango\/dev/);
  for (const p of ['/_vango/dev/overlay.js', '/_vango/dev/panel.js', '/_vango/dev/session/x?since=0']) {
    assert.equal((await fetch(server.url + p.slice(1))).status, 404, p);
  }
  const { ctx, page } = await openPage(browser, server.url);
  await connected(page);
  await page.click('#handler-panic');
  await page.waitForSelector('.fallback', { timeout: 5000 });
  assert.equal(await page.$('#vango-dev-overlay'), null);
  assert.equal(await page.evaluate(() => typeof window.__vangoDev), 'undefined');
  await ctx.close();
});
