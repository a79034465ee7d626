// E2E: the todo example on a SQLite file in real Chromium: add with Enter (no form POST:
// the key handler runs an action over the socket), toggle, a reload keeps the state
// (the first paint already lists it), a write shows in the browser's other tab and not in
// another browser, and with JavaScript off the same field adds through
// a plain POST (303, then the list). Touches a temporary database file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser, dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vango-e2e-todo-'));
  server = await startServer(process.env.VANGO_TODO_BIN, { VANGO_TODO_DB: join(dir, 'todo.sqlite3') });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const titles = (page) => page.$$eval('.todo-list a.title', (as) => as.map((a) => a.textContent));

test('with JavaScript: add with Enter, toggle, reload keeps the state', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url + 'todos');
  await connected(page);
  const posts = [];
  page.on('request', (r) => r.method() === 'POST' && posts.push(new URL(r.url()).pathname));
  for (const t of ['Buy milk', 'Walk the dog']) {
    await page.fill('#new-todo', t);
    await page.press('#new-todo', 'Enter');
    await page.waitForFunction((t) =>
      [...document.querySelectorAll('.todo-list a.title')].some((a) => a.textContent === t), t);
  }
  assert.deepEqual(await titles(page), ['Buy milk', 'Walk the dog']);
  assert.equal(await page.inputValue('#new-todo'), '', 'the field is emptied');
  assert.deepEqual(posts, [], 'Enter ran the action over the socket, no form POST');

  await page.click('.todo-list li:first-child button.toggle');
  await page.waitForSelector('.todo-list li.done');
  assert.equal(await page.textContent('.todo-list li.done a.title'), 'Buy milk');

  await page.reload();
  // Before the client connects: the first paint (SSR) already shows the list and state.
  assert.deepEqual(await titles(page), ['Buy milk', 'Walk the dog']);
  assert.equal(await page.textContent('.todo-list li.done a.title'), 'Buy milk');
  await connected(page);

  await page.click('.todo-list li.done button.destroy');
  await page.waitForFunction(() => document.querySelectorAll('.todo-list li').length === 1);
  assert.deepEqual(await titles(page), ['Walk the dog']);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a write shows in the same browser\'s other tab, not in another browser', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url + 'todos');
  await connected(page);
  const other = await ctx.newPage();
  await other.goto(server.url + 'todos');
  await connected(other);
  const stranger = await openPage(browser, server.url + 'todos');
  await connected(stranger.page);
  await page.fill('#new-todo', 'Seen in both tabs');
  await page.press('#new-todo', 'Enter');
  await other.waitForFunction(() =>
    [...document.querySelectorAll('.todo-list a.title')].some((a) => a.textContent === 'Seen in both tabs'));
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!(await titles(stranger.page)).includes('Seen in both tabs'));
  assert.deepEqual([...errors, ...stranger.errors], []);
  await stranger.ctx.close();
  await ctx.close();
});

test('with JavaScript off: Enter in the field posts the form, 303, then the list', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url + 'todos', { javaScriptEnabled: false });
  assert.deepEqual(await titles(page), [], 'another browser sees none of the first one\'s todos');
  const answer = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.fill('#new-todo', 'Plain HTML');
  await page.press('#new-todo', 'Enter');
  const posted = await answer;
  assert.equal(posted.status(), 303);
  assert.equal(posted.headers().location, '/todos');
  await page.waitForSelector('.todo-list a.title');
  assert.deepEqual(await titles(page), ['Plain HTML']);

  await page.click('.todo-list li:first-child button.toggle');
  await page.waitForSelector('.todo-list li.done');
  await page.click('.todo-list li:first-child button.destroy');
  await page.waitForFunction(() => document.querySelectorAll('.todo-list li').length === 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});
