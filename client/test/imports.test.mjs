// Import-graph check: the modules of src/ import each other one way only (a DAG: constants
// at the bottom, index.js at the top); a cycle fails with its path. Reads src/ only.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const src = new URL('../src/', import.meta.url);
// Static imports and re-exports, including multi-line braces and bare `import './x.js'`.
const IMPORT = /\b(?:import|export)\s*(?:[\w$*\s{},]*?\bfrom\s*)?['"](\.\/[^'"]+)['"]/g;

// file → files it imports, for every .js file in src/.
function graph(dir) {
  const g = new Map();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
    const text = readFileSync(new URL(f, dir), 'utf8');
    g.set(f, [...new Set([...text.matchAll(IMPORT)].map((m) => m[1].slice(2)))]);
  }
  return g;
}

// The first cycle found as [a, b, ..., a], or null.
function cycle(g) {
  const state = new Map(), path = [];
  const visit = (f) => {
    if (state.get(f) == 'done') return null;
    if (state.get(f) == 'open') return [...path.slice(path.indexOf(f)), f];
    state.set(f, 'open');
    path.push(f);
    for (const d of g.get(f) || []) {
      const c = visit(d);
      if (c) return c;
    }
    path.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of g.keys()) {
    const c = visit(f);
    if (c) return c;
  }
  return null;
}

test('every relative import in src/ names a file in src/', () => {
  const g = graph(src);
  for (const [f, deps] of g) for (const d of deps) assert.ok(g.has(d), `${f} imports missing ./${d}`);
});

test('the src/ import graph has no cycle', (t) => {
  const g = graph(src);
  for (const [f, deps] of g) t.diagnostic(`${f} → ${deps.join(', ') || '(none)'}`);
  const c = cycle(g);
  assert.equal(c, null, `import cycle: ${c && c.join(' → ')}`);
});

test('the cycle finder sees a cycle and a self-import, and passes a diamond', () => {
  assert.deepEqual(cycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  assert.deepEqual(cycle(new Map([['a', ['a']]])), ['a', 'a']);
  assert.equal(cycle(new Map([['a', ['b', 'c']], ['b', ['d']], ['c', ['d']], ['d', []]])), null);
});
