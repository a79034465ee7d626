// E2E harness: starts an example server on a free port behind a TCP proxy that a test can
// cut, restarts it, and launches Debian's Chromium through playwright-core. Touches child
// processes, local sockets and a temporary state directory per server.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('../../client/node_modules/playwright-core');

export const freePort = () =>
  new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });

const waitConnect = async (port, ms = 15000) => {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), res(true)));
      c.on('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const exited = (child) =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.on('exit', r)));

// Starts `bin` with VANGO_ADDR on a free port and its own state directory (its secret key
// file lives there); returns { url, cut(), blackhole(), restart(signal), stop() }.
// The browser reaches it through a TCP proxy on another port, so the Host it sends names
// the proxy: the server is told to answer 127.0.0.1 on any port (VANGO_ALLOWED_HOSTS), as
// an operator behind a proxy would.
export async function startServer(bin, env = {}) {
  if (!bin) throw new Error('server binary not set (run tests/e2e/run.sh)');
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'vango-e2e-state-'));
  const start = () => spawn(bin, [], {
    env: {
      ...process.env,
      VANGO_ADDR: `127.0.0.1:${port}`,
      VANGO_WORKERS: '2',
      VANGO_ALLOWED_HOSTS: '127.0.0.1',
      VANGO_STATE_DIR: state,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let child = start();
  await waitConnect(port);
  const conns = new Set();
  const proxy = net.createServer((c) => {
    const s = net.connect(port, '127.0.0.1');
    c.pipe(s).pipe(c);
    const both = [c, s];
    conns.add(both);
    const done = () => conns.delete(both);
    // A failed side fails the other, as a refused or reset connection would: without it
    // a browser connecting while no server listens would wait forever.
    c.on('error', () => s.destroy()).on('close', done);
    s.on('error', () => c.destroy()).on('close', done);
  });
  const pport = await new Promise((res) => proxy.listen(0, '127.0.0.1', () => res(proxy.address().port)));
  return {
    url: `http://127.0.0.1:${pport}/`,
    // The server itself, without the proxy (for timings the proxy's hops would blur).
    direct: `http://127.0.0.1:${port}/`,
    // From now on drops what the server sends on the open connections (events still go
    // up): the patches are lost in flight, as on a link that died one way.
    blackhole() {
      for (const [c, s] of conns) {
        s.unpipe(c);
        s.on('data', () => {});
      }
    },
    // Severs every proxied connection, as a network drop would.
    cut() {
      for (const both of conns) for (const x of both) x.destroy();
      conns.clear();
    },
    // Ends the server process with `signal` ('SIGTERM': a graceful stop, as a deploy does;
    // 'SIGKILL': a crash), leaves the port closed for `downMs`, then starts the server again
    // on the same port with the same state directory. Resolves with the exit code once the
    // new process accepts connections.
    async restart(signal, downMs = 0) {
      child.kill(signal);
      await exited(child);
      const code = child.exitCode;
      await new Promise((r) => setTimeout(r, downMs));
      child = start();
      await waitConnect(port);
      return code;
    },
    async stop() {
      proxy.close();
      for (const both of conns) for (const x of both) x.destroy();
      child.kill('SIGTERM');
      await exited(child);
      rmSync(state, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// Opens a page that records console errors and uncaught exceptions; `init` is a script
// run before each document's own.
export async function openPage(browser, url, opts = {}, init = '') {
  const ctx = await browser.newContext(opts);
  if (init) await ctx.addInitScript(init);
  const page = await ctx.newPage();
  const errors = [];
  // The examples serve no favicon; Chromium asks for one once per browser.
  page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') &&
    errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { ctx, page, errors };
}

export const connected = (page) =>
  page.waitForFunction(() => document.documentElement.classList.contains('vango-connected'));

// Cuts the server's connections and resolves once the page has seen its socket drop. The
// client's first retry is immediate, so the page can be connected again before a polling
// check would look: an observer set up before the cut records the drop instead.
export async function cutSeen(page, server) {
  await page.evaluate(() => {
    const html = document.documentElement;
    window.__dropped = false;
    new MutationObserver((_, o) => {
      if (!html.classList.contains('vango-connected')) (window.__dropped = true), o.disconnect();
    }).observe(html, { attributes: true, attributeFilter: ['class'] });
  });
  server.cut();
  await page.waitForFunction(() => window.__dropped);
}

// The realtime example's visitor name (`#me`) as the live session has it. The first paint
// is a throwaway mount that draws a name of its own, and the page is marked connected at
// the ServerHello, before the patch that swaps the names lands: a read right after
// `connected` may see the first paint's. Only live tabs join the presence list, so the
// name is the live one once the list holds it.
export async function liveName(page) {
  await page.waitForFunction(() => {
    const me = document.querySelector('#me')?.textContent;
    const list = document.querySelector('#presence')?.textContent ?? '';
    const names = list.slice(list.indexOf(' here: ') + 7).split(/, | and \d+ more$/);
    return !!me && names.includes(me);
  }, null, { timeout: 15000 });
  return page.textContent('#me');
}
