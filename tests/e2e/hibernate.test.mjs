// E2E: hibernation in real Chromium. The jsfb example (1,000 keyed row components, one
// selector for the selection) with VANGO_HIBERNATE_AFTER=100ms: between every op the
// session packs its tree and drops its handlers; each click then unpacks it, renders
// every component again and must leave exactly the DOM the op gives without
// hibernation; the slept session is measured at its packed size (under 600 B a row).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, connected } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(process.env.VANGO_JSFB_BIN, { VANGO_HIBERNATE_AFTER: '100ms' });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

const rows = (page) => page.$$eval('tbody > tr', (l) => l.map((r) => [+r.cells[0].textContent,
  r.cells[1].textContent, r.className]));
const bytes = async () => {
  const m = await (await fetch(server.url + 'metrics')).text();
  return [...m.matchAll(/^vango_session_bytes\{core="\d+"\} (\d+)/gm)].reduce((s, [, n]) => s + +n, 0);
};
// Long enough for the session to hibernate (100 ms) and be measured again.
const sleep = () => new Promise((r) => setTimeout(r, 400));

test('a hibernating session answers every op with the right DOM', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await connected(page);
  await sleep();
  const empty = await bytes();
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('tbody').rows.length == 1000);
  await sleep();
  // Measured again when it slept: ≈ 400 B a row packed, where awake rows are over 1 KB
  // each (the run's large frame had it measured awake, above the bound).
  const asleep = await bytes();
  assert.ok(asleep > empty && asleep < 1000 * 600, `accounted ${asleep} B asleep, ${empty} B before the rows`);
  const r = await rows(page);

  // Select row 2: its memo's class comes back from a tree that slept.
  await page.click('tbody tr:nth-child(2) td:nth-child(2) a');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr')[1].className == 'danger');
  await sleep();
  await page.click('tbody tr:nth-child(5) td:nth-child(2) a');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr')[4].className == 'danger');
  let now = await rows(page);
  assert.deepEqual(now.filter((x) => x[2]).map((x) => x[0]), [r[4][0]], 'one row selected');
  await sleep();

  await page.click('#swaprows');
  await page.waitForFunction((id) => document.querySelectorAll('tbody tr')[1].cells[0].textContent == id, String(r[998][0]));
  now = await rows(page);
  assert.deepEqual([now[1][0], now[998][0]], [r[998][0], r[1][0]]);
  await sleep();

  await page.click('#update');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr')[990].cells[1].textContent.endsWith(' !!!'));
  const u = await rows(page);
  u.forEach(([id, l], i) => assert.equal(l, i % 10 ? now[i][1] : now[i][1] + ' !!!', 'row ' + id));
  await sleep();

  // Remove the fourth row: its remove handler is one the wake made.
  await page.$eval('tbody tr:nth-child(4) td:nth-child(3) a', (a) => a.click());
  await page.waitForFunction(() => document.querySelector('tbody').rows.length == 999);
  const d = await rows(page);
  assert.deepEqual(d.map((x) => x[0]), u.filter((_, i) => i != 3).map((x) => x[0]));
  assert.deepEqual(errors, [], 'no page errors');
});
