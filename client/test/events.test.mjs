// Browser tests of what events carry (Chromium via playwright-core): key filters, key
// values and modifiers, IME composition, input coalescing and order, blur/focusout values,
// select multiple, and focus after a patch (a hook's focus() wins) — each run against the
// client sources and again against the minified bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';

const openPage = fixture();

const events = async (t) => (await t.sent()).filter((f) => f.type == 'Event').map((f) => [f.hid, f.event, f.data]);

for (const mode of ['src', 'min']) {
  describe(`events (${mode})`, () => {
    const page = (html, o) => openPage(mode, html, o);

    test('key filter: only the listed keys are sent, with the value and modifiers; p applies to them only', async () => {
      const t = await page('<input data-hid="1" data-on="keydown.p:Enter,Escape">' +
        '<input id="p" data-hid="2" data-on="keydown.:p,:,.">');
      await t.page.click('input');
      await t.page.keyboard.type('milk');
      await t.page.keyboard.press('Enter');
      await t.page.keyboard.press('Control+Escape');
      // Flags are not read from the keys: a filtered "p" is neither prevented nor stopped.
      await t.page.click('#p');
      await t.page.keyboard.type('ap:.,');
      assert.deepEqual(await events(t), [
        [1, 'keydown', { key: 'Enter', mods: 0, value: 'milk' }],
        [1, 'keydown', { key: 'Escape', mods: 2, value: 'milk' }],
        [2, 'keydown', { key: 'p', mods: 0, value: 'a' }],
        [2, 'keydown', { key: ':', mods: 0, value: 'ap' }],
        [2, 'keydown', { key: '.', mods: 0, value: 'ap:' }],
      ]);
      assert.deepEqual(await t.eval(() => [...document.querySelectorAll('input')].map((i) => i.value)), ['milk', 'ap:.,']);
      await t.page.close();
    });

    test('IME: no key event is sent while a composition is in progress', async () => {
      const t = await page('<input data-hid="1" data-on="keydown.:Enter compositionend">');
      await t.page.click('input');
      const cdp = await t.page.context().newCDPSession(t.page);
      await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
      // The Enter that commits the candidate, as an IME delivers it during composition.
      await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter',
        windowsVirtualKeyCode: 229 });
      await cdp.send('Input.insertText', { text: '日本' });
      await t.page.waitForFunction(() => window.__ws().sent.length >= 2);
      await t.page.keyboard.press('Enter');
      await t.page.waitForFunction(() => window.__ws().sent.length >= 3);
      assert.deepEqual((await events(t)).map(([, e, d]) => [e, d.key || '']), [['compositionend', ''], ['keydown', 'Enter']]);
      assert.equal((await events(t))[1][2].value, '日本');
      await t.page.close();
    });

    test('input coalescing: typing at machine speed sends few events, the last one before the next event', async () => {
      const t = await page('<input data-hid="1" data-on="input"><button data-hid="2" data-on="click">go</button>');
      await t.page.click('input');
      const text = 'x'.repeat(300);
      await t.page.keyboard.type(text);
      await t.page.click('button');
      const ev = await events(t);
      assert.ok(ev.length < 60, `${ev.length} events for 300 keystrokes`);
      // Order kept: the held input went out before the click; it carries the whole text.
      assert.deepEqual(ev.slice(-2), [[1, 'input', { value: text, checked: false }], [2, 'click', { mods: 0 }]]);
      // Alone, a held input goes out within its window.
      await t.eval(() => { const i = document.querySelector('input'); i.focus(); i.setSelectionRange(300, 300); });
      await t.page.keyboard.type('y');
      await t.page.waitForFunction((n) => window.__ws().sent.length >= n, ev.length + 2, { timeout: 1000 });
      assert.deepEqual((await events(t)).at(-1), [1, 'input', { value: text + 'y', checked: false }]);
      await t.page.close();
    });

    test('blur and focusout carry the value; checkbox checked; select multiple its values', async () => {
      const t = await page('<input data-hid="1" data-on="blur"><div data-hid="2" data-on="focusout"><input type="checkbox"></div>' +
        '<select data-hid="3" data-on="change" multiple><option>a</option><option value="b">B</option><option>c</option></select>' +
        '<select data-hid="4" data-on="change"><option>x</option><option>y</option></select><button>b</button>');
      await t.page.click('input');
      await t.page.keyboard.type('draft');
      await t.page.click('input[type=checkbox]');
      await t.page.click('button');
      await t.page.selectOption('select[multiple]', ['a', 'c']);
      await t.page.selectOption('select:not([multiple])', 'y');
      await t.page.waitForFunction(() => window.__ws().sent.length >= 5);
      assert.deepEqual(await events(t), [
        [1, 'blur', { value: 'draft', checked: false }],
        [2, 'focusout', { value: 'on', checked: true }],
        [3, 'change', { values: ['a', 'c'] }],
        [4, 'change', { value: 'y', checked: false }],
      ]);
      await t.page.close();
    });

    test('focus after a patch: a hook that focuses its element wins; a lost focus is still restored', async () => {
      const head = `<script>window.Vango = { hooks: { Edit: { mounted: (el) => el.focus() } } };</script>`;
      const t = await page('<div data-hid="1"><input id="a" data-hid="2"></div>', { head });
      await t.page.click('#a');
      await t.patch([[6, 1, 1, '<input id="e" data-hid="3" data-hook="Edit">']]);
      assert.equal(await t.eval(() => document.activeElement.id), 'e');
      // The focused element replaced by its new version (same hid): focus follows it.
      await t.patch([[9, 1, 1, '<input id="e2" data-hid="3">']]);
      assert.equal(await t.eval(() => document.activeElement.id), 'e2');
      // A Focus op wins over restoring.
      await t.patch([[0x22, 2]]);
      assert.equal(await t.eval(() => document.activeElement.id), 'a');
      await t.page.close();
    });
  });
}
