// E2E: the routes example's guestbook in real Chromium, with JavaScript off and on: the
// post form answers 303 to a GET (post/redirect/get) or, with the client running, goes
// over the socket to the same handler; a refusal re-renders the page with its error, the signer's name is kept in the signed cookie session
// (HttpOnly: scripts cannot read it) and survives a restart of the server process; with
// JavaScript on, a live handler's write reaches the cookie through a ticket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_ROUTES_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const text = (page, sel) => page.textContent(sel);

for (const js of [false, true]) {
  test(`guestbook with JavaScript ${js ? 'on' : 'off'}: PRG, errors, cookie across a restart`, async () => {
    const { ctx, page, errors } = await openPage(browser, server.url + 'guestbook', {
      javaScriptEnabled: js,
    });
    if (js) await connected(page);
    const who = js ? 'Grace' : 'Ada';
    assert.equal(await text(page, '#signer'), 'Not signed yet');

    // Refused: without JavaScript a 422 page; with it, the page re-mounted over the socket.
    // Either way the error, the typed name kept by the browser or the page, nothing stored.
    const posts = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(new URL(r.url()).pathname));
    let answer = !js && page.waitForResponse((r) => r.request().method() === 'POST');
    await page.fill('input[name=name]', who);
    await page.click('button:text-is("Sign")');
    if (!js) assert.equal((await answer).status(), 422);
    await page.waitForSelector('#error');
    assert.match(await text(page, '#error'), /Write a message/);
    assert.equal(await text(page, '#signer'), 'Not signed yet');

    // Accepted: without JavaScript 303 to a GET of the page; with it, a navigation over the
    // socket and a cookie ticket redeemed in the background. Both show the name and entry.
    answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.fill('input[name=name]', who);
    await page.fill('input[name=message]', `hello from ${who}`);
    await page.click('button:text-is("Sign")');
    const posted = await answer;
    if (js) {
      assert.equal(new URL(posted.url()).pathname, '/_vango/cookie');
      assert.equal(posted.status(), 204);
      assert.deepEqual(posts, ['/_vango/cookie'], 'the form itself went over the socket');
    } else {
      assert.equal(posted.status(), 303);
      assert.equal(posted.headers().location, '/guestbook');
      assert.deepEqual(posts, ['/guestbook', '/guestbook']);
    }
    await page.waitForFunction((w) => document.querySelector('#signer')?.textContent === `Signing as ${w}`, who);
    assert.match(await text(page, '#entries'), new RegExp(`${who}: hello from ${who}`));
    assert.equal(new URL(page.url()).pathname, '/guestbook');
    if (js) assert.equal(await page.evaluate(() => document.cookie), '', 'HttpOnly');
    const [cookie] = (await ctx.cookies()).filter((c) => c.name === 'vango_session');
    assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Lax' && cookie.path === '/');
    assert.ok(cookie.expires * 1000 > Date.now() + 29 * 24 * 3600 * 1000, 'kept 30 days');

    // A new process (same key file): the cookie still signs this browser in.
    await server.restart('SIGTERM', 200);
    await page.goto(server.url + 'guestbook');
    if (js) await connected(page);
    assert.equal(await text(page, '#signer'), `Signing as ${who}`);
    if (js) {
      // A live handler's write: the session sends a ticket, the client redeems it, and
      // the next page load sees the cookie without the name.
      const redeemed = page.waitForResponse((r) => r.url().endsWith('/_vango/cookie'));
      await page.click('#forget');
      assert.equal((await redeemed).status(), 204);
      await page.waitForFunction(() => document.querySelector('#signer').textContent === 'Not signed yet');
      await page.reload();
      await connected(page);
      assert.equal(await text(page, '#signer'), 'Not signed yet');
    }
    assert.deepEqual(errors.filter((e) => !/WebSocket connection to .* failed|Failed to load resource/.test(e)), []);
    await ctx.close();
  });
}
