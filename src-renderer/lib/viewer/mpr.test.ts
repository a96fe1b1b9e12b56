import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { ijkToLps } from '../../../src-shared/volume/affine.js';
import { distanceMm, ijkToPixel, pixelToIjk, renderSlice, viewMapping, type ViewKind } from './mpr.js';

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
    const a = ijkToLps(v, pixelToIjk(m, 0, 2, 1));
    const b = ijkToLps(v, pixelToIjk(m, 3, 2, 1));
    expect(b[0]).toBeGreaterThan(a[0]);
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

  it('round-trips pixel <-> voxel for every view', () => {
    const v = grid([-1, 0, 0, 0, 0, 1, 0, -1, 0]);
    for (const kind of ['axial', 'coronal', 'sagittal'] as const) {
      const m = viewMapping(v, kind);
      const ijk = pixelToIjk(m, 1, 2, 3 % m.depth);
      const back = ijkToPixel(m, ijk);
      expect([back.u, back.v]).toEqual([1, 2]);
    }
  });
});

describe('renderSlice', () => {
  it('applies the window and blends the class colour by its opacity', () => {
    const v = grid([1, 0, 0, 0, 1, 0, 0, 0, 1], [2, 1, 1]);
    v.data = new Int16Array([0, 100]);
    const lab = new Uint8Array([0, 2]);
    const out = new Uint8ClampedArray(8);
    renderSlice(
      { geometry: v, ct: v.data, labels: lab, overlay: { colours: [[0, 0, 0], [255, 255, 255], [255, 0, 0]], opacity: [0, 1, 0.5] } },
      viewMapping(v, 'axial'),
      0,
      { center: 50, width: 100 },
      out,
    );
    expect([...out.slice(0, 4)]).toEqual([0, 0, 0, 255]);
    // HU 100 at the top of the window = 255 grey, half-blended with red.
    const px = [...out.slice(4, 8)];
    [255, 127.5, 127.5, 255].forEach((want, n) => expect(Math.abs((px[n] as number) - want)).toBeLessThanOrEqual(1));
  });
});

describe('distanceMm', () => {
  it('honours anisotropic spacing', () => {
    const v = grid([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(distanceMm(v, [0, 0, 0], [0, 0, 3])).toBeCloseTo(6, 9);
    expect(distanceMm(v, [0, 0, 0], [4, 0, 0])).toBeCloseTo(2, 9);
  });
});
