// Browser tests (Chromium via playwright-core): patch application, focus and caret keeping,
// form-control properties, hooks, optimistic updates, event bytes, resume — each run
// against the client sources (ES modules) and again against the minified bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';
import { rng } from './rand.mjs';

const openPage = fixture();

const li = (hid, text) => `<li data-hid="${hid}">${text}</li>`;

for (const mode of ['src', 'min']) {
  describe(`client (${mode})`, () => {
    const page = (html, o) => openPage(mode, html, o);

    test('boot: Hello carries csrf, hash, path; state classes; session id kept in memory only', async () => {
      const t = await page('<div data-hid="1">x</div>', { hello: false, query: '?q=1' });
      assert.equal(await t.eval(() => document.documentElement.className), 'vango-connecting');
      assert.match(await t.eval(() => window.__ws().url), /^ws:\/\/127\.0\.0\.1:\d+\/_vango\/ws$/);
      await t.hello(0, 'sess-9');
      const [hello] = await t.sent();
      assert.deepEqual(hello, { type: 'Hello', version: 3, csrf: 'tok-1', session: '', last_patch_seq: 0,
        last_event_seq: 0, render_hash: 305419896, path: t.path + '?q=1' });
      assert.equal(await t.eval(() => document.documentElement.className), 'vango-connected');
      assert.equal(await t.eval(() => sessionStorage.getItem('vango-sid')), null);
      await t.page.close();
    });

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
          } else if (c == 1) {
            const i = r.int(n);
            model.splice(i, 1);
            ops.push([7, 1, i]);
          } else if (c == 2) {
            const from = r.int(n), [it] = model.splice(from, 1), to = r.int(n);
            model.splice(to, 0, it);
            ops.push([8, 1, from, to]);
          } else {
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
          } else if (c == 2) {
            const i = r.int(n);
            model.splice(i, 1);
            ops.push([7, 1, i]);
          } else if (c == 3) {
            const from = r.int(n), [it] = model.splice(from, 1), to = r.int(n);
            model.splice(to, 0, it);
            ops.push([8, 1, from, to]);
          } else if (c == 4 && r.int(3) == 0 && n > 1) {
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

    test('focus: typing in an input while SetText patches land elsewhere keeps focus and caret', async () => {
      const t = await page('<p data-hid="1">0</p><input data-hid="2" value="">');
      await t.page.click('input');
      await t.page.keyboard.type('hello');
      await t.eval(() => document.querySelector('input').setSelectionRange(2, 3));
      for (let i = 1; i <= 5; i++) await t.patch([[1, 1, 0, String(i)]]);
      await t.page.keyboard.type('Z');
      assert.deepEqual(await t.eval(() => { const i = document.querySelector('input'); return [document.activeElement == i, i.value, i.selectionStart]; }),
        [true, 'heZlo', 3]);
      assert.equal(await t.html('p'), '5');
      await t.page.close();
    });

    test('focus: ReplaceNode of an ancestor restores focus, caret and typed value on the same hid', async () => {
      const t = await page('<form data-hid="1"><input data-hid="2" value="ab"><span data-hid="3">s</span></form>');
      await t.page.click('input');
      await t.page.keyboard.press('End');
      await t.page.keyboard.type('cd');
      await t.eval(() => document.querySelector('input').setSelectionRange(1, 3));
      await t.patch([[10, 1, '<form data-hid="1" class="new"><input data-hid="2" value="ab"><span data-hid="3">t</span></form>']]);
      assert.deepEqual(await t.eval(() => { const i = document.querySelector('input'); return [document.activeElement == i, i.value, i.selectionStart, i.selectionEnd, i.form.className]; }),
        [true, 'abcd', 1, 3, 'new']);
      // The server changed the value: its value wins, focus still kept.
      await t.patch([[9, 1, 0, '<input data-hid="2" value="server">']]);
      assert.deepEqual(await t.eval(() => { const i = document.querySelector('input'); return [document.activeElement == i, i.value]; }), [true, 'server']);
      await t.page.close();
    });

    test('props: SetPropStr on a focused input keeps focus and caret; SetAttr value spares a focused field', async () => {
      const t = await page('<input data-hid="1" value=""><input data-hid="2" value="b"><textarea data-hid="3">t</textarea>');
      await t.page.click('input');
      await t.page.keyboard.type('abcdef');
      await t.eval(() => document.querySelector('input').setSelectionRange(2, 2));
      await t.patch([[4, 1, 'value', 'ABCDEF']]);
      assert.deepEqual(await t.eval(() => { const i = document.querySelector('input'); return [document.activeElement == i, i.value, i.selectionStart]; }), [true, 'ABCDEF', 2]);
      await t.patch([[2, 1, 'value', 'attr'], [2, 2, 'value', 'B2']]);
      assert.deepEqual(await t.eval(() => [...document.querySelectorAll('input')].map((i) => [i.value, i.getAttribute('value')])),
        [['ABCDEF', 'attr'], ['B2', 'B2']]);
      await t.page.click('textarea');
      await t.page.keyboard.press('End');
      await t.page.keyboard.type('yped');
      await t.patch([[1, 3, 0, 'server'], [2, 2, 'value', 'B3']]);
      assert.equal(await t.eval(() => document.querySelector('textarea').value), 'typed');
      await t.eval(() => document.querySelector('input').focus());
      await t.patch([[1, 3, 0, 'server2']]);
      assert.equal(await t.eval(() => document.querySelector('textarea').value), 'server2');
      await t.page.close();
    });

    test('props: checkboxes, radios, <option selected>, select value', async () => {
      const t = await page('<input type="checkbox" data-hid="1"><input type="radio" name="r" data-hid="2" checked><input type="radio" name="r" data-hid="3">' +
        '<select data-hid="4"><option data-hid="5" value="a">A</option><option data-hid="6" value="b">B</option><option value="c">C</option></select>');
      await t.page.click('input[type=checkbox]');
      await t.patch([[5, 1, 'checked', false], [5, 3, 'checked', true]]);
      assert.deepEqual(await t.eval(() => [...document.querySelectorAll('input')].map((i) => i.checked)), [false, false, true]);
      await t.patch([[2, 1, 'checked', ''], [5, 6, 'selected', true]]);
      assert.deepEqual(await t.eval(() => [document.querySelector('input').checked, document.querySelector('select').value]), [true, 'b']);
      await t.page.selectOption('select', 'c');
      await t.patch([[2, 5, 'selected', '']]);
      assert.equal(await t.eval(() => document.querySelector('select').value), 'a');
      await t.patch([[4, 4, 'value', 'c'], [3, 1, 'checked']]);
      assert.deepEqual(await t.eval(() => [document.querySelector('select').value, document.querySelector('input').checked]), ['c', false]);
      await t.page.close();
    });

    test('hooks: mounted, updated, destroyed, ctx.push and server HookEvent', async () => {
      const head = `<script>window.Vango = { hooks: { Chart: {
        mounted(el, ctx) { __log.push('m' + el.dataset.hid); ctx.on('zoom', (p) => __log.push('zoom:' + p)); ctx.push('ready', { n: 1 }); },
        updated(el) { __log.push('u' + el.dataset.hid); },
        destroyed(el) { __log.push('d' + el.dataset.hid); } } } };</script>`;
      const t = await page('<div data-hid="1"><canvas data-hid="2" data-hook="Chart"></canvas></div>', { head });
      await t.patch([[6, 1, 1, '<canvas data-hid="3" data-hook="Chart">a</canvas>']]);
      await t.patch([[2, 3, 'width', '9'], [0x21, 3, 'zoom', '2x']]);
      await t.patch([[1, 3, 0, 'b']]);
      await t.patch([[7, 1, 0], [10, 3, '<p data-hid="4">gone</p>']]);
      assert.deepEqual(await t.eval(() => window.__log), ['m2', 'm3', 'zoom:2x', 'u3', 'u3', 'd2', 'd3']);
      const hooks = (await t.sent()).filter((f) => f.type == 'Event');
      assert.deepEqual(hooks.map((f) => [f.hid, f.code, f.event, f.data]),
        [[2, 0xf0, 'hook', { name: 'ready', payload: '{"n":1}' }], [3, 0xf0, 'hook', { name: 'ready', payload: '{"n":1}' }]]);
      await t.page.close();
    });

    test('islands: props in, updated on a data-props change only, children left alone, push out', async () => {
      const head = `<script>window.Vango = { islands: { Bars: {
        mounted(el, props, ctx) { el.innerHTML = '<i>' + props.n + '</i>'; __log.push('m' + props.n); ctx.push('ready', props); },
        updated(el, props) { el.firstChild.textContent = props.n; __log.push('u' + props.n); },
        destroyed(el, props) { __log.push('d' + props.n); } } } };</script>`;
      const t = await page('<div data-hid="1"><b data-hid="2">x</b><div data-hid="3" data-hook="Bars" data-props="{&quot;n&quot;:1}"></div></div>', { head });
      await t.eval(() => { window.__i = document.querySelector('i'); });
      await t.patch([[1, 2, 0, 'y'], [2, 1, 'class', 'p']]);
      await t.patch([[2, 3, 'data-props', '{"n":2}']]);
      assert.deepEqual(await t.eval(() => [document.querySelector('i').textContent, window.__i == document.querySelector('i')]), ['2', true]);
      await t.patch([[7, 1, 1]]);
      assert.deepEqual(await t.eval(() => window.__log), ['m1', 'u2', 'd2']);
      const sent = (await t.sent()).filter((f) => f.type == 'Event');
      assert.deepEqual(sent.map((f) => [f.hid, f.event, f.data]), [[3, 'hook', { name: 'ready', payload: '{"n":1}' }]]);
      await t.page.close();
    });

    test('hooks: disconnected when the socket is cut, reconnected when a session resumes, once each', async () => {
      const head = `<script>window.Vango = { hooks: { Chart: {
        mounted(el) { __log.push('m' + el.dataset.hid); },
        disconnected(el, ctx) { __log.push('x' + el.dataset.hid); ctx.push('late', 1); },
        reconnected(el) { __log.push('r' + el.dataset.hid); } } } };</script>`;
      const t = await page('<div data-hid="1"><canvas data-hid="2" data-hook="Chart"></canvas><p data-hid="3"></p></div>', { head });
      assert.deepEqual(await t.eval(() => window.__log), ['m2'], 'the first connection is no reconnection');
      await t.eval(() => { window.__ws().open = 0; window.__ws().onclose(); });
      await t.page.waitForFunction(() => window.__sockets.length == 2);
      // A failed attempt while offline is not another disconnection.
      await t.eval(() => window.__ws().onclose());
      await t.page.waitForFunction(() => window.__sockets.length == 3);
      assert.deepEqual(await t.eval(() => window.__log), ['m2', 'x2']);
      await t.hello(1, 'S1', 0);
      assert.deepEqual(await t.eval(() => window.__log), ['m2', 'x2', 'r2']);
      // What the hook pushed while offline goes out on the resumed socket.
      const s = await t.sent();
      assert.deepEqual(s.slice(1).map((f) => [f.hid, f.data]), [[2, { name: 'late', payload: '1' }]]);
      // A hook mounted after the reconnection is not told about it.
      await t.patch([[6, 1, 2, '<canvas data-hid="4" data-hook="Chart"></canvas>']]);
      await t.eval(() => { window.__ws().open = 0; window.__ws().onclose(); });
      await t.page.waitForFunction(() => window.__sockets.length == 4);
      await t.hello(1, 'S1', 1);
      assert.deepEqual(await t.eval(() => window.__log), ['m2', 'x2', 'r2', 'm4', 'x2', 'x4', 'r2', 'r4']);
      await t.page.close();
    });

    test('hooks: LoadScript loads a hook script once; its hooks mount on the elements already there', async () => {
      const t = await page('<div data-hid="1"><b data-hid="2" data-hook="Late">x</b></div>');
      const url = 'data:text/javascript,' + encodeURIComponent(
        'Vango.hooks.Late = { mounted(el) { __log.push("m" + el.dataset.hid); }, updated(el) { __log.push("u" + el.dataset.hid); } };');
      await t.patch([[0x2d, url]]);
      await t.page.waitForFunction(() => window.__log.length > 0);
      await t.patch([[2, 2, 'title', 't'], [6, 1, 1, '<i data-hid="3" data-hook="Late"></i>'], [0x2d, url]]);
      await t.patch([[2, 3, 'title', 't']]);
      await new Promise((ok) => setTimeout(ok, 100));
      assert.deepEqual(await t.eval(() => window.__log), ['m2', 'm3', 'u2', 'u3']);
      await t.page.close();
    });

    test('optimistic: class, text and attr applied on send, reverted on answer or reject', async () => {
      const t = await page('<button data-hid="1" data-on="click" data-opt-class="busy" data-opt-text="Saving" data-opt-attr="aria-busy=true">Save <b data-hid="2">now</b></button>');
      const state = () => t.eval(() => { const b = document.querySelector('button'); return [b.className, b.innerHTML, b.getAttribute('aria-busy')]; });
      await t.page.click('button');
      assert.deepEqual(await state(), ['busy', 'Saving', 'true']);
      await t.recv([0x83, 1]);
      assert.deepEqual(await state(), ['', 'Save <b data-hid="2">now</b>', null]);
      await t.page.click('button');
      assert.deepEqual(await state(), ['busy', 'Saving', 'true']);
      await t.recv([0x86, 2, 10]);
      assert.deepEqual(await state(), ['', 'Save <b data-hid="2">now</b>', null]);
      await t.page.click('button');
      // Reverted before the answering Patches frame applies; the server's change stays.
      await t.patch([[2, 1, 'class', 'done'], [1, 2, 0, 'saved']], 3);
      assert.deepEqual(await state(), ['done', 'Save <b data-hid="2">saved</b>', null]);
      await t.page.close();
    });

    test('events: click, input, submit, keydown produce the protocol bytes', async () => {
      const t = await page('<button data-hid="5" data-on="click">b</button>' +
        '<input data-hid="6" data-on="input change"><input id="k" data-hid="9" data-on="keydown.p">' +
        '<form data-hid="7" data-on="submit.p"><input name="a" value="1"><input type="checkbox" name="c" value="on" checked>' +
        '<input type="checkbox" name="d"><textarea name="t">x\ny</textarea><button data-hid="8" name="go" value="yes">go</button></form>');
      await t.page.click('button');
      assert.deepEqual((await t.sentRaw()).slice(1), [[2, 1, 5, 1, 0]]);
      await t.page.click('input');
      await t.page.keyboard.type('h');
      await t.page.click('#k');
      await t.page.keyboard.press('Shift+KeyK');
      await t.page.click('button[name=go]');
      const ev = (await t.sent()).slice(2).map((f) => [f.seq, f.hid, f.event, f.data]);
      assert.deepEqual(ev, [
        [2, 6, 'input', { value: 'h', checked: false }],
        [3, 6, 'change', { value: 'h', checked: false }],
        [4, 9, 'keydown', { key: 'Shift', mods: 1, value: '' }],
        [5, 9, 'keydown', { key: 'K', mods: 1, value: '' }],
        [6, 7, 'submit', { fields: [['a', '1'], ['c', 'on'], ['t', 'x\ny'], ['go', 'yes']] }],
      ]);
      // keydown.p prevented typing 'K'; submit.p kept the page.
      assert.equal(await t.eval(() => document.querySelector('#k').value), '');
      assert.equal(await t.eval(() => location.pathname), t.path);
      await t.page.close();
    });

    test('events: flags c (coords), s (stop), d (debounce), bubbling and non-bubbling', async () => {
      const t = await page('<div data-hid="1" data-on="click mouseenter" style="padding:20px">' +
        '<button data-hid="2" data-on="click.c" style="position:absolute;left:50px;top:60px;width:40px;height:20px">c</button>' +
        '<span data-hid="3" data-on="click.s">s</span><input data-hid="4" data-on="input.d80"></div>');
      await t.page.mouse.click(60, 67);
      await t.page.click('span');
      await t.page.click('input');
      await t.page.keyboard.type('abc', { delay: 5 });
      await t.page.waitForTimeout(250);
      const ev = (await t.sent()).slice(1).map((f) => [f.hid, f.event, f.data]).filter((e) => e[1] != 'mouseenter' || e[0] != 1);
      assert.deepEqual(ev, [
        [2, 'click', { mods: 0, x: 10, y: 7, button: 0 }],
        [1, 'click', { mods: 0 }],
        [3, 'click', { mods: 0 }],
        [1, 'click', { mods: 0 }],
        [4, 'input', { value: 'abc', checked: false }],
      ]);
      const enters = (await t.sent()).filter((f) => f.event == 'mouseenter');
      assert.ok(enters.length >= 1 && enters.every((f) => f.hid == 1));
      await t.page.close();
    });

    test('events: checkbox change, wheel, scroll and focus payloads', async () => {
      const t = await page('<input type="checkbox" data-hid="1" data-on="change focus">' +
        '<div data-hid="2" data-on="wheel.p scroll" style="height:50px;overflow:auto"><div style="height:500px">x</div></div>');
      await t.page.click('input');
      await t.page.mouse.move(10, 40);
      await t.page.mouse.wheel(0, 120);
      await t.eval(() => { document.querySelector('div').scrollTop = 30; });
      await t.page.waitForFunction(() => window.__ws().sent.length >= 5);
      const ev = (await t.sent()).slice(1).map((f) => [f.hid, f.event, f.data]);
      assert.deepEqual(ev.slice(0, 3), [[1, 'focus', {}], [1, 'change', { value: 'on', checked: true }], [2, 'wheel', { dx: 0, dy: 120 }]]);
      assert.deepEqual(ev.at(-1), [2, 'scroll', { top: 30, left: 0 }]);
      await t.page.close();
    });

    test('events: throttle sends the first event at once and the latest once per window', async () => {
      const t = await page('<input data-hid="1" data-on="input.t300">');
      await t.page.click('input');
      await t.page.keyboard.type('abcdef', { delay: 10 });
      await t.page.waitForTimeout(700);
      const vals = (await t.sent()).slice(1).map((f) => f.data.value);
      assert.equal(vals[0], 'a');
      assert.equal(vals.at(-1), 'abcdef');
      assert.ok(vals.length <= 3, JSON.stringify(vals));
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

    test('session: heartbeat pings every 20 s and drops a silent socket, then reconnects', async () => {
      const t = await page('<p data-hid="1">0</p>', { clock: true });
      await t.page.clock.runFor(20000);
      assert.deepEqual((await t.sent()).slice(1), [{ type: 'Ping', nonce: 1 }]);
      await t.recv([0x85, 1]);
      await t.page.clock.runFor(20000);
      assert.equal(await t.eval(() => window.__sockets.length), 1);
      await t.page.clock.runFor(20000); // no answer to ping 2: dropped, and the first retry is at once
      // The socket's close may be handled after the fake clock stopped, leaving the retry's
      // zero-delay timer unrun: step the clock until it has run (or 50 ms have passed).
      for (let i = 0; i < 50 && (await t.eval(() => window.__sockets.length)) < 2; i++) await t.page.clock.runFor(1);
      assert.equal(await t.eval(() => [window.__sockets[0].closed, document.documentElement.className].join()), '1,vango-connecting');
      assert.equal(await t.eval(() => window.__sockets.length), 2);
      await t.page.close();
    });

    test('session: an Error frame reloads the page on a fresh session', async () => {
      const t = await page('<p data-hid="1">0</p>');
      const nav = t.page.waitForEvent('load');
      await t.recv([0x88, 8, 'panic']);
      await nav;
      await t.page.waitForFunction(() => window.__sockets && window.__sockets.length > 0);
      await t.eval(() => window.__open());
      assert.equal((await t.sent())[0].session, '');
      await t.page.close();
    });

    test('session: ping/pong, duplicate and gapped Patches, Resync', async () => {
      const t = await page('<p data-hid="1">0</p>');
      await t.recv([0x84, 77]);
      await t.patch([[1, 1, 0, 'a']]);
      await t.recv([0x82, 1, 0, [[1, 1, 0, 'dup']]]);
      await t.recv([0x82, 3, 0, [[1, 1, 0, 'gap']]]);
      assert.equal(await t.html('p'), 'a');
      assert.deepEqual((await t.sent()).slice(1), [{ type: 'Pong', nonce: 77 }, { type: 'Resync', last_patch_seq: 1 }]);
      await t.page.close();
    });

    test('session: reconnect resumes with seqs and resends unacknowledged events', async () => {
      const t = await page('<button data-hid="1" data-on="click">b</button>');
      await t.patch([[1, 1, 0, 'b1']]);
      await t.page.click('button');
      await t.page.click('button');
      await t.recv([0x83, 1]);
      assert.equal(await t.eval(() => { window.__ws().open = 0; window.__ws().onclose(); return document.documentElement.className; }), 'vango-disconnected');
      await t.page.waitForFunction(() => window.__sockets.length == 2);
      await t.page.click('button'); // queued while offline
      await t.hello(1, 'S1', 1);
      const s = await t.sent();
      // render_hash 0: a patch changed the DOM, so the page's hash no longer names it.
      assert.deepEqual(s[0], { type: 'Hello', version: 3, csrf: 'tok-1', session: 'S1', last_patch_seq: 1,
        last_event_seq: 3, render_hash: 0, path: t.path });
      assert.deepEqual(s.slice(1).map((f) => f.seq), [2, 3]);
      await t.page.close();
    });
  });
}
