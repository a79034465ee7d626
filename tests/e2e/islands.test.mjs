// E2E: the islands example in Chromium. The page's script mounts the Bars island with the
// server's props; server re-renders of the island's parent leave the island's own DOM
// (and its client-only state) in place; a props change reaches the island's updated();
// a click inside the island pushes an event the server handles; the server pushes one
// to the island.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_ISLANDS_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const heights = (page) =>
  page.$$eval('#chart .bar', (bs) => bs.map((b) => b.style.height));

test('island: mounted with props, survives parent re-renders, gets new props, pushes events', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  const sent = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => typeof f.payload !== 'string' && sent.push(f.payload)));
  await connected(page);

  // Mounted from the first paint's props: three bars, one update (mounted calls it).
  assert.deepEqual(await heights(page), ['30px', '50px', '20px']);
  assert.equal(await page.getAttribute('#chart', 'data-updates'), '1');

  // Client-only state inside the island, and node identities to check later.
  await page.click('#chart .zoom');
  await page.evaluate(() => {
    window.__zoom = document.querySelector('#chart .zoom');
    window.__chart = document.querySelector('#chart');
  });

  // Grow: the parent re-renders (totals) and the island gets new props.
  await page.click('#grow');
  await page.waitForFunction(() => document.querySelector('#total').textContent === '13');
  await page.waitForFunction(() => document.querySelector('#chart').dataset.updates === '2');
  assert.deepEqual(await heights(page), ['40px', '60px', '30px']);

  // Add: one more bar.
  await page.click('#add');
  await page.waitForFunction(() => document.querySelectorAll('#chart .bar').length === 4);
  assert.equal(await page.textContent('#count'), '4');

  // The island's own DOM and state survived both re-renders.
  assert.ok(await page.evaluate(() =>
    window.__zoom === document.querySelector('#chart .zoom') &&
    window.__chart === document.querySelector('#chart') &&
    document.querySelector('#chart').classList.contains('zoomed')),
  'island DOM and its client-only state kept');
  assert.equal(await page.getAttribute('#chart', 'data-updates'), '3', 'one update per props change');

  // An event from inside the island reaches the server.
  const before = sent.length;
  await page.click('#chart .bar[data-i="2"]');
  await page.waitForFunction(() => document.querySelector('#picked').textContent === '2');
  const hooks = sent.slice(before).filter((b) => b[0] === 0x02 && b.includes(0xf0));
  assert.equal(hooks.length, 1, 'one hook event frame sent');
  // The re-render that shows the pick leaves the island as it is (no props change).
  assert.equal(await page.getAttribute('#chart', 'data-updates'), '3');
  assert.ok(await page.evaluate(() => window.__zoom === document.querySelector('#chart .zoom')));

  // The server pushes to the island (push_hook): its ctx.on handler runs.
  await page.click('#flash');
  await page.waitForFunction(() => document.querySelector('#chart').style.outline.includes('orange'));
  assert.ok(await page.evaluate(() => window.__zoom === document.querySelector('#chart .zoom')));

  assert.deepEqual(errors, []);
  await ctx.close();
});
