// Browser tests of applying patch ops (Chromium via playwright-core): each op, their
// ordering, random list edits against a model (with insert runs, ranges, texts and
// clears), the hid index across ClearChildren, SVG namespaces and the Focus op — each run
// against the client sources (ES modules) and again against the minified bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';
import { rng } from './rand.mjs';

const openPage = fixture();

const li = (hid, text) => `<li data-hid="${hid}">${text}</li>`;

// Edits of the random-list properties: the model (children of hid 1) and the op that
// makes the same change in the page.
const removeOne = (r, model, ops) => {
  const i = r.int(model.length);
  model.splice(i, 1);
  ops.push([7, 1, i]);
};
const moveOne = (r, model, ops) => {
  const n = model.length, from = r.int(n), [it] = model.splice(from, 1), to = r.int(n);
  model.splice(to, 0, it);
  ops.push([8, 1, from, to]);
};

for (const mode of ['src', 'min']) {
  describe(`ops (${mode})`, () => {
    const page = (html, o) => openPage(mode, html, o);

    test('ops: SetText, SetAttr, RemoveAttr, SetInnerHtml, SetTitle, PushUrl', async () => {
      const t = await page('<div data-hid="1" class="a"><p data-hid="2">one<b>!</b>two</p></div>');
      await t.patch([[1, 2, 2, 'TWO'], [2, 1, 'class', 'b c'], [2, 2, 'title', 'x<y'], [3, 1, 'class'],
        [0x23, 'New title'], [0x20, false, '/pushed?a=1']]);
      assert.equal(await t.html('body > div'), '<p data-hid="2" title="x&lt;y">one<b>!</b>TWO</p>');
      assert.equal(await t.eval(() => document.querySelector('p').title), 'x<y');
      assert.equal(await t.eval(() => document.title), 'New title');
      assert.equal(await t.eval(() => location.pathname + location.search), '/pushed?a=1');
      await t.patch([[11, 1, '<i data-hid="7">raw</i>'], [1, 7, 0, 'raw2']]);
      assert.equal(await t.html('body > div'), '<i data-hid="7">raw2</i>');
      await t.page.close();
    });

    test('ops: Insert/Move/Remove/Replace ordering; new hids addressable', async () => {
      const t = await page(`<ul data-hid="1">${li(2, 'a')}${li(3, 'b')}${li(4, 'c')}</ul>`);
      await t.patch([[6, 1, 1, li(5, 'x')], [8, 1, 0, 3], [7, 1, 2], [9, 1, 0, li(6, 'y')],
        [1, 6, 0, 'Y'], [2, 6, 'class', 'k']]);
      // a x b c → move a to index 3 of [x b c] → x b c a → remove c → x b a → replace x.
      assert.equal(await t.html('ul'), '<li data-hid="6" class="k">Y</li><li data-hid="3">b</li><li data-hid="2">a</li>');
      await t.patch([[10, 3, '<li data-hid="8">B</li><li data-hid="9">C</li>'], [6, 1, 4, 'tail']]);
      assert.equal(await t.eval(() => document.querySelector('ul').textContent), 'YBCatail');
      await t.page.close();
    });

    test('ops: random list edits match a model (property)', async () => {
      const r = rng();
      const t = await page('<ul data-hid="1"></ul>');
      let model = [], hid = 10;
      for (let round = 0; round < 30; round++) {
        const ops = [];
        for (let k = 0; k < 8; k++) {
          const n = model.length, c = r.int(4);
          if (c == 0 || n == 0) {
            // (the HTML parser drops NUL in text, so inserted text has none)
            const i = r.int(n + 1), h = hid++, txt = r.str(6).replace(/\0/g, '') || '-';
            model.splice(i, 0, { h, txt });
            ops.push([6, 1, i, `<li data-hid="${h}">${txt.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</li>`]);
          } else if (c == 1) removeOne(r, model, ops);
          else if (c == 2) moveOne(r, model, ops);
          else {
            const it = model[r.int(n)];
            it.txt = r.str(6) || '-';
            ops.push([1, it.h, 0, it.txt]);
          }
        }
        await t.patch(ops);
        const got = await t.eval(() => [...document.querySelectorAll('li')].map((e) => [+e.dataset.hid, e.textContent]));
        assert.deepEqual(got, model.map((m) => [m.h, m.txt]), `seed ${r.seed} round ${round}`);
      }
      await t.page.close();
    });

    test('ops: ClearChildren empties an element; its hids leave the index, its hooks are destroyed', async () => {
      const head = `<script>window.Vango = { hooks: { H: { destroyed(el) { __log.push('d' + el.dataset.hid); } } } };</script>`;
      const t = await page(`<ul data-hid="1">${li(2, 'a')}<li data-hid="3"><b data-hid="4" data-hook="H">b</b></li>x<!--h:5-->${li(6, 'c')}<!--/h--></ul><p data-hid="9">p</p>`, { head });
      // Inserted in this frame and cleared in the next: the index knew them.
      await t.patch([[6, 1, 0, li(7, 'n')], [6, 1, 1, li(8, 'm')]]);
      await t.patch([[12, 1], [6, 1, 0, li(10, 'new')], [6, 1, 1, li(11, 'z')], [1, 10, 0, 'NEW'], [1, 9, 0, 'P']]);
      assert.equal(await t.html('ul'), '<li data-hid="10">NEW</li><li data-hid="11">z</li>');
      assert.equal(await t.html('p'), 'P');
      assert.deepEqual(await t.eval(() => window.__log), ['d4']);
      if (mode == 'src') {
        const left = await t.eval(async () => [...(await import('/src/dom.js')).hids.keys()].sort((a, b) => a - b));
        assert.deepEqual(left, [1, 9, 10, 11]);
      }
      await t.page.close();
    });

    test('ops: random list edits match a model, with insert runs, ranges, texts and clears (property)', async () => {
      const r = rng();
      const t = await page('<ul data-hid="1"></ul>');
      // Each child: {h, txt} an <li>, {h, txt, g} an <li> in range g, {txt} a text node.
      let model = [], hid = 10;
      const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      const html = (m) => m.h == null ? esc(m.txt) : m.g ? `<!--h:${m.g}-->${li(m.h, esc(m.txt))}<!--/h-->` : li(m.h, esc(m.txt));
      const fresh = () => {
        // (the HTML parser drops NUL in text, so inserted text has none)
        const txt = r.str(6).replace(/\0/g, '') || '-', k = r.int(4);
        return k == 0 ? { txt } : k == 1 ? { h: hid++, g: hid++, txt } : { h: hid++, txt };
      };
      for (let round = 0; round < 40; round++) {
        const ops = [];
        for (let k = 0; k < 8; k++) {
          const n = model.length, c = r.int(7);
          if (c == 0 || n == 0) {
            const i = r.int(n + 1), m = fresh();
            model.splice(i, 0, m);
            ops.push([6, 1, i, html(m)]);
          } else if (c == 1) {
            // A run of inserts at consecutive indices (one parse on the client).
            const i = r.int(n + 1), len = 1 + r.int(6);
            for (let j = 0; j < len; j++) {
              const m = fresh();
              model.splice(i + j, 0, m);
              ops.push([6, 1, i + j, html(m)]);
            }
          } else if (c == 2) removeOne(r, model, ops);
          else if (c == 3) moveOne(r, model, ops);
          else if (c == 4 && r.int(3) == 0 && n > 1) {
            model = [];
            ops.push([12, 1]);
          } else {
            const i = r.int(n), it = model[i];
            it.txt = r.str(6).replace(/\0/g, '') || '-';
            ops.push(it.h == null ? [1, 1, i, it.txt] : [1, it.h, 0, it.txt]);
          }
        }
        await t.patch(ops);
        const got = await t.eval(() => [...document.querySelector('ul').childNodes].map((e) =>
          e.nodeType == 3 ? ['#', e.data] : e.nodeType == 8 ? ['c', e.data] : [+e.dataset.hid, e.textContent]));
        const want = model.flatMap((m) => m.h == null ? [['#', m.txt]] : m.g ? [['c', 'h:' + m.g], [m.h, m.txt], ['c', '/h']] : [[m.h, m.txt]]);
        assert.deepEqual(got, want, `seed ${r.seed} round ${round}`);
      }
      await t.page.close();
    });

    test('ops: SVG children are created in the SVG namespace; Focus op moves focus', async () => {
      const t = await page('<svg data-hid="1" width="10" height="10"></svg><input data-hid="2"><input data-hid="3">');
      await t.page.click('input');
      await t.patch([[6, 1, 0, '<circle data-hid="4" r="3"></circle>'], [2, 4, 'cx', '5'], [0x22, 3]]);
      assert.deepEqual(await t.eval(() => { const c = document.querySelector('circle'); return [c.namespaceURI, c.getAttribute('cx'), document.activeElement.dataset.hid]; }),
        ['http://www.w3.org/2000/svg', '5', '3']);
      await t.page.close();
    });
  });
}
