import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { boxSection, planeSection, rotateBox, solidSection, type RoiBox } from './roi-geometry.js';
import { resampleLabelsNearest, sameGrid } from './labels.js';

const box: RoiBox = { centerLps: [0, 0, 0], axes: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], sizeMm: [20, 10, 4] };

describe('roi geometry', () => {
  it('cuts an axis-aligned box with an axial plane into its 20 x 10 rectangle', () => {
    const poly = boxSection(box, [0, 0, 1], [0, 0, 1]);
    expect(poly).toHaveLength(4);
    const xs = poly.map((p) => p[0]);
    const ys = poly.map((p) => p[1]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeCloseTo(20, 9);
    expect(Math.max(...ys) - Math.min(...ys)).toBeCloseTo(10, 9);
    expect(boxSection(box, [0, 0, 3], [0, 0, 1])).toHaveLength(0);
  });

  it('draws the annulus plane as a segment across a coronal cut', () => {
    const seg = planeSection(box, [0, 0, 0], [0, 1, 0]);
    expect(seg).toHaveLength(2);
    expect(Math.abs((seg[0]?.[0] ?? 0) - (seg[1]?.[0] ?? 0))).toBeCloseTo(20, 9);
  });

  it('cuts any parallelepiped: a unit cube through its centre along the diagonal is a regular hexagon', () => {
    const cube: Vec3[] = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => [n & 1, (n >> 1) & 1, (n >> 2) & 1]);
    const n: Vec3 = [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)];
    const poly = solidSection(cube, [0.5, 0.5, 0.5], n);
    expect(poly).toHaveLength(6);
    const sides = poly.map((p, i) => {
      const q = poly[(i + 1) % poly.length] as Vec3;
      return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    });
    for (const s of sides) expect(s).toBeCloseTo(Math.SQRT1_2, 9);
    // A sheared solid (gantry tilt) is cut as well: every vertex lies on the plane.
    const sheared: Vec3[] = cube.map(([x, y, z]) => [x, y + 0.33 * z, z]);
    for (const p of solidSection(sheared, [0.5, 0.7, 0.5], [0, 0, 1])) expect(p[2]).toBeCloseTo(0.5, 12);
  });

  it('rotates about an axis keeping the axes orthonormal', () => {
    const r = rotateBox(box, [0, 0, 1], Math.PI / 2);
    expect(r.axes[0][1]).toBeCloseTo(1, 9);
    expect(r.axes[1][0]).toBeCloseTo(-1, 9);
    expect(r.axes[2][2]).toBeCloseTo(1, 9);
  });
});

describe('label resampling', () => {
  it('maps labels nearest-neighbour onto a finer grid without inventing classes', () => {
    const lab: Volume = { dims: [2, 1, 1], spacingMm: [2, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: new Uint8Array([3, 5]) };
    const fine = { dims: [4, 1, 1] as [number, number, number], spacingMm: [1, 1, 1] as [number, number, number], originLps: [-0.4, 0, 0] as [number, number, number], direction: lab.direction };
    expect(sameGrid(lab, fine)).toBe(false);
    expect([...resampleLabelsNearest(lab, fine)]).toEqual([3, 3, 5, 5]);
  });
});
