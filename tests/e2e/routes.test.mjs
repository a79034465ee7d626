// E2E: the routes example in real Chromium: links navigate over the socket without a page
// load (a window marker and the navigation entry survive), the URL and the title follow,
// back/forward re-render the right route and restore the scroll, set_query re-renders in
// place, a missing route shows the 404 page; with JavaScript disabled the links are plain
// links to server-rendered pages.
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
