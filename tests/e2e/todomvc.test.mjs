// E2E: the todomvc example in real Chromium, section by section of the TodoMVC app
// specification: no todos hides main and footer; new todo (autofocus, Enter, trimmed,
// blank ignored); mark all; item toggle, edit (double-click, focused field, Enter/blur
// save trimmed, empty deletes, Escape cancels); counter pluralisation; clear completed;
// persistence across reloads (and per browser); routing by `#/…` links with back/forward
// and a reload on a filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser, dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vango-todomvc-'));
  server = await startServer(process.env.VANGO_TODOMVC_BIN, { VANGO_TODOMVC_DB: join(dir, 'todomvc.sqlite3') });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const T = { timeout: 5000 };
const labels = (page) => page.$$eval('.todo-list li label', (l) => l.map((x) => x.textContent));
const waitLabels = (page, want) =>
  page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('.todo-list li label')]
    .map((x) => x.textContent)) === w, JSON.stringify(want), T);
const waitCount = (page, text) =>
  page.waitForFunction((t) => document.querySelector('.todo-count')?.textContent === t, text, T);
const gone = (page, sel) => page.waitForFunction((s) => !document.querySelector(s), sel, T);
const add = async (page, title) => {
  const n = await page.$$eval('.todo-list li', (l) => l.length);
  await page.fill('.new-todo', title);
  await page.press('.new-todo', 'Enter');
  await page.waitForFunction((k) => document.querySelectorAll('.todo-list li').length === k, n + 1, T);
};
const li = (page, title) => page.locator('.todo-list li', { hasText: title });

// A fresh browser (its own cookie: its own list) on the app, connected.
async function fresh(path = '') {
  const o = await openPage(browser, server.url + path);
  await connected(o.page);
  return o;
}

test('no todos: main and footer are hidden; the new-todo field has focus', async () => {
  const { ctx, page, errors } = await fresh();
  assert.equal(await page.$('.main'), null);
  assert.equal(await page.$('.footer'), null);
  assert.equal(await page.evaluate(() => document.activeElement.className), 'new-todo');
  assert.equal(await page.getAttribute('.new-todo', 'placeholder'), 'What needs to be done?');
  // The template's look: the stylesheet is served and applied.
  assert.equal(await page.$eval('.todoapp h1', (h) => getComputedStyle(h).color), 'rgb(184, 63, 69)');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('new todo: Enter adds the trimmed title at the end and clears the field', async () => {
  const { ctx, page, errors } = await fresh();
  await page.keyboard.type('  buy some cheese  ');
  await page.keyboard.press('Enter');
  await waitLabels(page, ['buy some cheese']);
  assert.equal(await page.$eval('.new-todo', (i) => i.value), '');
  await add(page, 'feed the cat');
  assert.deepEqual(await labels(page), ['buy some cheese', 'feed the cat']);
  assert.ok(await page.isVisible('.main'));
  assert.ok(await page.isVisible('.footer'));
  // A blank title adds nothing.
  await page.fill('.new-todo', '   ');
  await page.press('.new-todo', 'Enter');
  await page.waitForTimeout(200);
  assert.deepEqual(await labels(page), ['buy some cheese', 'feed the cat']);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('mark all as complete, and its checkbox follows the items', async () => {
  const { ctx, page, errors } = await fresh();
  for (const t of ['a', 'b', 'c']) await add(page, t);
  await page.click('label[for="toggle-all"]');
  await page.waitForFunction(() => document.querySelectorAll('.todo-list li.completed').length === 3, null, T);
  assert.ok(await page.isChecked('#toggle-all'));
  await waitCount(page, '0 items left');
  // Unchecking one item unchecks "mark all".
  await li(page, 'b').locator('.toggle').click();
  await page.waitForFunction(() => !document.querySelector('#toggle-all').checked, null, T);
  await page.click('label[for="toggle-all"]');
  await page.waitForFunction(() => document.querySelectorAll('.todo-list li.completed').length === 3, null, T);
  await page.click('label[for="toggle-all"]');
  await page.waitForFunction(() => document.querySelectorAll('.todo-list li.completed').length === 0, null, T);
  await waitCount(page, '3 items left');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('item: toggle, edit with Enter/blur (trimmed), Escape cancels, empty deletes, destroy', async () => {
  const { ctx, page, errors } = await fresh();
  for (const t of ['one', 'two', 'three']) await add(page, t);
  await li(page, 'two').locator('.toggle').click();
  await page.waitForFunction(() => document.querySelector('.todo-list li:nth-child(2)').classList.contains('completed'), null, T);
  await li(page, 'two').locator('.toggle').click();
  await page.waitForFunction(() => !document.querySelector('.todo-list li:nth-child(2)').classList.contains('completed'), null, T);

  // Double-click: the row edits, its view is hidden, the field is focused with the title.
  await li(page, 'two').locator('label').dblclick();
  await page.waitForFunction(() => document.activeElement?.classList.contains('edit'), null, T);
  assert.equal(await page.$eval('.todo-list li.editing .edit', (i) => i.value), 'two');
  assert.equal(await page.$$eval('.todo-list li.editing .view', (v) => v.filter((x) => x.offsetParent).length), 0);
  await page.fill('.todo-list li.editing .edit', '  buy some sausages  ');
  await page.keyboard.press('Enter');
  await waitLabels(page, ['one', 'buy some sausages', 'three']);
  await gone(page, '.todo-list li.editing');

  // Escape discards the change.
  await li(page, 'three').locator('label').dblclick();
  await page.waitForFunction(() => document.activeElement?.classList.contains('edit'), null, T);
  await page.fill('.todo-list li.editing .edit', 'something else');
  await page.keyboard.press('Escape');
  await gone(page, '.todo-list li.editing');
  assert.deepEqual(await labels(page), ['one', 'buy some sausages', 'three']);

  // Leaving the field saves.
  await li(page, 'one').locator('label').dblclick();
  await page.waitForFunction(() => document.activeElement?.classList.contains('edit'), null, T);
  await page.fill('.todo-list li.editing .edit', ' first ');
  await page.click('.todoapp h1');
  await waitLabels(page, ['first', 'buy some sausages', 'three']);

  // An empty title deletes the todo.
  await li(page, 'three').locator('label').dblclick();
  await page.waitForFunction(() => document.activeElement?.classList.contains('edit'), null, T);
  await page.fill('.todo-list li.editing .edit', '   ');
  await page.keyboard.press('Enter');
  await waitLabels(page, ['first', 'buy some sausages']);

  // The destroy button shows on hover and removes the todo.
  await li(page, 'first').hover();
  await li(page, 'first').locator('.destroy').click();
  await waitLabels(page, ['buy some sausages']);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('counter: "1 item left", "N items left"; clear completed only when there are some', async () => {
  const { ctx, page, errors } = await fresh();
  await add(page, 'a');
  await waitCount(page, '1 item left');
  assert.equal(await page.textContent('.todo-count strong'), '1');
  await add(page, 'b');
  await waitCount(page, '2 items left');
  assert.equal(await page.$('.clear-completed'), null);
  await li(page, 'a').locator('.toggle').click();
  await waitCount(page, '1 item left');
  await page.waitForSelector('.clear-completed', T);
  assert.equal(await page.textContent('.clear-completed'), 'Clear completed');
  await page.click('.clear-completed');
  await waitLabels(page, ['b']);
  await gone(page, '.clear-completed');
  // The last one gone: main and footer hide again.
  await li(page, 'b').hover();
  await li(page, 'b').locator('.destroy').click();
  await gone(page, '.main');
  await gone(page, '.footer');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('persistence: a reload keeps titles and states; another browser sees none', async () => {
  const { ctx, page, errors } = await fresh();
  await add(page, 'keep me');
  await add(page, 'done already');
  await li(page, 'done already').locator('.toggle').click();
  await waitCount(page, '1 item left');
  await page.waitForTimeout(100); // the write runs after the patch
  await page.reload();
  // The first paint already has them (no wait for the socket).
  assert.deepEqual(await labels(page), ['keep me', 'done already']);
  assert.ok(await li(page, 'done already').evaluate((e) => e.classList.contains('completed')));
  assert.ok(await li(page, 'done already').locator('.toggle').isChecked());
  await connected(page);
  const other = await fresh();
  assert.equal(await other.page.$('.todo-list'), null);
  await other.ctx.close();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('routing: #/active and #/completed links, selected class, back button, reload', async () => {
  const { ctx, page, errors } = await fresh();
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws));
  for (const t of ['a', 'b', 'c']) await add(page, t);
  await li(page, 'b').locator('.toggle').click();
  await waitCount(page, '2 items left');
  const selected = () => page.$eval('.filters a.selected', (a) => a.getAttribute('href'));
  assert.equal(await selected(), '#/');

  await page.click('.filters a[href="#/active"]');
  await waitLabels(page, ['a', 'c']);
  assert.ok(page.url().endsWith('#/active'));
  assert.equal(await selected(), '#/active');
  await page.click('.filters a[href="#/completed"]');
  await waitLabels(page, ['b']);
  assert.equal(await selected(), '#/completed');

  // The filter holds for changes made under it: completing "c" shows it here.
  await page.click('.filters a[href="#/active"]');
  await waitLabels(page, ['a', 'c']);
  await li(page, 'c').locator('.toggle').click();
  await waitLabels(page, ['a']);

  // Back through the entries the links pushed, then forward again.
  await page.goBack();
  await waitLabels(page, ['b', 'c']);
  assert.equal(await selected(), '#/completed');
  await page.goBack();
  await waitLabels(page, ['a']);
  assert.equal(await selected(), '#/active');
  await page.goBack();
  await waitLabels(page, ['a', 'b', 'c']);
  assert.equal(await selected(), '#/');
  await page.goForward();
  await waitLabels(page, ['a']);
  assert.equal(await selected(), '#/active');
  assert.equal(sockets.length, 0, 'in-page: no reload, no new socket');

  // A reload at #/active: the first paint shows all (the server cannot see the
  // fragment), the live session applies the filter as soon as it is connected.
  assert.ok(page.url().endsWith('#/active'));
  await page.reload();
  await connected(page);
  await waitLabels(page, ['a']);
  assert.equal(await selected(), '#/active');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'new-todo');
  assert.deepEqual(errors, []);
  await ctx.close();
});
