// Benchmark (not part of the test run): restart→usable of an open tab in Chromium, with the
// dev reload script (VANGO_DEV=1) and without it (the core client's own reconnect and
// fresh session), on the devreload example's debug build. One round: type in the input,
// stop the server (SIGTERM), start it again 300 ms later showing a new heading, and time
// from the new process accepting connections until the tab shows that heading and is
// connected. Prints each mode's median and whether the typed value survived.
// Run: VANGO_DEVRELOAD_BIN=target/debug/examples/devreload node tests/e2e/devreload.bench.mjs [ROUNDS]
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launch, openPage, connected } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const rounds = +(process.argv[2] || 15);
const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// The tab's state, or null while it navigates (its context is being replaced).
const look = (page) =>
  page.evaluate(() => ({
    banner: document.getElementById('banner')?.textContent,
    live: document.documentElement.classList.contains('vango-connected'),
    note: document.getElementById('note')?.value,
  })).catch(() => null);

for (const [mode, env] of [['with the script', { VANGO_DEV: '1' }], ['without it', {}]]) {
  const dir = mkdtempSync(join(tmpdir(), 'vango-devreload-bench-'));
  cpSync(join(here, '../../examples/devreload'), dir, { recursive: true });
  const server = await startServer(process.env.VANGO_DEVRELOAD_BIN, { ...env, DEVRELOAD_STATIC: dir });
  const { ctx, page } = await openPage(browser, server.url);
  await connected(page);
  const times = [];
  let kept = 0;
  for (let i = 0; i < rounds; i++) {
    await page.fill('#note', `typed ${i}`);
    await page.waitForFunction((i) => document.getElementById('echo').textContent === `Echo: typed ${i}`, i);
    const banner = `round ${i}`;
    writeFileSync(join(dir, 'banner.txt'), banner);
    await server.restart('SIGTERM', 300);
    const up = performance.now();
    let s;
    for (;;) {
      s = await look(page);
      if (s && s.live && s.banner === banner) break;
      if (performance.now() - up > 15000) throw new Error(`${mode}: round ${i} never came back`);
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - up);
    if (s.note === `typed ${i}`) kept++;
    // Settle: the next round starts from a quiet, connected tab.
    await page.waitForTimeout(300);
    await connected(page);
  }
  console.log(`${mode}: restart→usable median ${median(times).toFixed(0)} ms ` +
    `(min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, n=${rounds}); ` +
    `typed value kept ${kept}/${rounds}`);
  await ctx.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
await browser.close();
