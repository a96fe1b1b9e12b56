import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { cross, dot, ijkToLps, normalize, sub } from '../../../src-shared/volume/affine.js';
import { viewMapping } from './mpr.js';
import { canvasToLps, clampSlice, framePlacement, frameCamera, lpsToCanvas, obliquityDeg, ontoSlice, sliceFrame, sliceOf } from './slice-frame.js';

const grid = (direction: Mat3, dims: Vec3 = [40, 50, 30], spacingMm: Vec3 = [0.7, 0.7, 2]): Volume => ({
  dims,
  spacingMm,
  originLps: [10, -20, 30],
  direction,
  data: new Int16Array(dims[0] * dims[1] * dims[2]),
});
const rotY = (deg: number): Mat3 => {
  const t = (deg * Math.PI) / 180;
  return [Math.cos(t), 0, Math.sin(t), 0, 1, 0, -Math.sin(t), 0, Math.cos(t)];
};
const close = (a: Vec3, b: Vec3, tol = 1e-9) => a.forEach((x, i) => expect(Math.abs(x - (b[i] as number))).toBeLessThan(tol));

describe('sliceFrame', () => {
  it('on an axial LPS grid, shows exactly the acquired slices, fitted with their true aspect', () => {
    const v = grid([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    for (const kind of ['axial', 'coronal', 'sagittal'] as const) {
      const f = sliceFrame(v, kind, 'patient');
      const m = viewMapping(v, kind);
      expect(f.count).toBe(m.depth);
      expect(f.stepMm).toBeCloseTo(v.spacingMm[m.zAxis], 12);
      // The whole grid fits the canvas with its true aspect; voxel centres sit half a voxel in.
      const pf = framePlacement(f, 500, 380, { zoom: 1, panX: 0, panY: 0 });
      const wMm = m.width * m.pixelMmX;
      const hMm = m.height * m.pixelMmY;
      const fit = Math.min(500 / wMm, 380 / hMm);
      const first: Vec3 = [0, 0, 0];
      first[m.xAxis] = m.xSign > 0 ? 0 : m.width - 1;
      first[m.yAxis] = m.ySign > 0 ? 0 : m.height - 1;
      const c0 = lpsToCanvas(f, pf, ijkToLps(v, first));
      expect(c0.x).toBeCloseTo((500 - wMm * fit) / 2 + 0.5 * m.pixelMmX * fit, 9);
      expect(c0.y).toBeCloseTo((380 - hMm * fit) / 2 + 0.5 * m.pixelMmY * fit, 9);
      // Pan moves the picture by pixels, zoom scales about the canvas centre.
      const moved = lpsToCanvas(f, framePlacement(f, 500, 380, { zoom: 2, panX: 13, panY: -8 }), ijkToLps(v, first));
      expect(moved.x).toBeCloseTo(250 + 2 * (c0.x - 250) + 13, 9);
      expect(moved.y).toBeCloseTo(190 + 2 * (c0.y - 190) - 8, 9);
      // Slice k lies on voxel plane k (or its mirror when the axis points the other way).
      const k = 7;
      const ijk: Vec3 = [5, 5, 5];
      ijk[m.zAxis] = k;
      const s = sliceOf(f, ijkToLps(v, ijk));
      expect(Math.abs(s - Math.round(s))).toBeLessThan(1e-9);
    }
  });

  it('maps canvas points back to the same LPS point on the slice (round trip)', () => {
    const v = grid(rotY(20));
    const f = sliceFrame(v, 'coronal', 'patient');
    const p = framePlacement(f, 420, 300, { zoom: 2.3, panX: -40, panY: 25 });
    for (const [x, y, k] of [[0, 0, 0], [210, 150, 17], [419, 299, f.count - 1]] as [number, number, number][]) {
      const lps = canvasToLps(f, p, x, y, k);
      const c = lpsToCanvas(f, p, lps);
      expect(c.x).toBeCloseTo(x, 9);
      expect(c.y).toBeCloseTo(y, 9);
      expect(c.slice).toBeCloseTo(k, 9);
    }
  });

  it('cuts true patient planes through an oblique grid, and the grid itself on request', () => {
    const v = grid(rotY(20));
    const axial = sliceFrame(v, 'axial', 'patient');
    close(axial.normal, [0, 0, 1]);
    const l = axial.labels;
    expect([l.left, l.right, l.top, l.bottom].join('')).toBe('RLAP');
    // Every grid corner lies between the first and the last slice.
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const c = ijkToLps(v, [n & 1 ? 39 : 0, n & 2 ? 49 : 0, n & 4 ? 29 : 0]);
      const s = sliceOf(axial, c);
      expect(s).toBeGreaterThan(-1e-6);
      expect(s).toBeLessThan(axial.count - 1 + 1);
    }
    const grid20 = sliceFrame(v, 'axial', 'acquisition');
    // The acquisition plane's normal is the k axis: 20 degrees from patient S.
    expect((Math.acos(dot(grid20.normal, [0, 0, 1])) * 180) / Math.PI).toBeCloseTo(20, 9);
    expect(grid20.count).toBe(30);
    expect(grid20.stepMm).toBeCloseTo(2, 9);
  });

  it('keeps the screen frame orthonormal on a sheared (gantry-tilt) grid', () => {
    const t = (18.5 * Math.PI) / 180;
    const sheared = grid([1, 0, 0, 0, 1, 0, 0, Math.sin(t), Math.cos(t)]);
    for (const kind of ['axial', 'coronal', 'sagittal'] as const) {
      const f = sliceFrame(sheared, kind, 'acquisition');
      expect(Math.abs(dot(f.right, f.down))).toBeLessThan(1e-12);
      expect(Math.hypot(...f.down)).toBeCloseTo(1, 12);
    }
    // Patient axial slices step by the slice spacing projected on S.
    expect(sliceFrame(sheared, 'axial', 'patient').stepMm).toBeCloseTo(2 * Math.cos(t), 12);
    expect(obliquityDeg(sheared)).toBeCloseTo(18.5, 9);
  });

  it('moves a point onto a slice without moving it in the plane, and clamps slice numbers', () => {
    const v = grid(rotY(35));
    const f = sliceFrame(v, 'sagittal', 'patient');
    const p: Vec3 = [11, -3, 40];
    const q = ontoSlice(f, p, 12);
    expect(sliceOf(f, q)).toBeCloseTo(12, 9);
    expect(dot(q, f.right)).toBeCloseTo(dot(p, f.right), 9);
    expect(dot(q, f.down)).toBeCloseTo(dot(p, f.down), 9);
    expect(clampSlice(f, -4)).toBe(0);
    expect(clampSlice(f, 1e6)).toBe(f.count - 1);
  });
});

describe('frameCamera', () => {
  it('is the parallel camera under which vtk.js draws a point where lpsToCanvas puts it', () => {
    const v = grid(rotY(-27));
    for (const kind of ['axial', 'coronal', 'sagittal'] as const) {
      const f = sliceFrame(v, kind, 'patient');
      const p = framePlacement(f, 640, 400, { zoom: 1.4, panX: 30, panY: -12 });
      const cam = frameCamera(f, p, 9);
      // vtk's screen axes: x = direction of projection x view-up, y = view-up.
      const dop = normalize(sub(cam.focal, cam.position));
      const up = cam.viewUp;
      const right = cross(dop, up);
      const pt = canvasToLps(f, p, 100, 50, 9);
      const d = sub(pt, cam.focal);
      // Parallel projection: half the viewport height spans parallelScale mm.
      const pxPerMm = p.height / 2 / cam.parallelScale;
      const x = p.width / 2 + dot(d, right) * pxPerMm;
      const y = p.height / 2 - dot(d, up) * pxPerMm;
      expect(x).toBeCloseTo(100, 9);
      expect(y).toBeCloseTo(50, 9);
      // The focal point is on the slice, seen from in front of it.
      expect(sliceOf(f, cam.focal)).toBeCloseTo(9, 9);
      expect(dot(dop, f.normal)).toBeCloseTo(1, 12);
    }
  });
});

describe('obliquityDeg', () => {
  it('is 0 for axial, flipped or permuted grids and the rotation angle for an oblique one', () => {
    expect(obliquityDeg(grid([1, 0, 0, 0, 1, 0, 0, 0, 1]))).toBe(0);
    expect(obliquityDeg(grid([-1, 0, 0, 0, 0, -1, 0, 1, 0]))).toBe(0);
    expect(obliquityDeg(grid(rotY(20)))).toBeCloseTo(20, 9);
  });
});
