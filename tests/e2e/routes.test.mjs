// E2E: the routes example in real Chromium: links navigate over the socket without a page
// load (a window marker and the navigation entry survive), the URL and the title follow,
// back/forward re-render the right route and restore the scroll, set_query re-renders in
// place, a missing route shows the 404 page; with JavaScript disabled the links are plain
// links to server-rendered pages. A pointer over a live link sends one prefetch event
// (0xF2) with its URL, and the click that follows navigates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_ROUTES_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const h1Is = (page, text) =>
  page.waitForFunction((t) => document.querySelector('h1')?.textContent === t, text, {
    timeout: 5000,
  });
const path = (page) => page.evaluate(() => location.pathname + location.search);

test('links, back/forward, title and scroll without a reload', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  assert.equal(await page.title(), 'Home');
  await page.evaluate(() => { window.marker = 42; });
  const loads = () => page.evaluate(() => [window.marker, performance.getEntriesByType('navigation').length]);

  await page.click('#nav a:text-is("Todos")');
  await h1Is(page, 'Todos (all)');
  assert.equal(await path(page), '/todos');
  assert.equal(await page.title(), 'Todos');

  await page.click('a:text-is("Mount pages through it")');
  await h1Is(page, 'Todo 2');
  assert.equal(await path(page), '/todos/2');
  assert.equal(await page.title(), 'Todo 2');

  await page.goBack();
  await h1Is(page, 'Todos (all)');
  assert.equal(await page.title(), 'Todos');
  await page.goForward();
  await h1Is(page, 'Todo 2');
  await page.goBack();
  await page.goBack();
  await h1Is(page, 'Home');
  assert.equal(await path(page), '/');
  assert.equal(await page.title(), 'Home');
  assert.deepEqual(await loads(), [42, 1], 'no page load happened');

  // Scroll: a push starts at the top; back restores where the list was.
  await page.click('#nav a:text-is("Todos")');
  await h1Is(page, 'Todos (all)');
  await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
  const y = await page.evaluate(() => scrollY);
  assert.ok(y > 500, `scrolled to ${y}`);
  await page.click('#bottom');
  await h1Is(page, 'Todo 2');
  assert.equal(await page.evaluate(() => scrollY), 0);
  await page.goBack();
  await h1Is(page, 'Todos (all)');
  await page.waitForFunction((y) => Math.abs(scrollY - y) < 2, y, { timeout: 5000 });

  // The query changes in place; a reload keeps it (the first paint reads it).
  await page.click('button:text-is("Open only")');
  await h1Is(page, 'Todos (open)');
  assert.equal(await path(page), '/todos?filter=open');
  assert.equal(await page.locator('li').count(), 1);
  assert.deepEqual(await loads(), [42, 1], 'still no page load');
  await page.reload();
  await connected(page);
  assert.equal(await page.textContent('h1'), 'Todos (open)');

  // A link the server has no route for: the 404 page, in place.
  await page.evaluate(() => {
    const a = document.querySelector('#nav a');
    a.setAttribute('href', '/nowhere');
    a.click();
  });
  await h1Is(page, 'Not found');
  assert.equal(await path(page), '/nowhere');
  assert.equal(await page.title(), 'Not found');
  // The browser's own favicon request is the one 404 a page load may log.
  assert.deepEqual(errors.filter((e) => !e.includes('status of 404')), []);
  await ctx.close();
});

test('without JavaScript links are plain links', async () => {
  const { ctx, page } = await openPage(browser, server.url, { javaScriptEnabled: false });
  assert.equal(await page.textContent('h1'), 'Home');
  await Promise.all([page.waitForNavigation(), page.click('#nav a:text-is("Todos")')]);
  assert.equal(await page.textContent('h1'), 'Todos (all)');
  assert.equal(await page.title(), 'Todos');
  await Promise.all([page.waitForNavigation(), page.click('a:text-is("Navigate without reloads")')]);
  assert.equal(await page.textContent('h1'), 'Todo 3');
  assert.equal(await path(page), '/todos/3');
  await page.goBack();
  assert.equal(await page.textContent('h1'), 'Todos (all)');
  const r = await page.goto(new URL('/todos/x', server.url).href);
  assert.equal(r.status(), 404);
  assert.equal(await page.textContent('h1'), 'Not found');
  await ctx.close();
});

// Records every binary frame the page's WebSockets send, as arrays of bytes.
const RECORD = `window.__sent = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (d) {
  if (typeof d != 'string') {
    const b = d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    window.__sent.push(Array.from(b));
  }
  return send.call(this, d);
};`;

// The URLs of the prefetch events (Event frames with code 0xF2) among `frames`.
function prefetches(frames) {
  const out = [];
  for (const f of frames) {
    let i = 1;
    const varint = () => {
      let v = 0, k = 0, b;
      do { b = f[i++]; v += (b & 127) * 2 ** k; k += 7; } while (b & 128);
      return v;
    };
    if (f[0] != 2) continue;
    varint(); // seq
    varint(); // hid
    if (f[i++] != 0xf2) continue;
    const n = varint();
    out.push(Buffer.from(f.slice(i, i + n)).toString());
  }
  return out;
}

test('a pointer over a live link prefetches its route once, and the click navigates', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url, {}, RECORD);
  await connected(page);
  await page.evaluate(() => { window.marker = 42; });
  const sent = () => page.evaluate(() => window.__sent);
  assert.deepEqual(prefetches(await sent()), []);
  const todos = page.locator('#nav a:text-is("Todos")');
  const box = await todos.boundingBox();
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
  await page.waitForFunction(() => window.__sent.length > 0 && true);
  // The event is sent at once; give a stray second one time to show up.
  await page.waitForTimeout(100);
  assert.deepEqual(prefetches(await sent()), ['/todos'], 'one prefetch frame');
  await page.mouse.move(box.x + 2, box.y + box.height + 200);
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.waitForTimeout(100);
  assert.deepEqual(prefetches(await sent()), ['/todos'], 'the same link again: no second one');
  await page.mouse.down();
  await page.mouse.up();
  await h1Is(page, 'Todos (all)');
  assert.equal(await path(page), '/todos');
  assert.equal(await page.title(), 'Todos');
  assert.equal(await page.evaluate(() => window.marker), 42, 'no page load');
  // Another link: its own prefetch.
  await page.hover('#nav a:text-is("Todo 3")');
  await page.waitForFunction(() => true);
  await page.waitForTimeout(100);
  assert.deepEqual(prefetches(await sent()), ['/todos', '/todos/3']);
  assert.deepEqual(errors, []);
  await ctx.close();
});
