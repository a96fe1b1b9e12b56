/**
 * mulberry32: a tiny, fully specified seeded PRNG. Phantoms, synthetic training sets, RANSAC and
 * fuzz tests all need "same seed, same numbers on every machine"; one implementation serves them.
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
