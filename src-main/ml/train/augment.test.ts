import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/synthetic.js';
import { augment } from './augment.js';

describe('augmentation', () => {
  const h = 16, w = 16, c = 2;
  // Image channel 0 encodes the label exactly, so any image/label misalignment shows.
  const y = new Uint8Array(h * w).map((_, i) => ((i % w) > 9 && Math.floor(i / w) < 5 ? 3 : (i % w) < 4 ? 1 : 0));
  const x = new Float32Array(h * w * c).map((_, i) => (i % c === 0 ? y[Math.floor(i / c)]! : 0.5));

  it('random augmentations keep labels exact class ids', () => {
    const rnd = mulberry32(4);
    for (let t = 0; t < 20; t++) {
      const s = augment({ x, y }, h, w, c, 9, () => (rnd() < 0.5 ? 0 : 0.99), 0.25);
      for (let i = 0; i < h * w; i++) {
        expect(Number.isInteger(s.y[i])).toBe(true);
        expect([0, 1, 3]).toContain(s.y[i]);
      }
    }
  });

  it('flips labels with the image', () => {
    let calls = 0;
    // First draw < p: horizontal flip only; every later draw >= p.
    const s = augment({ x, y }, h, w, c, 9, () => (calls++ === 0 ? 0 : 0.9), 0.25);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) expect(s.y[i * w + j]).toBe(y[i * w + (w - 1 - j)]);
    for (let i = 0; i < h * w; i++) expect(s.x[i * c]).toBe(s.y[i]);
  });

  it('rotation resamples labels nearest-neighbour: no class appears that was not there', () => {
    let calls = 0;
    const s = augment({ x, y }, h, w, c, 9, () => [0.9, 0.9, 0, 0.95][calls++] ?? 0.9, 0.25);
    expect(new Set(s.y)).toEqual(new Set([0, 1, 3]));
    for (let i = 0; i < h * w; i++) expect(s.x[i * c]).toBe(s.y[i]);
  });

  it('throws on a label value outside the class range', () => {
    const bad = y.slice();
    bad[7] = 12;
    expect(() => augment({ x, y: bad }, h, w, c, 9, () => 0.9)).toThrow(/Label value 12 at "augmentation"/);
  });
});
