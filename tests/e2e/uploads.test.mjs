// E2E: the uploads example in real Chromium: two files set on the input (in-memory buffers)
// upload with the progress rendered and land byte for byte in the upload dir; a wrong type
// is refused on the field; a slow upload is cancelled mid-file from the page, its partial
// file deleted, and the page keeps working; closing the tab mid-upload deletes it too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, openPage, connected } from './harness.mjs';

const dir = mkdtempSync(join(tmpdir(), 'vango-e2e-uploads-'));
let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_UPLOADS_BIN, {
    VANGO_UPLOAD_DIR: dir,
    VANGO_UPLOAD_DELAY_MS: '15',
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const files = (page) => page.$$eval('li.file', (l) => l.map((x) => x.textContent));
const stored = () => readdirSync(dir).filter((f) => f.startsWith('vango-upload-'));
const waitFor = async (f, ms = 10000) => {
  const t = Date.now();
  while (!(await f())) {
    if (Date.now() - t > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('two files upload with progress; a wrong type is refused on the field', async () => {
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  const a = Buffer.alloc(300 * 1024, 'a'), b = Buffer.from('hello, world\n');
  // Progress values the page showed, sampled as they render.
  await page.evaluate(() => {
    window.seen = [];
    new MutationObserver(() => window.seen.push(+document.getElementById('total').value))
      .observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  });
  await page.setInputFiles('input[type=file]', [
    { name: 'a.txt', mimeType: 'text/plain', buffer: a },
    { name: 'b.png', mimeType: 'image/png', buffer: b },
  ]);
  await page.waitForFunction(() => document.getElementById('pct').textContent == '100%', null, { timeout: 10000 });
  assert.deepEqual(await files(page), ['a.txt: done', 'b.png: done']);
  const seen = await page.evaluate(() => window.seen);
  assert.ok(seen.some((v) => v > 0 && v < 100), `intermediate progress rendered: ${seen}`);
  const bodies = stored().map((f) => readFileSync(join(dir, f))).sort((x, y) => x.length - y.length);
  assert.deepEqual(bodies, [b, a]);

  await page.setInputFiles('input[type=file]', [
    { name: 'x.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') },
  ]);
  await page.waitForSelector('li.file:has-text("wrong type")', { timeout: 5000 });
  assert.equal(stored().length, 2, 'nothing stored for the refused file');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('cancel mid-upload deletes the partial file and the page keeps working', async () => {
  const before = stored().length;
  const { ctx, page, errors } = await openPage(browser, server.url);
  await connected(page);
  // 2 MiB at 15 ms per 32 KiB chunk: about a second, cancelled well before the end.
  await page.setInputFiles('input[type=file]', [
    { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(2 << 20, 'z') },
  ]);
  await page.waitForFunction(() => {
    const v = +document.getElementById('total').value;
    return v > 5 && v < 60;
  }, null, { timeout: 10000 });
  await waitFor(() => stored().length == before + 1);
  await page.click('#cancel');
  await page.waitForSelector('li.file:text-is("big.txt: cancelled")', { timeout: 5000 });
  await waitFor(() => stored().length == before);
  // The session goes on: a new selection uploads.
  await page.setInputFiles('input[type=file]', [
    { name: 'c.txt', mimeType: 'text/plain', buffer: Buffer.from('again') },
  ]);
  await page.waitForSelector('li.file:text-is("c.txt: done")', { timeout: 5000 });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('closing the tab mid-upload deletes the partial file', async () => {
  const before = stored().length;
  const { ctx, page } = await openPage(browser, server.url);
  await connected(page);
  await page.setInputFiles('input[type=file]', [
    { name: 'gone.txt', mimeType: 'text/plain', buffer: Buffer.alloc(2 << 20, 'g') },
  ]);
  await page.waitForFunction(() => +document.getElementById('total').value > 5, null, { timeout: 10000 });
  await waitFor(() => stored().length == before + 1);
  await ctx.close();
  await waitFor(() => stored().length == before, 5000);
});
