import { describe, expect, it } from 'vitest';
import { diceByClass } from './metrics.js';

describe('diceByClass', () => {
  it('computes per-class Dice and null for absent classes', () => {
    const truth = new Uint8Array([0, 1, 1, 2, 2, 2]);
    const pred = new Uint8Array([0, 1, 2, 2, 2, 0]);
    const d = diceByClass(truth, pred, 4);
    expect(d[1]).toBeCloseTo((2 * 1) / 3);
    expect(d[2]).toBeCloseTo((2 * 2) / 6);
    expect(d[3]).toBeNull();
  });
  it('refuses maps of different sizes', () => {
    expect(() => diceByClass(new Uint8Array(2), new Uint8Array(3), 2)).toThrow(RangeError);
  });
});
