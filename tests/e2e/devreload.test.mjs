// E2E: dev-mode hot reload in real Chromium, on the devreload example (a debug build with
// VANGO_DEV=1, its static folder copied to a temporary one the test edits). A restart of
// the server process brings the tab back on the same URL with its typed value, scroll,
// query state and cookie session; an edited stylesheet is swapped without a reload; with
// dev mode off, or in a release build, there is no reload script and no dev route.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launch, openPage, connected } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.VANGO_DEVRELOAD_BIN;
let server, browser, dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vango-devreload-'));
  cpSync(join(here, '../../examples/devreload'), dir, { recursive: true });
  server = await startServer(BIN, { VANGO_DEV: '1', DEVRELOAD_STATIC: dir });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const text = (page, sel) => page.textContent(sel);
const color = (page) => page.evaluate(() => getComputedStyle(document.getElementById('styled')).color);
// Requests that fail while no server listens log a console line: expected here.
const unexpected = (errors) =>
  errors.filter((e) => !/WebSocket connection to .* failed|Failed to load resource|ERR_/.test(e));

// SIGTERM: the stop `vango dev` makes before it starts the rebuilt binary; SIGKILL: a crash.
for (const signal of ['SIGTERM', 'SIGKILL']) {
  test(`${signal}, then a new process: the tab reloads at the same URL with its typed value, scroll, query and cookie session`, async () => {
    const { ctx, page, errors } = await openPage(browser, server.url);
    await connected(page);
    await page.click('#sign-in');
    await page.waitForFunction(() => document.getElementById('who').textContent === 'Signed in as Ada');
    await page.click('#tab-b');
    await page.waitForFunction(() => location.search === '?tab=b');
    await page.fill('#note', 'typed before the restart');
    await page.waitForFunction(() => document.getElementById('echo').textContent === 'Echo: typed before the restart');
    await page.evaluate(() => scrollTo(0, 1500));
    await page.evaluate(() => (window.__sameDocument = true));
    const url = page.url();

    // The stand-in for an edited source: the new process renders another heading.
    writeFileSync(join(dir, 'banner.txt'), `Dev reload, rebuilt after ${signal}`);
    await server.restart(signal, 300);
    // Reloaded (the marker is gone), showing the new process's page, live.
    await page.waitForFunction(
      (b) => window.__sameDocument === undefined &&
        document.getElementById('banner')?.textContent === b &&
        document.documentElement.classList.contains('vango-connected'),
      `Dev reload, rebuilt after ${signal}`,
      { timeout: 10000 },
    );
    assert.equal(page.url(), url, 'same URL');
    assert.equal(await text(page, '#tab'), 'Tab: b', 'query state');
    assert.equal(await text(page, '#who'), 'Signed in as Ada', 'cookie session');
    assert.equal(await page.inputValue('#note'), 'typed before the restart', 'typed value');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'note', 'focus');
    // The restored value reached the new server's session too.
    await page.waitForFunction(() => document.getElementById('echo').textContent === 'Echo: typed before the restart');
    await page.waitForFunction(() => Math.abs(scrollY - 1500) < 2, null, { timeout: 3000 });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('vango-dev-reload')), null, 'nothing left behind');
    assert.deepEqual(unexpected(errors), []);
    await ctx.close();
  });
}

test('an edited stylesheet is swapped in place, without a reload', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  assert.equal(await color(page), 'rgb(0, 0, 255)');
  await page.evaluate(() => (window.__sameDocument = true));
  writeFileSync(join(dir, 'app.css'), '#styled { color: rgb(255, 0, 0); }\n');
  await page.waitForFunction(
    () => getComputedStyle(document.getElementById('styled')).color === 'rgb(255, 0, 0)',
    null,
    { timeout: 5000 },
  );
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  // The old <link> goes once the new one is in: one stylesheet, not one per edit.
  await page.waitForFunction(() => document.querySelectorAll('link[rel=stylesheet]').length === 1);
  assert.deepEqual(unexpected(errors), []);
  await ctx.close();
});

test('eight tabs share one long poll: each loads at once and swaps an edited stylesheet', async () => {
  // One context: its tabs share the browser's 6 connections to the server, which 8 polls
  // would all hold, stalling every other request for up to a poll's length.
  const ctx = await browser.newContext();
  const pages = [], polls = [];
  for (let i = 0; i < 8; i++) {
    const page = await ctx.newPage();
    const seen = (polls[i] = { n: 0 });
    page.on('request', (r) => r.url().includes('/_vango/dev/events?since=') && seen.n++);
    await page.goto(server.url, { timeout: 5000 });
    await connected(page);
    pages.push(page);
  }
  await pages[0].waitForTimeout(300); // every tab has had its first answer
  writeFileSync(join(dir, 'app.css'), '#styled { color: rgb(0, 128, 0); }\n');
  for (const page of pages) {
    await page.waitForFunction(
      () => getComputedStyle(document.getElementById('styled')).color === 'rgb(0, 128, 0)',
      null,
      { timeout: 5000 },
    );
  }
  assert.equal(polls.filter((p) => p.n > 0).length, 1, `tabs that long-polled: ${polls.map((p) => p.n)}`);
  await ctx.close();
});

// Without dev mode the page carries no reload script and the dev routes do not exist.
async function noDev(bin, env) {
  const s = await startServer(bin, env);
  try {
    const html = await (await fetch(s.url)).text();
    assert.ok(html.includes('id="vango-boot"'), 'a page was served');
    assert.ok(!html.includes('/_vango/dev/'), 'no dev script in the page');
    assert.equal((await fetch(s.url + '_vango/dev/reload.js')).status, 404);
    assert.equal((await fetch(s.url + '_vango/dev/events?since=0')).status, 404);
  } finally {
    await s.stop();
  }
}

test('dev mode off: no reload script, /_vango/dev/reload.js is 404', () => noDev(BIN, { DEVRELOAD_STATIC: dir }));

test('a release build with VANGO_DEV=1: no reload script, /_vango/dev/reload.js is 404',
  { skip: !process.env.VANGO_COUNTER_BIN && 'VANGO_COUNTER_BIN (a release build) not set' },
  () => noDev(process.env.VANGO_COUNTER_BIN, { VANGO_DEV: '1' }));
