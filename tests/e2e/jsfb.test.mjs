// E2E: the jsfb example (js-framework-benchmark keyed) in real Chromium: every op leaves
// the DOM the benchmark expects (row count, ids, labels, swap, selection, removal), and a
// socket cut by the proxy is connected and usable again within 50 ms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_JSFB_BIN);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

// [id, label, class] of every row.
const rows = (page) => page.$$eval('tbody > tr', (l) => l.map((r) => [+r.cells[0].textContent,
  r.cells[1].textContent, r.className]));
const count = (page, n) => page.waitForFunction((k) => document.querySelector('tbody').rows.length == k, n);

test('every keyed op leaves the benchmark DOM', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await connected(page);
  for (const id of ['run', 'runlots', 'add', 'update', 'clear', 'swaprows']) {
    assert.equal(await page.$eval('#' + id, (b) => b.tagName + b.type), 'BUTTONbutton');
  }

  await page.click('#run');
  await count(page, 1000);
  let r = await rows(page);
  assert.deepEqual(r.map((x) => x[0]), Array.from({ length: 1000 }, (_, i) => i + 1));
  assert.ok(r.every(([, l, c]) => /^\w+ \w+ \w+$/.test(l) && c == ''), 'three-word labels, none selected');
  const cells = await page.$eval('tbody > tr', (t) => t.innerHTML.replace(/<!--[^>]*-->|\s*data-[\w-]+="[^"]*"|\s+(?=>)/g, ''));
  assert.match(cells, /^<td class="col-md-1">1<\/td><td class="col-md-4"><a>[^<]+<\/a><\/td><td class="col-md-1"><a><span class="glyphicon glyphicon-remove" aria-hidden="true"><\/span><\/a><\/td><td class="col-md-6"><\/td>$/);

  // Replace: 1,000 new ids.
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('tbody tr td').textContent == '1001');
  r = await rows(page);
  assert.equal(r.length, 1000);
  assert.equal(r[999][0], 2000);

  await page.click('#update');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr')[990].cells[1].textContent.endsWith(' !!!'));
  const u = await rows(page);
  u.forEach(([id, l], i) => assert.equal(l, i % 10 ? r[i][1] : r[i][1] + ' !!!', 'row ' + id));

  await page.click('tbody tr:nth-child(2) td:nth-child(2) a');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr')[1].className == 'danger');
  await page.click('tbody tr:nth-child(5) td:nth-child(2) a');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr')[4].className == 'danger');
  assert.deepEqual((await rows(page)).filter((x) => x[2]).map((x) => x[0]), [1005], 'one row selected');

  await page.click('#swaprows');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr')[1].cells[0].textContent == '1999');
  r = await rows(page);
  assert.equal(r[998][0], 1002);

  // The icon has no stylesheet here, so no box to click at: a DOM click.
  await page.$eval('tbody tr:nth-child(4) td:nth-child(3) a', (a) => a.click());
  await count(page, 999);
  assert.deepEqual((await rows(page)).slice(0, 4).map((x) => x[0]), [1001, 1999, 1003, 1005]);

  await page.click('#add');
  await count(page, 1999);
  r = await rows(page);
  assert.deepEqual([r[998][0], r[999][0], r[1998][0]], [2000, 2001, 3000]);

  await page.click('#clear');
  await count(page, 0);
  await page.click('#runlots');
  await count(page, 10000);
  assert.equal((await rows(page))[9999][0], 13000);
  await page.click('#clear');
  await count(page, 0);
  assert.deepEqual(errors, []);
});

test('a cut socket is usable again within 50 ms', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await connected(page);
  const gaps = [];
  for (let k = 0; k < 3; k++) {
    await page.evaluate(() => new Promise((r) => {
      window.__down = 0;
      new MutationObserver((_, o) => {
        const c = document.documentElement.classList;
        if (c.contains('vango-disconnected') && !window.__down) window.__down = performance.now();
        if (c.contains('vango-connected') && window.__down) { window.__up = performance.now(); o.disconnect(); }
      }).observe(document.documentElement, { attributes: true });
      r();
    }));
    server.cut();
    await page.waitForFunction(() => window.__up > window.__down && window.__down > 0);
    gaps.push(await page.evaluate(() => window.__up - window.__down));
    // Usable: a click after the reconnect is answered.
    const n = k % 2 ? 0 : 1000;
    await page.click(n ? '#run' : '#clear');
    await count(page, n);
  }
  gaps.sort((a, b) => a - b);
  assert.ok(gaps[1] < 50, `median reconnect ${gaps[1].toFixed(1)} ms (all: ${gaps.map((g) => g.toFixed(1))})`);
  assert.deepEqual(errors, []);
});
