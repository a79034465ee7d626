// Browser tests of the client's hid index (dom.js): the hids of inserted nodes are read
// once the page is idle, or at once when an op needs one, while their event names and
// hooks are taken in the frame that inserts them. Frames are delivered several in one
// task, so nothing idle runs between them. Runs against the sources and the bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';
import { encodeServer } from './meaning.mjs';

const openPage = fixture();

const li = (hid, text) => `<li data-hid="${hid}">${text}</li>`;

for (const mode of ['src', 'min']) {
  describe(`hid index (${mode})`, () => {
    const page = (html, o) => openPage(mode, html, o);
    // Delivers the Patches frames of each ops list in one task, then runs `after` (a
    // function's source, called in the page) in that task too; resolves with its result.
    const burst = (t, opss, after = '() => 0') => {
      const frames = opss.map((ops) => Array.from(encodeServer([0x82, ++t.seq, 0, ops])));
      return t.eval(([fs, a]) => { fs.forEach((f) => window.__recv(f)); return (0, eval)(a)(); }, [frames, after]);
    };

    test('a frame addresses the nodes it and the frame before inserted, before the page is idle', async () => {
      const t = await page(`<ul data-hid="1">${li(2, 'a')}</ul>`);
      await burst(t, [
        [[6, 1, 1, li(3, 'b') + li(4, 'c')], [1, 3, 0, 'B'], [8, 1, 0, 2]],
        [[1, 4, 0, 'C'], [2, 2, 'class', 'k'], [9, 1, 0, li(5, 'r')]],
        [[1, 5, 0, 'R'], [6, 5, 1, '<i data-hid="6">i</i>'], [1, 6, 0, 'I']],
      ]);
      assert.equal(await t.html('ul'), '<li data-hid="5">R<i data-hid="6">I</i></li><li data-hid="4">C</li><li data-hid="2" class="k">a</li>');
      await t.page.close();
    });

    test('a new event name in inserted nodes is listened to in the frame that inserts it', async () => {
      const t = await page('<div data-hid="1"></div>');
      await burst(t, [[[6, 1, 0, '<p data-hid="2"><button data-hid="3" data-on="dblclick">b</button></p>']]],
        "() => document.querySelector('button').dispatchEvent(new MouseEvent('dblclick', { bubbles: true }))");
      const ev = (await t.sent()).slice(1).map((f) => [f.hid, f.event]);
      assert.deepEqual(ev, [[3, 'dblclick']]);
      await t.page.close();
    });

    test('a hook in inserted nodes is mounted in that frame, and destroyed if removed before idle', async () => {
      const head = `<script>window.__log = []; window.Vango = { hooks: { H: {
        mounted(el) { __log.push('m' + el.dataset.hid + (el.isConnected ? '' : '?')); },
        destroyed(el) { __log.push('d' + el.dataset.hid); } } } };</script>`;
      const t = await page('<div data-hid="1"></div>', { head });
      const log = await burst(t, [[[6, 1, 0, '<b data-hid="2" data-hook="H">x</b>']], [[7, 1, 0]]], '() => [...__log]');
      assert.deepEqual(log, ['m2', 'd2']);
      await t.page.close();
    });

    if (mode == 'src') {
      test('new hids are read when the page is idle, or at once when an op needs one; removed ones never', async () => {
        const t = await page(`<ul data-hid="1"></ul>`);
        // Index state is the module's: the page's client imported the same URL.
        await t.eval(async () => { window.__dom = await import('/src/dom.js'); });
        const known = () => t.eval(() => [...window.__dom.hids.keys()].sort((a, b) => a - b));
        await t.eval(() => new Promise((r) => requestIdleCallback(r)));
        const [now, later] = await burst(t, [[[6, 1, 0, li(2, 'a') + li(3, 'b')]]], `async () => {
          const { hids } = window.__dom;
          const now = [...hids.keys()];
          await new Promise((r) => requestIdleCallback(r));
          return [now, [...hids.keys()].sort()];
        }`);
        assert.deepEqual(now, [1], 'the frame did not wait for the new hids');
        assert.deepEqual(later, [1, 2, 3], 'read once idle');
        // Inserted and removed before idle: an op on it fails, and it never enters the index.
        const err = await burst(t, [[[6, 1, 2, li(4, 'c')]], [[7, 1, 2]]], `() => {
          try { window.__dom.apply([[1, 4, 0, 'x']]); } catch (e) { return e.message; }
        }`);
        assert.equal(err, 'vango: unknown hid 4');
        await t.eval(() => new Promise((r) => requestIdleCallback(r)));
        assert.deepEqual(await known(), [1, 2, 3]);
        assert.equal(await t.html('ul'), li(2, 'a') + li(3, 'b'));
        await t.page.close();
      });
    }
  });
}
