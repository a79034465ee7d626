// Browser test of ranges (components without a wrapper element, PROTOCOL.md "Ranges"): for
// each case of tests/vectors/fragment.json (written by tests/fragment.rs: a first paint,
// then frames each followed by the fresh render they must give) Chromium loads the first
// paint, the real client applies the frames one by one, and after each the live DOM
// (elements, texts, range comments, form properties) must equal a fresh load of that
// step's render. Later frames address ranges the earlier ones inserted, so the client's
// hid index of ranges is exercised too. Runs against the sources and the bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from './harness.mjs';

const file = new URL('../../tests/vectors/fragment.json', import.meta.url);
const { cases } = JSON.parse(readFileSync(file, 'utf8'));
const unhex = (h) => Array.from(Buffer.from(h, 'hex'));

// The live state of <main>: namespaces, attributes, texts, comments and the properties
// of form controls (a textarea's shown value included).
function snapshot() {
  const short = (ns) => ns.slice(ns.lastIndexOf('/') + 1);
  const props = (e) => {
    switch (e.localName) {
      case 'select': return { value: e.value, selectedIndex: e.selectedIndex };
      case 'option': return { selected: e.selected };
      case 'textarea': return { value: e.value };
    }
    return {};
  };
  const snap = (n) => n.nodeType == 3 ? n.data
    : n.nodeType == 8 ? ['comment', n.data]
    : [short(n.namespaceURI), n.localName, [...n.attributes].map((a) => [a.name, a.value]).sort(),
      props(n), [...n.childNodes].map(snap)];
  return snap(document.querySelector('main'));
}

const openPage = fixture();

async function load(mode, html) {
  const t = await openPage(mode, `<main>${html}</main>`);
  t.errors = [];
  t.page.on('console', (m) => m.type() == 'error' && /vango/.test(m.text()) && t.errors.push(m.text()));
  t.page.on('pageerror', (e) => t.errors.push(String(e)));
  await t.eval(() => (window.__same = 1));
  return t;
}

for (const mode of ['src', 'min']) {
  describe(`fragment (${mode})`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const t = await load(mode, c.first);
        for (const [i, s] of c.steps.entries()) {
          await t.eval((a) => window.__recv(a), unhex(s.frame));
          await t.page.waitForTimeout(50);
          assert.deepEqual(t.errors, [], `step ${i + 1}: the client threw`);
          assert.equal(await t.eval(() => window.__same), 1, `step ${i + 1}: the page reloaded`);
          const fresh = await load(mode, s.fresh);
          assert.deepEqual(await t.eval(snapshot), await fresh.eval(snapshot), `step ${i + 1}: patched DOM differs from a fresh render`);
          await fresh.page.close();
        }
        await t.page.close();
      });
    }
  });
}
