// Chromium harness for the js-framework-benchmark keyed ops: examples/jsfb (a Vango
// server) against tests/perf/vanilla/index.html (plain DOM code). Each op's time is from
// the click to the first frame painted after the DOM shows its result (a
// requestAnimationFrame callback, then a task after that frame), medians of RUNS
// interleaved runs. Touches child processes, local sockets and headless Chromium.
//
// Usage: node tests/perf/jsfb.mjs [runs=7] [op,op,...]
//   VANGO_JSFB_BIN: the example binary (default target/release/examples/jsfb).
//   JSFB_CLIENT=FILE: the page gets this client bundle instead of the binary's (a
//   before/after of client changes on one server build).
//   JSFB_SPLIT=1: also the median time from the click to the first server frame's arrival
//   (server + wire; the rest of the vango time is the client applying and painting).
//   JSFB_PROXY=1: the page reaches the server through the e2e harness's TCP proxy (two
//   more hops through node per message; by default it talks to the server directly).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startServer, launch } from '../e2e/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = +(process.argv[2] || 7);
const ONLY = process.argv[3] ? process.argv[3].split(',') : null;

// Each op: the untimed setup clicks that bring the page to its start, and the timed click.
const OPS = [
  ['create1k', ['#clear'], '#run'],
  ['replace', ['#run'], '#run'],
  ['update', ['#run'], '#update'],
  ['select', ['#run'], 'tbody tr:nth-child(2) td:nth-child(2) a'],
  ['swap', ['#run'], '#swaprows'],
  ['remove', ['#run'], 'tbody tr:nth-child(4) td:nth-child(3) a'],
  ['create10k', ['#clear'], '#runlots'],
  ['append', ['#run'], '#add'],
  ['clear', ['#run'], '#clear'],
].filter(([n]) => !ONLY || ONLY.includes(n));

// Runs in the page: clicks `sel` and resolves with milliseconds from the click to the
// painted frame that shows the op's result, judged against the DOM before the click.
const clickAndTime = ([sel]) => new Promise((resolve, reject) => {
  const tb = document.querySelector('tbody'), rows = tb.rows;
  const id = (i) => rows[i]?.cells[0].textContent;
  const label = (i) => rows[i]?.cells[1].textContent;
  const n0 = rows.length, first = id(0), r999 = id(998), r4 = id(3), l990 = label(990);
  const done = {
    '#run': () => rows.length == 1000 && id(0) != first,
    '#runlots': () => rows.length == 10000 && id(0) != first,
    '#add': () => rows.length == n0 + 1000,
    '#update': () => label(990) == l990 + ' !!!',
    '#clear': () => rows.length == 0,
    '#swaprows': () => id(1) == r999,
  }[sel] || (sel.includes('nth-child(2) a') ? () => rows[1].className == 'danger'
    : () => rows.length == n0 - 1 && id(3) != r4);
  const target = document.querySelector(sel);
  if (!target) return reject(new Error('no ' + sel));
  let mo;
  const finish = () => {
    mo.disconnect();
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      // With JSFB_SPLIT, also when the first server frame after the click arrived.
      const w = (window.__frames || []).find((t) => t >= t0);
      ch.port1.onmessage = () => resolve(window.__frames ? [performance.now() - t0, w == null ? NaN : w - t0] : performance.now() - t0);
      ch.port2.postMessage(0);
    });
  };
  mo = new MutationObserver(() => done() && finish());
  mo.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
  setTimeout(() => (mo.disconnect(), reject(new Error('timeout on ' + sel))), 2e4);
  const t0 = performance.now();
  window.__t0 = t0;
  target.click();
  if (done()) finish();
});

// Records when each WebSocket message reaches the page (before the client handles it).
const SPY = `window.__frames = [];
const A = WebSocket.prototype.addEventListener;
Object.defineProperty(WebSocket.prototype, 'onmessage', { set(f) {
  if (!this.__h) A.call(this, 'message', (m) => { window.__frames.push(performance.now()); this.__h && this.__h(m); });
  this.__h = f;
} });`;

async function open(browser, url, vango) {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  if (vango && process.env.JSFB_SPLIT) await ctx.addInitScript(SPY);
  if (vango && process.env.JSFB_CLIENT) {
    const js = readFileSync(process.env.JSFB_CLIENT);
    await ctx.route(/\/_vango\/client\.js/, (r) => r.fulfill({ body: js, contentType: 'text/javascript' }));
  }
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror', String(e)));
  await page.goto(url);
  if (vango) await page.waitForFunction(() => document.documentElement.classList.contains('vango-connected'));
  return page;
}

// Brings the page to an op's start (setup clicks, each waited for) and lets it settle.
async function prepare(page, setup) {
  for (const s of setup) await page.evaluate(clickAndTime, [s]);
  await page.waitForTimeout(60);
}

const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

async function main() {
  const bin = process.env.VANGO_JSFB_BIN || join(here, '../../target/release/examples/jsfb');
  const server = await startServer(bin);
  const html = readFileSync(join(here, 'vanilla/index.html'));
  const stat = http.createServer((q, r) => { r.setHeader('content-type', 'text/html'); r.end(html); });
  const vport = await new Promise((res) => stat.listen(0, '127.0.0.1', () => res(stat.address().port)));
  const browser = await launch();
  const pages = {
    vanilla: await open(browser, `http://127.0.0.1:${vport}/`, false),
    vango: await open(browser, process.env.JSFB_PROXY ? server.url : server.direct, true),
  };
  const t = { vanilla: {}, vango: {}, wire: {} };
  // Warm-up: each page creates and clears rows a few times before anything is timed.
  for (const p of Object.values(pages)) for (let i = 0; i < 3; i++) await prepare(p, ['#run', '#clear']);
  for (let r = 0; r < RUNS; r++) {
    for (const [name, setup, click] of OPS) {
      const order = r % 2 ? ['vango', 'vanilla'] : ['vanilla', 'vango'];
      for (const who of order) {
        await prepare(pages[who], setup);
        let v = await pages[who].evaluate(clickAndTime, [click]);
        if (Array.isArray(v)) {
          (t.wire[name] ||= []).push(v[1]);
          v = v[0];
        }
        (t[who][name] ||= []).push(v);
      }
    }
  }
  const out = [];
  console.log(`op          vanilla ms   vango ms   ratio   (medians of ${RUNS})`);
  for (const [name] of OPS) {
    const a = median(t.vanilla[name]), b = median(t.vango[name]);
    out.push({ op: name, vanilla: +a.toFixed(1), vango: +b.toFixed(1), ratio: +(b / a).toFixed(2) });
    const w = t.wire[name] ? `   click→frame ${median(t.wire[name]).toFixed(1)} ms` : '';
    console.log(`${name.padEnd(11)} ${a.toFixed(1).padStart(10)} ${b.toFixed(1).padStart(10)} ${(b / a).toFixed(2).padStart(7)}${w}`);
  }
  if (process.env.JSFB_JSON) console.log(JSON.stringify(out));
  await browser.close();
  stat.close();
  await server.stop();
}
main().catch((e) => { console.error(e); process.exit(1); });
