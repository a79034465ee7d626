// Build: bundles src/index.js into dist/vango.min.js (IIFE, minified, ES2020) and
// dist/vango.min.js.gz (gzip level 9). `node build.mjs DIR` writes to DIR instead.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// Returns {js, gz} as Buffers; writes them into out when given. `name` picks the entry:
// the core client (index.js → vango.min.js) or the upload script (upload.js → upload.min.js).
export async function bundle(out, name = 'vango') {
  const r = await build({
    entryPoints: [join(here, name == 'vango' ? 'src/index.js' : 'src/' + name + '.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    write: false,
  });
  const js = Buffer.from(r.outputFiles[0].contents);
  // mtime 0 and no name keep the gzip bytes reproducible.
  const gz = gzipSync(js, { level: 9 });
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, name + '.min.js'), js);
    writeFileSync(join(out, name + '.min.js.gz'), gz);
  }
  return { js, gz };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of ['vango', 'upload']) {
    const { js, gz } = await bundle(process.argv[2] || join(here, 'dist'), name);
    console.log(`${name}.min.js ${js.length} bytes, gzip -9 ${gz.length} bytes`);
  }
}
