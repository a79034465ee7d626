// Browser tests of the client's session (Chromium via playwright-core): the Hello, state
// classes, heartbeat, Error frames, ping/pong, duplicate and gapped Patches, Resync and
// resuming with unacknowledged events resent — each run against the client sources and
// again against the minified bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';

const openPage = fixture();

for (const mode of ['src', 'min']) {
  describe(`session (${mode})`, () => {
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
