// E2E: the routes example's layout (App::layout) and middleware in real Chromium: the
// layout's state (a server-side click counter, a note typed in its input) survives live
// navigation, back and forward between its routes without a page load; the guarded
// /private route redirects to the guestbook until the browser has signed it, with
// JavaScript on (a live navigation) and off (303).
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

test('the layout keeps its state across live navigation', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  await page.evaluate(() => { window.marker = 7; });
  await page.click('#clicks');
  await page.click('#clicks');
  await page.waitForFunction(() => document.querySelector('#clicks').textContent === 'Clicked 2');
  await page.fill('#note', 'kept while I browse');
  // The layout's elements stay the same DOM nodes: only the outlet's child is swapped.
  await page.evaluate(() => { window.tools = document.querySelector('#tools'); });

  await page.click('#nav a:text-is("Todos")');
  await h1Is(page, 'Todos (all)');
  await page.click('a:text-is("Mount pages through it")');
  await h1Is(page, 'Todo 2');
  await page.click('#clicks');
  await page.waitForFunction(() => document.querySelector('#clicks').textContent === 'Clicked 3');
  await page.goBack();
  await h1Is(page, 'Todos (all)');
  await page.click('#nav a:text-is("Guestbook")');
  await h1Is(page, 'Guestbook');

  assert.equal(await page.inputValue('#note'), 'kept while I browse');
  assert.equal(await page.textContent('#clicks'), 'Clicked 3');
  assert.ok(await page.evaluate(() => window.tools === document.querySelector('#tools')),
    'the layout was not re-rendered from scratch');
  assert.deepEqual(
    await page.evaluate(() => [window.marker, performance.getEntriesByType('navigation').length]),
    [7, 1],
    'no page load happened',
  );
  // A reload starts a new layout (its state is the session's, not the browser's).
  await page.reload();
  await connected(page);
  assert.equal(await page.textContent('#clicks'), 'Clicked 0');
  assert.deepEqual(errors.filter((e) => !e.includes('status of 404')), []);
  await ctx.close();
});

for (const js of [true, false]) {
  test(`middleware guards /private with JavaScript ${js ? 'on' : 'off'}`, async () => {
    const { ctx, page } = await openPage(browser, server.url, { javaScriptEnabled: js });
    if (js) await connected(page);
    const who = js ? 'Lin' : 'Kay';

    // Not signed: sent to the guestbook (JS: over the socket; no JS: a 303).
    if (js) {
      await page.click('#nav a:text-is("Private")');
      await h1Is(page, 'Guestbook');
      assert.equal(await path(page), '/guestbook');
      assert.equal(await page.title(), 'Guestbook');
    } else {
      const r = await page.goto(server.url + 'private');
      assert.equal(r.status(), 200);
      const first = r.request().redirectedFrom();
      assert.equal((await first.response()).status(), 303);
      assert.equal(new URL(first.url()).pathname, '/private');
      assert.equal(await path(page), '/guestbook');
      assert.equal(await page.textContent('h1'), 'Guestbook');
    }

    // Sign the guestbook: the name lands in the cookie session.
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.fill('input[name=name]', who);
    await page.fill('input[name=message]', 'let me in');
    await page.click('button:text-is("Sign")');
    await answer;
    await page.waitForFunction((w) => document.querySelector('#signer')?.textContent === `Signing as ${w}`, who);

    // Signed: the middleware lets the page mount.
    if (js) {
      await page.click('#nav a:text-is("Private")');
      await h1Is(page, 'Private');
    } else {
      await Promise.all([page.waitForNavigation(), page.click('#nav a:text-is("Private")')]);
    }
    assert.equal(await page.textContent('h1'), 'Private');
    assert.equal(await page.textContent('#hello'), `Hello ${who}`);
    assert.equal(await path(page), '/private');
    await ctx.close();
  });
}

// Collects every text the page's <main> showed from now on (a MutationObserver), to tell
// whether a loading state ever flashed.
const WATCH_MAIN = () => {
  window.__shown = [];
  new MutationObserver(() => window.__shown.push(document.querySelector('main')?.textContent ?? ''))
    .observe(document.body, { subtree: true, childList: true, characterData: true });
};

test('a panicking page shows the error page inside the layout, status 500', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  await page.evaluate(() => { window.marker = 5; });
  await page.click('#clicks');
  await page.waitForFunction(() => document.querySelector('#clicks').textContent === 'Clicked 1');
  await page.fill('#note', 'still here');
  await page.click('#nav a:text-is("Boom")');
  await h1Is(page, 'Something went wrong');
  assert.equal(await page.textContent('#why'), 'the boom page always fails');
  assert.equal(await path(page), '/boom');
  assert.equal(await page.title(), 'Error');
  assert.ok(await page.evaluate(() => !!document.querySelector('#nav') && !!document.querySelector('main #why')),
    'inside the layout');
  assert.equal(await page.textContent('#clicks'), 'Clicked 1', 'the layout kept its state');
  assert.equal(await page.inputValue('#note'), 'still here');
  // The session goes on: the next link works, without a page load.
  await page.click('#nav a:text-is("Todos")');
  await h1Is(page, 'Todos (all)');
  assert.equal(await page.evaluate(() => window.marker), 5);
  // Over HTTP: 500, the same page inside the layout.
  const r = await page.goto(new URL('/boom', server.url).href);
  assert.equal(r.status(), 500);
  await connected(page);
  assert.equal(await page.textContent('h1'), 'Something went wrong');
  assert.equal(await page.textContent('#clicks'), 'Clicked 0');
  assert.deepEqual(errors.filter((e) => !e.includes('status of 404') && !e.includes('status of 500')), []);
  await ctx.close();
});

test('a pointer over a link under the layout prepares it: the click shows its data at once', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  await page.click('#clicks');
  await page.waitForFunction(() => document.querySelector('#clicks').textContent === 'Clicked 1');
  await page.hover('#nav a:text-is("Report")');
  // The report's data takes 500 ms to load: it loads while the pointer rests on the link.
  await page.waitForTimeout(800);
  await page.evaluate(WATCH_MAIN);
  await page.click('#nav a:text-is("Report")');
  await h1Is(page, 'Report');
  await page.waitForFunction(() => document.querySelector('#data')?.textContent === 'Report: 3 entries',
    null, { timeout: 5000 });
  const shown = await page.evaluate(() => window.__shown);
  assert.ok(!shown.some((t) => t.includes('Loading')), `no loading state: ${JSON.stringify(shown)}`);
  assert.equal(await page.textContent('#clicks'), 'Clicked 1', 'the layout kept its state');
  assert.equal(await page.title(), 'Report');
  assert.deepEqual(errors, []);
  await ctx.close();
});

// A link clicked without a pointer passing over it first (a keyboard, a script): nothing
// was prepared, and the navigation's frame waits for the page's data up to the SSR
// budget, so the page shows with its data and never its loading state.
const clickLink = (page, text) => page.evaluate((t) =>
  [...document.querySelectorAll('#nav a')].find((a) => a.textContent === t).click(), text);

test('a click without a hover shows data that loads within the budget at once', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  await page.evaluate(WATCH_MAIN);
  // /stats loads in 30 ms, within the default 50 ms budget.
  await clickLink(page, 'Stats');
  await h1Is(page, 'Stats');
  assert.equal(await page.textContent('#data'), 'Stats: 3 entries', 'the data came with the page');
  const shown = await page.evaluate(() => window.__shown);
  assert.ok(!shown.some((t) => t.includes('Loading')), `no loading state: ${JSON.stringify(shown)}`);
  assert.equal(await path(page), '/stats');
  // /report takes 500 ms: past the budget its loading state shows, then the data.
  await page.evaluate(WATCH_MAIN);
  await clickLink(page, 'Report');
  await h1Is(page, 'Report');
  await page.waitForFunction(() => document.querySelector('#data')?.textContent === 'Report: 3 entries',
    null, { timeout: 5000 });
  const later = await page.evaluate(() => window.__shown);
  assert.ok(later.some((t) => t.includes('Loading')), `past the budget: ${JSON.stringify(later)}`);
  assert.deepEqual(errors, []);
  await ctx.close();
});
