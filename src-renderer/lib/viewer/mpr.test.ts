import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { viewMapping, type ViewKind } from './mpr.js';

const grid = (direction: Mat3, dims: Vec3 = [4, 5, 6], spacingMm: Vec3 = [0.5, 0.75, 2]): Volume => ({
  dims,
  spacingMm,
  originLps: [10, -20, 30],
  direction,
  data: new Int16Array(dims[0] * dims[1] * dims[2]),
});

const labels = (v: Volume, kind: ViewKind) => {
  const l = viewMapping(v, kind).labels;
  return [l.left, l.right, l.top, l.bottom].join('');
};

describe('viewMapping', () => {
  it('gives radiological labels for an axial LPS grid', () => {
    const v = grid([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(labels(v, 'axial')).toBe('RLAP');
    expect(labels(v, 'coronal')).toBe('RLSI');
    expect(labels(v, 'sagittal')).toBe('APSI');
  });

  it('keeps the same screen anatomy when the grid is flipped (i = right, k = inferior)', () => {
    const v = grid([-1, 0, 0, 0, 1, 0, 0, 0, -1]);
    expect(labels(v, 'axial')).toBe('RLAP');
    const m = viewMapping(v, 'axial');
    expect(m.xSign).toBe(-1);
    // Moving right on screen goes to patient left (+x in LPS), whatever the voxel order.
    expect(v.direction[m.xAxis * 3]! * m.xSign).toBeGreaterThan(0);
  });

  it('handles a coronal acquisition (voxel axes permuted): axial view uses the j axis as slices', () => {
    // i -> L, j -> I (rows go down the body), k -> P (slices from front to back)
    const v = grid([1, 0, 0, 0, 0, -1, 0, 1, 0]);
    const ax = viewMapping(v, 'axial');
    expect(ax.zAxis).toBe(1);
    expect(ax.yAxis).toBe(2);
    expect(labels(v, 'axial')).toBe('RLAP');
    expect(labels(v, 'coronal')).toBe('RLSI');
    expect(ax.pixelMmY).toBe(2);
  });

  it('labels an oblique grid by its nearest directions, truthfully', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const v = grid([c, s, 0, -s, c, 0, 0, 0, 1]);
    expect(labels(v, 'axial')).toBe('RLAP');
  });
});
