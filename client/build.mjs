// Build: bundles src/index.js into dist/vango.min.js (IIFE, ES2020; esbuild, then terser) and
// dist/vango.min.js.gz (gzip level 9), and each standard hook hooks/NAME.js into
// dist/hooks/NAME.js (+ .gz) the same way. `node build.mjs DIR` writes to DIR instead.
import { build } from 'esbuild';
import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// The standard hooks (hooks/NAME.js), each served on its own to the pages that use it.
export const HOOKS = ['sortable', 'draggable', 'tooltip', 'dropdown'];

// Minifies entry into {js, gz} Buffers.
async function one(entry) {
  const r = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    write: false,
  });
  // terser runs over esbuild's output: its mangler names variables by how often they are
  // used, which gzips ≈ 150 bytes smaller on the core bundle (esbuild has no such mode).
  const m = await minify(r.outputFiles[0].text, { ecma: 2020, compress: {}, mangle: true, format: { comments: false } });
  const js = Buffer.from(m.code);
  // mtime 0 and no name keep the gzip bytes reproducible.
  return { js, gz: gzipSync(js, { level: 9 }) };
}

// Returns {js, gz} as Buffers; writes them into out when given. `name` picks the entry:
// the core client (index.js → vango.min.js) or the upload script (upload.js → upload.min.js).
export async function bundle(out, name = 'vango') {
  const b = await one(name == 'vango' ? 'src/index.js' : 'src/' + name + '.js');
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, name + '.min.js'), b.js);
    writeFileSync(join(out, name + '.min.js.gz'), b.gz);
  }
  return b;
}

// Returns {name: {js, gz}} of the standard hooks; writes them into out/hooks when given.
export async function bundleHooks(out) {
  const all = {};
  for (const h of HOOKS) {
    const b = (all[h] = await one(`hooks/${h}.js`));
    if (out) {
      mkdirSync(join(out, 'hooks'), { recursive: true });
      writeFileSync(join(out, 'hooks', h + '.js'), b.js);
      writeFileSync(join(out, 'hooks', h + '.js.gz'), b.gz);
    }
  }
  return all;
}

// Dev-mode scripts (dev/NAME.js), served only when dev mode is on; never part of the core
// bundle or its budget. Every file in dev/ is one, so adding a dev tool needs no edit here.
export const DEV = readdirSync(join(here, 'dev'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3))
  .sort();

// Returns {name: {js, gz}} of the dev scripts; writes them into out/dev when given.
export async function bundleDev(out) {
  const all = {};
  for (const d of DEV) {
    const b = (all[d] = await one(`dev/${d}.js`));
    if (out) {
      mkdirSync(join(out, 'dev'), { recursive: true });
      writeFileSync(join(out, 'dev', d + '.js'), b.js);
    }
  }
  return all;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] || join(here, 'dist');
  for (const name of ['vango', 'upload']) {
    const { js, gz } = await bundle(out, name);
    console.log(`${name}.min.js ${js.length} bytes, gzip -9 ${gz.length} bytes`);
  }
  for (const [h, b] of Object.entries(await bundleHooks(out))) {
    console.log(`hooks/${h}.js ${b.js.length} bytes, gzip -9 ${b.gz.length} bytes`);
  }
  for (const [d, b] of Object.entries(await bundleDev(out))) {
    console.log(`dev/${d}.js ${b.js.length} bytes (dev mode only)`);
  }
}
