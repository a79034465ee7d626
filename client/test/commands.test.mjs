// Browser tests of client commands (data-js, Chromium via playwright-core): show/hide/
// toggle, classes, attributes, focus, focus-first, scroll, dispatch and push, key-filtered
// bindings, commands beside a server handler, and bindings a patch adds — with no
// WebSocket frame for the commands themselves. Each runs against the sources and the bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';

const openPage = fixture();

// data-js as the server writes it (an attribute value, quotes escaped).
const js = (bindings) => JSON.stringify(bindings).replace(/"/g, '&quot;');
const frames = async (t) => (await t.sent()).filter((f) => f.type != 'Hello');

for (const mode of ['src', 'min']) {
  describe(`client commands (${mode})`, () => {
    const page = (html, o) => openPage(mode, html, o);

    test('show, hide, toggle, classes and attributes run with no frame sent', async () => {
      const t = await page(
        `<button id="b" data-hid="1" data-js="${js([['click', [['to', '#m'], ['tc', '', 'open'],
          ['sa', '#m', 'aria-label', 'menu'], ['ra', '#x', 'title'], ['ac', '.i', 'on'], ['rc', '.i', 'off']]]])}">b</button>` +
        `<ul id="m" data-hid="2" hidden><li class="i off" data-hid="3">a</li><li class="i off" data-hid="4">b</li></ul>` +
        `<p id="x" data-hid="5" title="t">x</p>` +
        `<button id="s" data-hid="6" data-js="${js([['click', [['sh', '#m']]]])}">s</button>` +
        `<button id="h" data-hid="7" data-js="${js([['click', [['hi', '#m']]]])}">h</button>`);
      const state = () => t.eval(() => [document.getElementById('m').hidden, document.getElementById('b').className,
        document.getElementById('m').getAttribute('aria-label'), document.getElementById('x').hasAttribute('title'),
        [...document.querySelectorAll('.i')].map((e) => e.className).join('|')]);
      await t.page.click('#b');
      assert.deepEqual(await state(), [false, 'open', 'menu', false, 'i on|i on']);
      await t.page.click('#b');
      assert.deepEqual((await state()).slice(0, 2), [true, '']);
      await t.page.click('#s');
      assert.equal((await state())[0], false);
      await t.page.click('#h');
      assert.equal((await state())[0], true);
      assert.deepEqual(await frames(t), [], 'commands alone send nothing');
      await t.page.close();
    });

    test('a key-filtered binding runs only for its keys; focus, focus-first and scroll', async () => {
      const t = await page(
        `<input id="q" data-hid="1" data-js="${js([['keydown:Escape', [['hi', '#tip']]], ['focus', [['sh', '#tip']]],
          ['keydown:Enter', [['ff', '#dlg']]]])}">` +
        `<p id="tip" data-hid="2" hidden>tip</p>` +
        `<div id="dlg" data-hid="3"><p data-hid="4">x</p><button id="ok" data-hid="5">ok</button></div>` +
        `<button id="go" data-hid="6" data-js="${js([['click', [['fo', '#q'], ['si', '#end']]]])}">go</button>` +
        `<div style="height:3000px" data-hid="7"></div><p id="end" data-hid="8">end</p>`);
      const hidden = () => t.eval(() => document.getElementById('tip').hidden);
      await t.page.click('#q');
      assert.equal(await hidden(), false, 'focus showed the tip');
      await t.page.keyboard.press('a');
      assert.equal(await hidden(), false, 'another key does nothing');
      await t.page.keyboard.press('Escape');
      assert.equal(await hidden(), true);
      await t.page.keyboard.press('Enter');
      assert.equal(await t.eval(() => document.activeElement.id), 'ok', 'the first focusable inside #dlg');
      await t.page.click('#go');
      assert.deepEqual(await t.eval(() => [document.activeElement.id, scrollY > 1000]), ['q', true]);
      assert.deepEqual(await frames(t), []);
      await t.page.close();
    });

    test('dispatch reaches a server handler elsewhere; push sends a hook event; commands then the handler', async () => {
      const t = await page(
        `<button id="d" data-hid="1" data-js="${js([['click', [['di', '#f', 'submit']]]])}">d</button>` +
        `<form id="f" data-hid="2" data-on="submit.p"><input name="n" value="v" data-hid="3"></form>` +
        `<button id="p" data-hid="4" data-js="${js([['click', [['pu', '', 'opened', 'menu']]]])}">p</button>` +
        `<button id="both" data-hid="5" data-on="click" data-js="${js([['click', [['ac', '', 'busy']]]])}">both</button>`);
      await t.page.click('#d');
      await t.page.click('#p');
      await t.page.click('#both');
      assert.deepEqual((await frames(t)).map((f) => [f.hid, f.event, f.data]), [
        [2, 'submit', { fields: [['n', 'v']] }],
        [4, 'hook', { name: 'opened', payload: 'menu' }],
        [5, 'click', { mods: 0 }],
      ]);
      assert.equal(await t.eval(() => document.getElementById('both').className), 'busy');
      await t.page.close();
    });

    test('a binding added by a patch is live; malformed data-js is ignored', async () => {
      const t = await page('<button id="b" data-hid="1">b</button><p id="m" data-hid="2">m</p>' +
        '<button id="bad" data-hid="3" data-js="{not json">bad</button>');
      await t.patch([[2, 1, 'data-js', JSON.stringify([['dblclick', [['hi', '#m']]]])]]);
      await t.page.dblclick('#b');
      assert.equal(await t.eval(() => document.getElementById('m').hidden), true);
      await t.page.click('#bad');
      assert.deepEqual(await frames(t), []);
      await t.page.close();
    });
  });
}
