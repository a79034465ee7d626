// Test support for browser tests: a static server on 127.0.0.1 for fixture pages, the
// client sources and the built bundle, a fake WebSocket, and Chromium via playwright-core.
import { createServer } from 'node:http';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { encodeServer, decodeClient } from './meaning.mjs';

const root = new URL('..', import.meta.url).pathname;
const pages = new Map();
let nextPage = 0;

// Installed before the client runs: records what it sends, lets the test deliver frames.
const FAKE_WS = `
window.__sockets = [];
window.WebSocket = class {
  constructor(url) { this.url = url; this.sent = []; __sockets.push(this); }
  send(b) { if (!this.open) throw Error('not open'); this.sent.push(Array.from(b)); }
  close() { this.closed = 1; }
};
window.__ws = () => __sockets[__sockets.length - 1];
window.__open = () => { const w = __ws(); w.open = 1; w.onopen(); };
window.__recv = (a) => __ws().onmessage({ data: new Uint8Array(a).buffer });
window.__log = [];
`;

export function startServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const type = (t) => ({ 'content-type': t, 'cache-control': 'no-store' });
    try {
      if (url.pathname.startsWith('/p/')) {
        const p = pages.get(url.pathname), { html, head = '', mode } = p;
        // Each load of a page hands out the next token: tok-1, tok-2, ...
        p.loads = (p.loads || 0) + 1;
        const boot = mode == 'src'
          ? '<script type="module" src="/src/index.js"'
          : '<script defer src="/dist/vango.min.js"';
        res.writeHead(200, type('text/html; charset=utf-8'));
        return res.end(`<!doctype html><html><head><meta charset="utf-8"><script>${FAKE_WS}</script>${head}</head>` +
          `<body>${html}${boot} id="vango-boot" data-csrf="tok-${p.loads}" data-hash="305419896"></script></body></html>`);
      }
      if (/^\/(src|dist)\/[\w.]+\.js$/.test(url.pathname)) {
        res.writeHead(200, type('text/javascript'));
        return res.end(readFileSync(join(root, url.pathname)));
      }
      if (url.pathname == '/next') { res.writeHead(200, type('text/html')); return res.end('next'); }
    } catch {}
    res.writeHead(404);
    res.end();
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

export async function launch() {
  const dir = mkdtempSync(join(tmpdir(), 'vango-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return { ctx, close: async () => { await ctx.close(); rmSync(dir, { recursive: true, force: true }); } };
}

// For a test file: starts the fixture server and Chromium before its tests and stops them
// after; returns openPage(mode, html, options), which is `open` on them.
export function fixture() {
  let server, browser;
  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser.close();
    server.close();
  });
  return (mode, html, o) => open(browser.ctx, server, mode, html, o);
}

// Opens a fixture page with the client in `mode` ('src' or 'min'), answers its Hello and
// returns helpers. With hello: false the socket is left unopened; clock: true installs
// Playwright's fake clock before the page loads.
export async function open(ctx, server, mode, html, { head = '', hello = true, query = '', clock = false } = {}) {
  const path = `/p/${nextPage++}`;
  pages.set(path, { html, head, mode });
  const page = await ctx.newPage();
  if (clock) await page.clock.install();
  page.on('pageerror', (e) => console.error('pageerror', e));
  await page.goto(`http://127.0.0.1:${server.address().port}${path}${query}`);
  await page.waitForFunction(() => window.__sockets.length > 0);
  const t = {
    page,
    path,
    seq: 0,
    recv: (f) => page.evaluate((a) => window.__recv(a), Array.from(encodeServer(f))),
    // Applies ops as the next Patches frame (ack: last event seq applied).
    patch: (ops, ack = 0) => t.recv([0x82, ++t.seq, ack, ops]),
    sent: async () => (await page.evaluate(() => window.__ws().sent)).map(decodeClient),
    sentRaw: () => page.evaluate(() => window.__ws().sent),
    html: (sel) => page.$eval(sel, (e) => e.innerHTML),
    eval: (f, arg) => page.evaluate(f, arg),
    hello: async (status = 0, sid = 'S1', lastEvent = 0) => {
      await page.evaluate(() => window.__open());
      await t.recv([0x81, 1, status, sid, lastEvent]);
    },
  };
  if (hello) await t.hello();
  return t;
}
