/**
 * Seeded randomness. mulberry32 is tiny, fast and fully specified, so the same seed gives the
 * same phantom on every platform and Node version (Math.random cannot be seeded).
 */
import { mulberry32 } from '../../src-shared/random.js';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(lo: number, hi: number): number;
  /** Standard normal (Box-Muller, both values used). */
  normal(): number;
}


/** Independent streams per purpose (anatomy, noise) so changing one never shifts the other. */
export function createRng(seed: number, stream = 0): Rng {
  // splitmix-style scramble of (seed, stream) into a 32-bit state.
  let z = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  const next = mulberry32(z ^ (z >>> 16));
  let spare: number | null = null;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = next();
      while (u <= 1e-12) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
