// Browser tests of what events carry (Chromium via playwright-core): the protocol bytes of
// click, input, submit and keydown, flags (coords, stop, debounce, throttle), bubbling,
// payloads, key filters, key values and modifiers, IME composition, input coalescing and
// order, blur/focusout values, select multiple, and focus after a patch (a hook's focus()
// wins) — each run against the client sources and again against the minified bundle.
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
  });
}
