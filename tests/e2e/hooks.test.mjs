// E2E: the hooks example in real Chromium: the standard hooks (Sortable dragged with the
// mouse, Draggable, Tooltip, Dropdown) report to the server, which re-renders what it got;
// their scripts load only on the page that asks for them (first paint, or LoadScript after
// a live navigation); a custom hook's lifecycle (mounted, updated, destroyed, disconnected,
// reconnected) and a server push answered by a hook push.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected, cutSeen } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_HOOKS_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const text = (page, sel) => page.textContent(sel);
const waitText = (page, sel, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent === w, [sel, want], { timeout: 5000 });
const scripts = (page) => page.$$eval('script[src]', (s) => s.map((x) => new URL(x.src).pathname));
const items = (page) => page.$$eval('#list > li', (l) => l.map((x) => x.textContent));
const center = async (page, sel) => {
  const b = await page.locator(sel).boundingBox();
  return [b.x + b.width / 2, b.y + b.height / 2];
};
// Presses the mouse on `from`, moves in steps to `to`, releases.
const drag = async (page, [x0, y0], [x1, y1]) => {
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 12 });
  await page.mouse.up();
};

const board = async () => {
  const o = await openPage(browser, server.url + 'board');
  await connected(o.page);
  return o;
};

test('the board loads the hook scripts it asked for in its head, before the client; home loads none', async () => {
  const { ctx, page } = await openPage(browser, server.url);
  assert.deepEqual(await scripts(page), ['/_vango/client.js']);
  await page.goto(server.url + 'board');
  assert.deepEqual(await scripts(page), ['/_vango/hooks/sortable.js', '/_vango/hooks/draggable.js',
    '/_vango/hooks/tooltip.js', '/_vango/hooks/dropdown.js', '/probe.js', '/_vango/client.js']);
  const r = await page.request.get(server.url + '_vango/hooks/sortable.js');
  assert.equal(r.status(), 200);
  assert.match(r.headers()['content-type'], /javascript/);
  await ctx.close();
});

test('Sortable: dragging an item with the mouse sends the new order; the server re-renders it', async () => {
  const { ctx, page, errors } = await board();
  assert.deepEqual(await items(page), ['apples', 'bread', 'cheese', 'dates']);
  const [x, y] = await center(page, '#list > li:nth-child(1)');
  const [, y2] = await center(page, '#list > li:nth-child(3)');
  await drag(page, [x, y], [x, y2 + 4]);
  await waitText(page, '#order', 'order: bread,cheese,apples,dates');
  assert.deepEqual(await items(page), ['bread', 'cheese', 'apples', 'dates']);
  // The patch reordered the DOM: no item is left shown moved.
  assert.deepEqual(await page.$$eval('#list > li', (l) => l.map((x) => x.style.transform)), ['', '', '', '']);
  // Upwards, the last to the top.
  const [, yl] = await center(page, '#list > li:nth-child(4)');
  const [, yf] = await center(page, '#list > li:nth-child(1)');
  await drag(page, [x, yl], [x, yf - 6]);
  await waitText(page, '#order', 'order: dates,bread,cheese,apples');
  // A click without a move sends nothing and changes nothing.
  await page.click('#list > li:nth-child(2)');
  await page.click('#bump');
  await waitText(page, '#probe', 'probe 1');
  assert.equal(await text(page, '#order'), 'order: dates,bread,cheese,apples');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('Draggable: dropping the box sends its position (kept inside its area); the server places it', async () => {
  const { ctx, page, errors } = await board();
  const [x, y] = await center(page, '#box');
  await drag(page, [x, y], [x + 100, y + 50]);
  await waitText(page, '#at', 'at: 120,70');
  assert.equal(await page.$eval('#box', (b) => [b.style.left, b.style.top, b.style.transform].join(' ')), '120px 70px ');
  const [x2, y2] = await center(page, '#box');
  await drag(page, [x2, y2], [x2 + 500, y2 + 300]);
  // The area is 400x300 inside its border, the box 60x40.
  await waitText(page, '#at', 'at: 340,260');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('Tooltip: shown while hovered or focused, hidden after', async () => {
  const { ctx, page } = await board();
  assert.equal(await page.$('.vango-tooltip'), null);
  await page.hover('#help');
  const tip = page.locator('[role=tooltip]');
  await tip.waitFor({ state: 'visible' });
  assert.equal(await tip.textContent(), 'Drag the items to reorder them');
  assert.equal(await page.$eval('#help', (b) => b.getAttribute('aria-describedby')), await tip.getAttribute('id'));
  await page.mouse.move(700, 590);
  await tip.waitFor({ state: 'detached' });
  await page.focus('#help');
  await tip.waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await tip.waitFor({ state: 'detached' });
  await ctx.close();
});

test('Dropdown: the toggle opens the menu, choosing an item closes it and tells the server', async () => {
  const { ctx, page } = await board();
  const menu = page.locator('#menu [data-menu]');
  assert.equal(await menu.isVisible(), false);
  await page.click('#menu [data-toggle]');
  assert.equal(await menu.isVisible(), true);
  assert.equal(await page.getAttribute('#menu [data-toggle]', 'aria-expanded'), 'true');
  await page.click('#menu [data-value=date]');
  await waitText(page, '#choice', 'choice: date');
  assert.equal(await menu.isVisible(), false);
  // Escape and a click outside close it too; arrow keys walk the items.
  await page.click('#menu [data-toggle]');
  await page.keyboard.press('Escape');
  assert.equal(await menu.isVisible(), false);
  await page.click('#menu [data-toggle]');
  await page.click('h1');
  assert.equal(await menu.isVisible(), false);
  await page.focus('#menu [data-toggle]');
  await page.keyboard.press('ArrowDown');
  assert.equal(await menu.isVisible(), true);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.value), 'name');
  await page.keyboard.press('Enter');
  await waitText(page, '#choice', 'choice: name');
  await ctx.close();
});

test('lifecycle: mounted, updated, destroyed, disconnected, reconnected; a server push answered by a hook push', async () => {
  const { ctx, page, errors } = await board();
  const log = () => page.evaluate(() => window.__probe);
  assert.deepEqual(await log(), ['mounted:probe', 'mounted:probe2']);
  await page.click('#bump');
  await waitText(page, '#probe', 'probe 1');
  assert.deepEqual((await log()).slice(2), ['updated:probe']);
  await page.click('#toggle');
  await page.waitForFunction(() => !document.getElementById('probe2'));
  assert.deepEqual((await log()).slice(3), ['destroyed:probe2']);
  await page.click('#toggle');
  await page.waitForFunction(() => document.getElementById('probe2'));
  assert.deepEqual((await log()).slice(4), ['mounted:probe2']);
  await cutSeen(page, server);
  await connected(page);
  assert.deepEqual((await log()).slice(5), ['disconnected:probe', 'disconnected:probe2',
    'reconnected:probe', 'reconnected:probe2']);
  // The session resumed: state kept, events flow.
  await page.click('#ping');
  await waitText(page, '#pong', 'pong: hi!');
  assert.equal(await text(page, '#probe'), 'probe 1');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a live navigation to the board loads its hook scripts (LoadScript); its hooks work', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  await page.evaluate(() => (window.__sameDocument = true));
  await page.click('#open');
  await page.waitForSelector('#list');
  await page.waitForFunction(() => (window.__probe || []).includes('mounted:probe'));
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page load');
  const [x, y] = await center(page, '#list > li:nth-child(1)');
  const [, y2] = await center(page, '#list > li:nth-child(2)');
  await drag(page, [x, y], [x, y2 + 4]);
  await waitText(page, '#order', 'order: bread,apples,cheese,dates');
  await page.hover('#help');
  await page.locator('[role=tooltip]').waitFor({ state: 'visible' });
  assert.deepEqual(errors, []);
  await ctx.close();
});
