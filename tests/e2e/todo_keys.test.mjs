// E2E: the todo_keys example in real Chromium: 300 characters typed at machine speed into
// a field with an input listener and an Enter/Escape key filter close nothing (no rate
// limit, one socket); Enter adds, Escape cancels; the Enter of an IME composition (via CDP)
// does not submit; double-click edits with focus from the server, blur saves, Escape
// cancels the edit. The help toggles through client commands without sending a frame.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_TODO_KEYS_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const labels = (page) => page.$$eval('.todo-list label', (l) => l.map((x) => x.textContent));
const waitText = (page, sel, text) =>
  page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [sel, text], { timeout: 5000 });

test('typing, Enter, Escape, IME composition and in-place edits', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  // Every socket the page opens, and every server Close frame (0x87) on them.
  const sockets = [], closes = [];
  page.on('websocket', (ws) => {
    sockets.push(ws);
    ws.on('framereceived', (f) => typeof f.payload != 'string' && f.payload[0] == 0x87 && closes.push([...f.payload]));
  });
  await connected(page);
  const field = '.new-todo';

  // 300 characters at machine speed (key events pipelined over CDP, not one round trip
  // each): input events are coalesced, keys other than Enter/Escape send nothing.
  await page.focus(field);
  const cdp = await ctx.newCDPSession(page);
  await Promise.all([...'a'.repeat(300)].flatMap((c) => [
    cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: c, code: 'KeyA', text: c }),
    cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: c, code: 'KeyA' }),
  ]));
  const t0 = Date.now();
  while (closes.length == 0 && await page.textContent('.typed') != '300 characters' && Date.now() - t0 < 5000) {
    await page.waitForTimeout(20);
  }
  assert.deepEqual(closes, [], 'no Close frame (code 5: rate limit) while typing');
  await waitText(page, '.typed', '300 characters');
  // Escape clears the field and adds nothing.
  await page.keyboard.press('Escape');
  await page.waitForFunction((s) => document.querySelector(s).value === '', field);
  await waitText(page, '.typed', '0 characters');
  assert.deepEqual(await labels(page), []);

  // Enter adds the field's text and clears it.
  await page.keyboard.type('Buy milk');
  await page.keyboard.press('Enter');
  await waitText(page, '.count', '1 items');
  assert.deepEqual(await labels(page), ['Buy milk']);
  assert.equal(await page.$eval(field, (i) => i.value), '');

  // The Enter that commits an IME candidate does not submit; the next Enter does.
  await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
  await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229 });
  await cdp.send('Input.insertText', { text: '日本' });
  await page.waitForTimeout(300);
  assert.deepEqual(await labels(page), ['Buy milk'], 'the composition Enter added nothing');
  assert.equal(await page.$eval(field, (i) => i.value), '日本');
  await page.keyboard.press('Enter');
  await waitText(page, '.count', '2 items');
  assert.deepEqual(await labels(page), ['Buy milk', '日本']);

  // Double-click edits in place; the server focuses the edit field; blur saves.
  await page.dblclick('label:text-is("Buy milk")');
  await page.waitForFunction(() => document.activeElement?.classList.contains('edit'));
  await page.keyboard.press('End');
  await page.keyboard.type(' and bread');
  await page.click('h1');
  await page.waitForFunction(() => !document.querySelector('.edit'));
  assert.deepEqual(await labels(page), ['Buy milk and bread', '日本']);

  // Escape cancels an edit; Enter saves one.
  await page.dblclick('label:text-is("日本")');
  await page.waitForFunction(() => document.activeElement?.classList.contains('edit'));
  await page.keyboard.type('xyz');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('.edit'));
  assert.deepEqual(await labels(page), ['Buy milk and bread', '日本']);
  await page.dblclick('label:text-is("日本")');
  await page.waitForFunction(() => document.activeElement?.classList.contains('edit'));
  await page.keyboard.press('End');
  await page.keyboard.type('語');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('.edit'));
  assert.deepEqual(await labels(page), ['Buy milk and bread', '日本語']);

  assert.equal(sockets.length, 1, 'one socket: never closed and reopened');
  assert.deepEqual(closes, [], 'no Close frame from the server');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('client commands: the help toggles in the browser with no frame sent', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  let sent = 0;
  page.on('websocket', (ws) => ws.on('framesent', () => sent++));
  await connected(page);
  const shown = () => page.$eval('.help', (e) => !e.hidden);
  assert.equal(await shown(), false);
  const before = sent;
  await page.click('.help-toggle');
  assert.equal(await shown(), true);
  await page.click('.help-toggle');
  assert.equal(await shown(), false);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(sent, before, 'no frame for client commands');
  assert.deepEqual(errors, []);
  await ctx.close();
});
