// Browser test of the rule "a patched page equals a fresh first paint of the same tree":
// for each case of tests/vectors/normalise.json (written by the Rust suite: first paint,
// the server's Patches frame, the new tree's first paint) Chromium loads the first paint,
// the real client applies the frame, and the live DOM (attributes, texts, namespaces and
// the live properties of form controls) must equal a fresh load of the new first paint.
// No script may run on either page, and the client must not throw (it would reload).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from './harness.mjs';

const file = process.env.VANGO_NORMALISE_FIXTURE || new URL('../../tests/vectors/normalise.json', import.meta.url);
const { cases } = JSON.parse(readFileSync(file, 'utf8'));
const unhex = (h) => Array.from(Buffer.from(h, 'hex'));

// Scripts in hostile URLs report here (same-origin frames call parent.__ran.push, opaque
// ones post a message).
const HEAD = `<script>window.__ran = [];
addEventListener('message', (e) => __ran.push('message:' + e.data));</script>`;
// Links and forms of the cases target this frame, so a click navigates it, not the page.
const SINK = '<iframe name="sink"></iframe>';

// The live state of <main>: namespaces, attributes (sorted), texts, and the live
// properties of form controls. Patches set those properties, not the attributes and texts
// that hold their defaults (an input's value and checked, an option's selected, a
// textarea's text), as for <input> from the start: those defaults are left out.
function snapshot() {
  const short = (ns) => ns.slice(ns.lastIndexOf('/') + 1);
  const DEFAULTS = { input: ['value', 'checked'], option: ['selected'] };
  const attrs = (e) => [...e.attributes].map((a) => [a.name, a.value])
    .filter(([k]) => !(DEFAULTS[e.localName] || []).includes(k)).sort();
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
    : n.nodeType == 1 ? [short(n.namespaceURI), n.localName, attrs(n), props(n),
      n.localName == 'textarea' ? [] : [...n.childNodes].map(snap)]
    : ['node type', n.nodeType];
  return snap(document.querySelector('main'));
}

// URL-valued attributes in <main> whose value would run script once the URL parser has
// trimmed C0 controls and spaces and dropped tabs and newlines.
function scriptUrls() {
  const URL = /^(href|src|action|formaction|poster|cite|background|manifest|xlink:href)$/;
  const LIST = /^(srcset|imagesrcset|ping)$/;
  const runs = (u) => {
    const t = u.replace(/^[\0- ]+|[\0- ]+$/g, '').replace(/[\t\n\r]/g, '');
    return /^(javascript|vbscript):/i.test(t) || (/^data:/i.test(t) && !/^data:\s*image\/(?!svg)/i.test(t));
  };
  const bad = [];
  for (const e of document.querySelectorAll('main *')) {
    for (const a of e.attributes) {
      const url = URL.test(a.name) || (a.name == 'data' && e.localName == 'object');
      if ((url && runs(a.value)) || (LIST.test(a.name) && a.value.split(/[\s,]+/).some(runs))) {
        bad.push(`<${e.localName} ${a.name}=${JSON.stringify(a.value)}>`);
      }
    }
  }
  return bad;
}

const openPage = fixture();

const settle = (t) => t.page.waitForTimeout(250);

// Loads `html`, optionally applies a frame, clicks, and returns what the page shows.
async function visit(mode, html, frame, click) {
  const t = await openPage(mode, html + SINK, { head: HEAD });
  const errors = [];
  // (Resources the cases name, such as a.png, may 404: only the client's errors count.)
  t.page.on('console', (m) => m.type() == 'error' && /vango/.test(m.text()) && errors.push(m.text()));
  t.page.on('pageerror', (e) => errors.push(String(e)));
  await t.eval(() => (window.__same = 1));
  if (frame) await t.eval((a) => window.__recv(a), unhex(frame));
  await settle(t);
  // A dispatched click runs a link's or a button's activation, SVG links included.
  for (const sel of click) {
    await t.eval((s) => document.querySelectorAll(s)
      .forEach((e) => e.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }))), sel);
  }
  if (click.length) await settle(t);
  const got = {
    dom: await t.eval(snapshot),
    urls: await t.eval(scriptUrls),
    ran: await t.eval(() => window.__ran),
    reloaded: !(await t.eval(() => window.__same)),
    errors,
  };
  await t.page.close();
  return got;
}

for (const mode of ['src', 'min']) {
  describe(`normalise (${mode})`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const patched = await visit(mode, c.first, c.frame, c.click);
        const fresh = await visit(mode, c.fresh, null, c.click);
        assert.deepEqual(patched.errors, [], 'the client threw applying the frame');
        assert.equal(patched.reloaded, false, 'the page reloaded');
        assert.deepEqual(patched.ran, [], 'a script ran on the patched page');
        assert.deepEqual(fresh.ran, [], 'a script ran on the fresh page');
        assert.deepEqual(patched.urls, [], 'a script URL on the patched page');
        assert.deepEqual(fresh.urls, [], 'a script URL on the fresh page');
        assert.deepEqual(patched.dom, fresh.dom, 'patched DOM differs from a fresh first paint');
      });
    }
  });
}
