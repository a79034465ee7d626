// E2E: the signup example (use_form) in real Chromium with JavaScript off and on. Off:
// the form posts over plain HTTP, the same validators re-render the same errors (422),
// the row buttons add and move phone rows, an accepted signup answers 303. On: errors
// show once a field is left and follow typing, the async "name taken" check shows a
// pending state and its stale answer is dropped, rows change without any HTTP request,
// the submit is pending and the server's "taken" lands on the name field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_SIGNUP_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const errorsOf = (page) => page.$$eval('.error', (e) => e.map((x) => x.textContent));
const waitText = (page, sel, text) =>
  page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [sel, text], { timeout: 5000 });
const phones = (page) => page.$$eval('input.phone', (l) => l.map((x) => [x.name, x.value]));
const EXPECTED = [
  'at least 3 characters',
  'an email address, like name@example.com',
  'from 13 to 130',
  'one of free, pro',
  '6 to 15 digits',
];

async function fillBad(page) {
  await page.fill('#name', 'Ad');
  await page.fill('#email', 'ada@');
  await page.fill('#age', '7');
  await page.fill('#plan', 'gold');
  await page.fill('input[name="phones[0]"]', '12');
}

async function fillGood(page, name) {
  await page.fill('#name', name);
  await page.fill('#email', `${name}@example.com`);
  await page.fill('#age', '30');
  await page.fill('#plan', 'pro');
}

test('JavaScript off: POST, 422 with the errors, row buttons, 303', async () => {
  const { ctx, page } = await openPage(browser, server.url, { javaScriptEnabled: false });
  const statuses = [];
  page.on('response', (r) => r.request().method() === 'POST' && statuses.push(r.status()));
  await page.click('#add-phone');
  await page.waitForSelector('input[name="phones[0]"]');
  await fillBad(page);
  await page.click('#submit');
  await page.waitForSelector('.error');
  assert.deepEqual(await errorsOf(page), EXPECTED);
  assert.equal(await page.inputValue('#email'), 'ada@', 'typed values kept');
  assert.deepEqual(statuses, [422, 422]);

  // A second row, then move it up: the rows come back renumbered, in the new order.
  await page.fill('input[name="phones[0]"]', '111 1111');
  await page.click('#add-phone');
  await page.fill('input[name="phones[1]"]', '222 2222');
  await page.click('#phones li:nth-child(2) button:text-is("↑")');
  await page.waitForFunction(() => document.querySelector('input[name="phones[0]"]')?.value === '222 2222');
  assert.deepEqual(await phones(page), [['phones[0]', '222 2222'], ['phones[1]', '111 1111']]);

  // Taken on the server, then accepted.
  await fillGood(page, 'admin');
  await page.click('#submit');
  await waitText(page, '#name-error', 'admin is taken');
  await fillGood(page, 'offline');
  await page.click('#submit');
  await waitText(page, '#welcome', 'Welcome, offline (2 phones)');
  assert.equal(statuses.at(-1), 303);
  await ctx.close();
});

test('JavaScript on: live errors, async check, rows without requests, pending submit', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  const posts = [];
  page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));

  // An error shows once the field is left, then follows typing.
  await page.type('#name', 'Ad');
  assert.equal(await page.$('#name-error'), null, 'not touched yet');
  await page.press('#name', 'Tab');
  await waitText(page, '#name-error', 'at least 3 characters');
  await page.fill('#name', '');
  await waitText(page, '#name-error', 'required');

  // The async check: pending, then "taken". Then "admin", and "adam" while its check
  // runs: the answer for "admin" is stale and never shows (every text the error ever had is
  // recorded).
  await page.fill('#name', 'ada');
  await waitText(page, '#name-status', 'checking…');
  await waitText(page, '#name-error', 'ada is taken');
  await page.evaluate(() => {
    window.seen = [];
    new MutationObserver(() => {
      const e = document.querySelector('#name-error');
      if (e) window.seen.push(e.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.fill('#name', 'admin');
  await waitText(page, '#name-status', 'checking…'); // "admin" reached the server
  await page.fill('#name', 'adam');
  await waitText(page, '#name-status', 'available');
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await page.$('#name-error'), null);
  assert.deepEqual(await page.evaluate(() => window.seen.filter((t) => t.includes('admin'))), [], 'no stale answer shown');

  // Rows over the socket only.
  for (let i = 0; i < 3; i++) await page.click('#add-phone');
  await page.waitForSelector('input[name="phones[2]"]');
  await page.fill('input[name="phones[0]"]', '12');
  await page.fill('input[name="phones[1]"]', '222 2222');
  await page.fill('input[name="phones[2]"]', '333 3333');
  await page.press('input[name="phones[0]"]', 'Tab');
  await page.waitForSelector('#phones li:nth-child(1) .error');
  await page.click('#phones li:nth-child(1) button:text-is("↓")');
  await page.waitForFunction(() => document.querySelector('input[name="phones[1]"]')?.value === '12');
  assert.equal(await page.textContent('#phones li:nth-child(2) .error'), '6 to 15 digits', 'the error moved with its row');
  await page.click('#phones li:nth-child(2) button:text-is("Remove")');
  await page.waitForFunction(() => document.querySelectorAll('input.phone').length === 2);
  assert.deepEqual(await phones(page), [['phones[0]', '222 2222'], ['phones[1]', '333 3333']]);

  // Invalid submit: the same errors as without JavaScript, nothing posted.
  await page.fill('#email', 'ada@');
  await page.fill('#age', '7');
  await page.fill('#plan', 'gold');
  await page.click('#submit');
  await waitText(page, '#plan-error', 'one of free, pro');
  assert.deepEqual(await errorsOf(page), EXPECTED.slice(1, 4));

  // The name is free now, then someone else takes it before the submit: the server's
  // answer lands on the field. Then a pending submit that goes through.
  await fillGood(page, 'zoe');
  await waitText(page, '#name-status', 'available');
  const other = await openPage(browser, server.url, { javaScriptEnabled: false });
  await fillGood(other.page, 'zoe');
  await other.page.click('#submit');
  await waitText(other.page, '#welcome', 'Welcome, zoe (0 phones)');
  await other.ctx.close();
  await page.click('#submit');
  await waitText(page, '#submit', 'Signing up…');
  await waitText(page, '#name-error', 'zoe is taken');
  await fillGood(page, 'zoe2');
  await page.click('#submit');
  await waitText(page, '#submit', 'Signing up…');
  await waitText(page, '#welcome', 'Welcome, zoe2 (2 phones)');
  assert.deepEqual(posts, [], 'everything went over the socket');
  assert.deepEqual(errors.filter((e) => !/WebSocket connection to .* failed|Failed to load resource/.test(e)), []);
  await ctx.close();
});
