// Build checks: the committed dist/ matches a fresh build, and the bundle fits the budget.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { bundle, bundleDev, bundleHooks } from '../build.mjs';

const dist = (f) => readFileSync(new URL('../dist/' + f, import.meta.url));
const BUDGET = 6144;

test('committed dist/ is what `npm run build` produces (not stale)', async () => {
  const { js, gz } = await bundle();
  assert.ok(dist('vango.min.js').equals(js), 'dist/vango.min.js is stale: run `npm run build`');
  assert.ok(dist('vango.min.js.gz').equals(gz), 'dist/vango.min.js.gz is stale: run `npm run build`');
  assert.ok(gunzipSync(dist('vango.min.js.gz')).equals(dist('vango.min.js')));
});

test(`min+gzip size is within the ${BUDGET}-byte budget`, (t) => {
  const size = dist('vango.min.js.gz').length;
  t.diagnostic(`vango.min.js ${dist('vango.min.js').length} B, min+gzip ${size} B`);
  assert.ok(size <= BUDGET, `min+gzip is ${size} bytes, budget ${BUDGET}`);
});

test('bundle is a self-contained IIFE with no module syntax', () => {
  const js = dist('vango.min.js').toString();
  assert.match(js, /^\(\(\)=>\{/);
  // import(url) (LoadScript) is an expression classic scripts may use.
  assert.doesNotMatch(js, /\bimport\b(?!\()|\bexport\b|\brequire\(/);
});

// Each standard hook is its own script with its own budget (min+gzip bytes).
const HOOK_BUDGETS = { sortable: 1024, draggable: 768, tooltip: 768, dropdown: 768 };

test('standard hooks: committed dist/hooks/ is fresh and each fits its budget', async (t) => {
  const built = await bundleHooks();
  assert.deepEqual(Object.keys(built).sort(), Object.keys(HOOK_BUDGETS).sort());
  for (const [h, { js, gz }] of Object.entries(built)) {
    assert.ok(dist(`hooks/${h}.js`).equals(js), `dist/hooks/${h}.js is stale: run \`npm run build\``);
    assert.ok(dist(`hooks/${h}.js.gz`).equals(gz), `dist/hooks/${h}.js.gz is stale: run \`npm run build\``);
    t.diagnostic(`hooks/${h}.js ${js.length} B, min+gzip ${gz.length} B (budget ${HOOK_BUDGETS[h]})`);
    assert.ok(gz.length <= HOOK_BUDGETS[h], `hooks/${h}.js min+gzip is ${gz.length} bytes, budget ${HOOK_BUDGETS[h]}`);
    assert.match(js.toString(), /^\(\(\)=>\{/);
  }
});

test('committed upload script is fresh and within its 1,024-byte budget', async (t) => {
  const { js, gz } = await bundle(undefined, 'upload');
  assert.ok(dist('upload.min.js').equals(js), 'dist/upload.min.js is stale: run `npm run build`');
  assert.ok(dist('upload.min.js.gz').equals(gz), 'dist/upload.min.js.gz is stale');
  t.diagnostic(`upload.min.js min+gzip ${gz.length} B`);
  assert.ok(gz.length <= 1024, `upload.min.js is ${gz.length} B min+gzip`);
});

test('dev-mode scripts: committed dist/dev/ is fresh', async () => {
  for (const [d, { js }] of Object.entries(await bundleDev())) {
    assert.ok(dist(`dev/${d}.js`).equals(js), `dist/dev/${d}.js is stale: run \`npm run build\``);
    assert.match(js.toString(), /^\(\(\)=>\{/);
  }
});
