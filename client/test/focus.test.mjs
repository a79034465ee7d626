// Browser tests of what a patch must not take from the user (Chromium via playwright-core):
// focus, caret and typed value across patches and replaced ancestors, and form controls'
// live properties (value, checked, selected) against their attributes — each run against
// the client sources and again against the minified bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';

const openPage = fixture();

for (const mode of ['src', 'min']) {
  describe(`focus and properties (${mode})`, () => {
    const page = (html, o) => openPage(mode, html, o);

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
  });
}
