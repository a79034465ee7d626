// Test support: a seeded PRNG (mulberry32) so property tests print a reproducible seed.
export function rng(seed = Number(process.env.SEED) || (Date.now() >>> 0)) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const chars = ['a', 'Z', '0', ' ', '<', '&', '"', 'é', '€', '😀', '\u0000', '\ufeff', '\n'];
  const str = (max = 20) => Array.from({ length: int(max) }, () => chars[int(chars.length)]).join('');
  return { seed, next, int, str };
}
