// Browser tests of client hooks, islands and optimistic updates (Chromium via
// playwright-core): lifecycle calls, ctx.push and HookEvent, disconnect/reconnect, hook
// scripts loaded by LoadScript, island props, and optimistic class/text/attr reverted on
// answer or reject — each run against the client sources and again against the bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';

const openPage = fixture();

for (const mode of ['src', 'min']) {
  describe(`hooks (${mode})`, () => {
    const page = (html, o) => openPage(mode, html, o);

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
  });
}
