// Browser tests of what a server restart looks like to the client (Chromium via
// playwright-core): a gone session is started over on a new socket without a reload, a
// refused token is renewed from the page once, reloads back off, and a server that is
// shutting down is retried quickly. Each runs against the client sources and the bundle.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './harness.mjs';

const openPage = fixture();

for (const mode of ['src', 'min']) {
  describe(`client restarts (${mode})`, () => {
    const page = (html, o) => openPage(mode, html, o);

    test('session: status 2 (session gone) starts a fresh session on a new socket at once, no reload', async () => {
      const t = await page('<button data-hid="1" data-on="click" data-opt-text="…">b</button>');
      await t.eval(() => (window.__same = 1));
      await t.patch([[1, 1, 0, 'b1']]);
      await t.page.click('button'); // event 1, never applied by the old session
      assert.equal(await t.html('button'), '…');
      await t.eval(() => { window.__ws().open = 0; window.__ws().onclose(); });
      await t.page.waitForFunction(() => window.__sockets.length == 2);
      await t.eval(() => window.__open());
      assert.deepEqual((await t.sent())[0], { type: 'Hello', version: 3, csrf: 'tok-1', session: 'S1',
        last_patch_seq: 1, last_event_seq: 1, render_hash: 0, path: t.path });
      await t.recv([0x81, 1, 2, 'S1', 0]);
      assert.equal(await t.eval(() => window.__ws().closed), 1, 'the client ends the socket');
      assert.equal(await t.html('button'), 'b1', 'the optimistic update is reverted');
      await t.eval(() => window.__ws().onclose());
      // No backoff: the next socket is already there.
      assert.equal(await t.eval(() => window.__sockets.length), 3);
      t.seq = 0;
      await t.hello(0, 'S2');
      const s = await t.sent();
      // Same page token; hash 0 asks the server for a full render; the old event is gone.
      assert.deepEqual(s, [{ type: 'Hello', version: 3, csrf: 'tok-1', session: '', last_patch_seq: 0,
        last_event_seq: 0, render_hash: 0, path: t.path }]);
      await t.patch([[10, 1, '<button data-hid="1" data-on="click">0</button>']]);
      await t.page.click('button');
      assert.deepEqual((await t.sent()).slice(1).map((f) => [f.type, f.seq, f.hid]), [['Event', 1, 1]]);
      assert.equal(await t.eval(() => [window.__same, document.documentElement.className].join()), '1,vango-connected');
      await t.page.close();
    });

    test('session: a refused token (close 4) is renewed from the page once; refused again, a reload', async () => {
      const t = await page('<p data-hid="1">0</p>');
      await t.eval(() => (window.__same = 1));
      // The Close frame alone ends the socket: the client does not wait for the TCP close.
      await t.recv([0x87, 4, 'expired CSRF token']);
      // The page is fetched again (its second load hands out tok-2), then a new socket.
      await t.page.waitForFunction(() => window.__sockets.length == 2);
      await t.eval(() => window.__open());
      assert.equal((await t.sent())[0].csrf, 'tok-2');
      assert.equal(await t.eval(() => window.__same), 1, 'no reload');
      const nav = t.page.waitForEvent('load');
      await t.recv([0x87, 4, 'bad CSRF token']);
      await nav;
      await t.page.waitForFunction(() => window.__sockets && window.__sockets.length > 0);
      await t.eval(() => window.__open());
      assert.deepEqual([(await t.sent())[0].csrf, (await t.sent())[0].session], ['tok-3', '']);
      await t.page.close();
    });

    test('session: reloads less than a minute apart back off (4 s, then 16 s, ...)', async () => {
      const t = await page('<p data-hid="1">0</p>', { clock: true });
      // A reload just happened.
      await t.eval(() => sessionStorage.setItem('vango-r', '0,' + Date.now()));
      let loads = 0;
      t.page.on('load', () => loads++);
      await t.recv([0x88, 8, 'panic']);
      assert.match(await t.eval(() => sessionStorage.getItem('vango-r')), /^1,\d+$/);
      await t.page.clock.runFor(3900);
      assert.equal(loads, 0, 'no reload within 4 s of the last one');
      const nav = t.page.waitForEvent('load');
      await t.page.clock.runFor(200);
      await nav;
      await t.page.close();
    });

    test('session: a socket that never opens, or never answers the Hello, is dropped after 10 s and retried', async () => {
      const t = await page('<p data-hid="1">0</p>', { hello: false, clock: true });
      await t.page.clock.runFor(9000);
      assert.equal(await t.eval(() => [window.__sockets.length, window.__ws().closed].join()), '1,');
      await t.page.clock.runFor(1000);
      // The first retry is at once.
      assert.equal(await t.eval(() => [window.__sockets[0].closed, document.documentElement.className].join()),
        '1,vango-connecting');
      assert.equal(await t.eval(() => window.__sockets.length), 2);
      // Open but silent: the same timeout.
      await t.eval(() => window.__open());
      await t.page.clock.runFor(10000);
      assert.equal(await t.eval(() => window.__sockets[1].closed), 1);
      await t.page.clock.runFor(1000);
      assert.equal(await t.eval(() => window.__sockets.length), 3);
      // Answered: no timeout on a live socket.
      await t.hello();
      await t.page.clock.runFor(15000);
      assert.equal(await t.eval(() => [window.__sockets.length, window.__ws().closed].join()), '3,');
      await t.page.close();
    });

    test('session: after Close 9 (server shutting down) retries at once, then every 200 ms at most, for a while', async () => {
      const t = await page('<p data-hid="1">0</p>', { clock: true });
      await t.recv([0x87, 9, 'server shutting down']);
      // A restart behind a held socket is accepting already: no wait for the TCP close,
      // no backoff before the first attempt.
      assert.equal(await t.eval(() => window.__sockets.length), 2);
      for (let n = 3; n <= 16; n++) {
        await t.eval(() => window.__ws().onclose());
        await t.page.clock.runFor(200);
        assert.equal(await t.eval(() => window.__sockets.length), n);
      }
      await t.page.close();
    });
  });
}
