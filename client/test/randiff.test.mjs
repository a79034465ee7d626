// Randomized differential test of patches through the real client in Chromium.
//
// For each case (seed, i) of
// examples/randiff.rs, Chromium loads tree A live, clicks #go (the server re-renders to B,
// diffs, sends one frame, the client applies it), and the live DOM (tags, attributes,
// texts, and the live properties of form controls) must equal a fresh first paint of B
// loaded with JavaScript off; then each listener of B is clicked and must reach its own
// handler (#st). A failure is shrunk through the server's /info route and printed with a
// repro command. Touches a spawned example server and Chromium.
// Env: VANGO_RANDIFF_BIN (the example, set by tests/e2e/run.sh), VANGO_RANDIFF_N (cases),
// VANGO_RANDIFF_SEED, VANGO_RANDIFF_CASE (seed/i or seed/i/removed/dropped: that case
// only), VANGO_RANDIFF_FRAGMENTS=1 (components may render several nodes or none).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch } from '../../tests/e2e/harness.mjs';

const N = Number(process.env.VANGO_RANDIFF_N || 200);
const SEED = process.env.VANGO_RANDIFF_SEED || String(Math.floor(Math.random() * 2 ** 32));
const ONE = process.env.VANGO_RANDIFF_CASE;
const WORKERS = 2;

// The state of #t as a user would find it: namespaces, attributes (sorted; hids left out,
// they differ between a patched and a fresh page, also in a range's `h:N` comment), texts,
// comments, and the live properties of form controls in place of the attributes and texts
// that only hold their defaults (patches set the properties).
function snapshot() {
  const short = (ns) => ns.slice(ns.lastIndexOf('/') + 1);
  const DEFAULTS = { input: ['value', 'checked'], option: ['selected'] };
  const attrs = (e) => [...e.attributes].map((a) => [a.name, a.value])
    .filter(([k]) => k != 'data-hid' && !(DEFAULTS[e.localName] || []).includes(k)).sort();
  const props = (e) => {
    switch (e.localName) {
      case 'select': return { value: e.value, selectedIndex: e.selectedIndex };
      case 'option': return { selected: e.selected };
      case 'textarea': return { value: e.value };
      case 'input': return { value: e.value, checked: e.checked };
    }
    return {};
  };
  const snap = (n) => n.nodeType == 3 ? n.data
    : n.nodeType == 8 ? ['#comment', n.data.replace(/^h:\d+$/, 'h:')]
    : n.nodeType == 1 ? [short(n.namespaceURI), n.localName, attrs(n), props(n),
      n.localName == 'textarea' ? [] : [...n.childNodes].map(snap)]
    : ['node type', n.nodeType];
  return snap(document.getElementById('t'));
}

// The first difference between two snapshots, as a path and both sides.
function firstDiff(a, b, path = 't') {
  if (JSON.stringify(a) == JSON.stringify(b)) return null;
  if (Array.isArray(a) && Array.isArray(b) && a.length == b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDiff(a[i], b[i], `${path}/${i}`);
      if (d) return d;
    }
  }
  return `at ${path}:\n  patched: ${JSON.stringify(a)}\n  fresh:   ${JSON.stringify(b)}`;
}

let server, browser, live, still;
before(async () => {
  const env = process.env.VANGO_RANDIFF_FRAGMENTS ? { VANGO_RANDIFF_FRAGMENTS: process.env.VANGO_RANDIFF_FRAGMENTS } : {};
  server = await startServer(process.env.VANGO_RANDIFF_BIN, env);
  browser = await launch();
  live = await browser.newContext();
  still = await browser.newContext({ javaScriptEnabled: false });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// In the page: resolves once `f()` holds, rejects after `ms`.
const UNTIL = `window.__until = (f, ms) => new Promise((ok, no) => {
  const end = Date.now() + ms;
  const tick = () => f() ? ok() : Date.now() > end ? no(new Error('timed out')) : setTimeout(tick, 2);
  tick();
});`;

// A live page and a no-JS page, reused across cases; `errors` collects the client's.
async function pages() {
  const page = await live.newPage();
  const errors = [];
  page.on('console', (m) => m.type() == 'error' && !m.location().url.endsWith('/favicon.ico') &&
    errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(UNTIL);
  return { page, fresh: await still.newPage(), errors };
}

// In the page: clicks each listener of #t in turn; each must bring #st to
// `clicks:its id`. Returns what went wrong, or null.
async function clickAll() {
  const st = () => document.getElementById('st').textContent;
  const ls = [...document.querySelectorAll('#t [data-l]')];
  for (let k = 0; k < ls.length; k++) {
    const id = ls[k].dataset.l, want = `${k + 2}:${id}`, before = st();
    ls[k].dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    try {
      await __until(() => st() != before, 3000);
    } catch {
      return `click on listener ${id} (${k}th) reached no handler`;
    }
    if (st() != want) return `click on listener ${id} (${k}th) gave #st ${st()}, want ${want}`;
  }
  return null;
}

// Checks one case (`path` = t/seed/i or c/seed/i/removed/dropped) on pages `p`: null if
// it passes, else what went wrong.
async function check(path, p) {
  const { page, fresh, errors } = p;
  errors.length = 0;
  try {
    await page.goto(server.url + path + '/a');
    await page.evaluate(async () => {
      await __until(() => document.documentElement.classList.contains('vango-connected'), 5000);
      window.__same = 1;
      document.getElementById('go').click();
      await __until(() => document.getElementById('st').textContent == '1:0', 5000);
    });
    const got = await page.evaluate(snapshot);
    await fresh.goto(server.url + path + '/b');
    const want = await fresh.evaluate(snapshot);
    const d = firstDiff(got, want);
    if (d) return `patched DOM differs from a fresh render of B ${d}`;
    const clicks = await page.evaluate(clickAll);
    if (clicks) return clicks;
    if (!(await page.evaluate(() => window.__same))) return 'the page reloaded';
    if (errors.length) return `client errors: ${errors.join('; ')}`;
    return null;
  } catch (e) {
    return `${String(e).split('\n')[0]}${errors.length ? ` (client errors: ${errors.join('; ')})` : ''}`;
  }
}

// Reduces failing case (seed, i): takes the first one-step reduction that still fails
// until none does (or the budget runs out); returns its path suffix and failure.
async function shrink(seed, i, shrunk, why) {
  const info = await still.newPage();
  const p = await pages();
  let budget = 300;
  try {
    for (;;) {
      await info.goto(`${server.url}info/${seed}/${i}/${shrunk}`);
      const cands = (await info.textContent('#cands')).split('\n').filter(Boolean);
      let next = null;
      for (const c of cands) {
        if (budget-- <= 0) break;
        const w = await check(`c/${seed}/${i}/${c}`, p);
        if (w) { next = c; why = w; break; }
      }
      if (!next) break;
      shrunk = next;
    }
    await info.goto(`${server.url}info/${seed}/${i}/${shrunk}`);
    return { shrunk, why, text: await info.textContent('#info') };
  } finally {
    await info.close();
    await p.page.close();
    await p.fresh.close();
  }
}

async function report(seed, i, shrunk, why) {
  const min = await shrink(seed, i, shrunk, why);
  const name = `${seed}/${i}/${min.shrunk}`;
  return `case ${seed}/${i} failed: ${why}\n\nminimal case ${name}: ${min.why}\n${min.text}\n` +
    `repro: VANGO_RANDIFF_CASE=${name} VANGO_RANDIFF_BIN=target/release/examples/randiff ` +
    `node --test client/test/randiff.test.mjs\n(pages: ${server.url}c/${name}/a, /b, ${server.url}info/${name})`;
}

test(ONE ? `randiff case ${ONE}` : `randiff: ${N} random transitions (seed ${SEED})`, async () => {
  if (ONE) {
    const [seed, i, rm = '-', drop = '-'] = ONE.split('/');
    const why = await check(`c/${seed}/${i}/${rm}/${drop}`, await pages());
    if (why) assert.fail(await report(seed, i, `${rm}/${drop}`, why));
    return;
  }
  console.log(`randiff seed ${SEED} (replay with VANGO_RANDIFF_SEED=${SEED})`);
  const t0 = Date.now();
  let next = 0;
  let failed = null;
  const worker = async () => {
    const p = await pages();
    while (!failed && next < N) {
      const i = next++;
      const why = await check(`t/${SEED}/${i}`, p);
      if (why && !failed) failed = { i, why };
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  console.log(`randiff: ${next} transitions in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (failed) assert.fail(await report(SEED, failed.i, '-/-', failed.why));
});
