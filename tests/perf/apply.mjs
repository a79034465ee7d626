// Chromium micro-benchmark of the client's apply() alone (no server, no socket): a frame of
// N jsfb-shaped row inserts into a tbody, the frame that replaces every row, then the frame
// that empties it, each timed from the call to a forced layout; also a text op on the last
// new row at once after the first frame (before the page is idle, so it waits for the new
// rows' hids to be read); medians and minimums of RUNS. Touches a local static server
// (client/test/harness.mjs) and headless Chromium.
//
// Usage: node tests/perf/apply.mjs [N=1000] [RUNS=25]
//   APPLY_DOM=/src/NAME.js: time that copy of dom.js (put in client/src/ for the run, e.g.
//   `git show main:client/src/dom.js > client/src/dom_base.js`) instead of /src/dom.js.
//   APPLY_OLDCLEAR=1: empty the list with N RemoveChild ops instead of one ClearChildren
//   (a client older than ClearChildren).
//   APPLY_OLDREPLACE=1: replace the rows as the diff did before it cleared a list that keeps
//   no key: N RemoveChild ops, then N InsertChild ops at index 0, last row first.
import { startServer, launch, open } from '../../client/test/harness.mjs';

const N = +(process.argv[2] || 1000), RUNS = +(process.argv[3] || 25);
const DOM = process.env.APPLY_DOM || '/src/dom.js';
const row = (h, i) => `<tr data-hid="${h}"><td data-hid="${h + 1}" class="col-md-1">${i}</td>` +
  `<td data-hid="${h + 2}" class="col-md-4"><a data-hid="${h + 3}" data-on="click">label ${i}</a></td>` +
  `<td data-hid="${h + 4}" class="col-md-1"><a data-hid="${h + 5}" data-on="click"><span data-hid="${h + 6}" ` +
  `class="glyphicon glyphicon-remove" aria-hidden="true"></span></a></td><td data-hid="${h + 7}" class="col-md-6"></td></tr>`;

const server = await startServer(), browser = await launch();
const t = await open(browser.ctx, server, 'src', '<table><tbody data-hid="1"></tbody></table>');
// The copy under test keeps its own hid index: it indexes the page first.
await t.eval(async (d) => { window.DOMJS = d; (await import(d)).index(document.documentElement); }, DOM);
// With `then`, also times that frame applied right after, in the same task (before the
// page is idle): [ms, ms].
const timed = (ops, then) => t.eval(async ([a, b]) => {
  const { apply } = await import(window.DOMJS);
  const t0 = performance.now();
  apply(a);
  document.body.offsetHeight;
  const t1 = performance.now();
  if (!b) return t1 - t0;
  apply(b);
  return [t1 - t0, performance.now() - t1];
}, [ops, then]);
const res = { create: [], 'then a text of the last row': [], replace: [], clear: [] };
let hid = 10;
for (let r = 0; r < RUNS; r++) {
  const ops = [];
  for (let i = 0; i < N; i++, hid += 8) ops.push([6, 1, i, row(hid, i)]);
  const [c, x] = await timed(ops, [[1, hid - 7, 0, 'x']]);
  res.create.push(c);
  res['then a text of the last row'].push(x);
  const rows = [];
  for (let i = 0; i < N; i++, hid += 8) rows.push(row(hid, i));
  res.replace.push(await timed(process.env.APPLY_OLDREPLACE
    ? [...Array.from({ length: N }, (_, i) => [7, 1, N - 1 - i]), ...rows.map((h) => [6, 1, 0, h]).reverse()]
    : [[12, 1], ...rows.map((h, i) => [6, 1, i, h])]));
  res.clear.push(await timed(process.env.APPLY_OLDCLEAR ? Array.from({ length: N }, (_, i) => [7, 1, N - 1 - i]) : [[12, 1]]));
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const [k, v] of Object.entries(res)) console.log(`${k} ${N}: median ${med(v).toFixed(1)} ms, min ${Math.min(...v).toFixed(1)} ms`);
await browser.close();
server.close();
