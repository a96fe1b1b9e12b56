import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLASS_ID } from '../../src-shared/classes.js';
import { ijkToLps } from '../../src-shared/volume/affine.js';
import type { Mat3, Vec3, Volume } from '../../src-shared/volume/volume.js';
import { generatePhantom, type PhantomResult } from './generate.js';
import { phantomName } from './params.js';
import { eigenSymmetric3 } from '../geometry/linalg.js';
import type { AnnulusTruth } from './truth.js';

const sha = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
const dotv = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];


/** Midpoints of every LV voxel face shared with an LA voxel (the label map's LA/LV interface). */
function contactPoints(labels: Volume<Uint8Array>): Vec3[] {
  const [nx, ny, nz] = labels.dims;
  const pts: Vec3[] = [];
  const LA = CLASS_ID.left_atrium;
  const LV = CLASS_ID.left_ventricle;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (labels.data[i + nx * (j + ny * k)] !== LV) continue;
        for (const [di, dj, dk] of [
          [1, 0, 0],
          [-1, 0, 0],
          [0, 1, 0],
          [0, -1, 0],
          [0, 0, 1],
          [0, 0, -1],
        ]) {
          const a = i + di;
          const b = j + dj;
          const c = k + dk;
          if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
          if (labels.data[a + nx * (b + ny * c)] === LA) pts.push(ijkToLps(labels, [i + di / 2, j + dj / 2, k + dk / 2]));
        }
      }
  return pts;
}

/** Recover the annulus from the labels alone and compare with the recorded truth. */
function checkAnnulus(r: PhantomResult): { centreErr: number; normalErrDeg: number; majorErr: number; minorErr: number; maxOffPlane: number; maxEllipse: number } {
  const an: AnnulusTruth = r.truth.annulus;
  const pts = contactPoints(r.labels);
  expect(pts.length).toBeGreaterThan(50);
  const c = [0, 1, 2].map((d) => pts.reduce((s, p) => s + p[d], 0) / pts.length) as Vec3;
  const cov = [0, 1, 2].map((a) => [0, 1, 2].map((b) => pts.reduce((s, p) => s + (p[a] - c[a]) * (p[b] - c[b]), 0) / pts.length));
  // An independent check of the phantom, but the solver is plain linear algebra: reuse geometry's.
  const { values, vectors } = eigenSymmetric3(cov.flat());
  const normalErrDeg = (Math.acos(Math.min(1, Math.abs(dotv(vectors[0], an.normalLps)))) * 180) / Math.PI;
  // A uniformly filled ellipse has variance (semi-axis)^2 / 4 along each axis.
  const majorErr = Math.abs(2 * Math.sqrt(values[2]) - an.semiMajorMm) * 2;
  const minorErr = Math.abs(2 * Math.sqrt(values[1]) - an.semiMinorMm) * 2;
  let maxOffPlane = 0;
  let maxEllipse = 0;
  for (const p of pts) {
    const d: Vec3 = [p[0] - an.centreLps[0], p[1] - an.centreLps[1], p[2] - an.centreLps[2]];
    maxOffPlane = Math.max(maxOffPlane, Math.abs(dotv(d, an.normalLps)));
    maxEllipse = Math.max(maxEllipse, Math.hypot(dotv(d, an.majorAxisLps) / an.semiMajorMm, dotv(d, an.minorAxisLps) / an.semiMinorMm));
  }
  return { centreErr: Math.hypot(c[0] - an.centreLps[0], c[1] - an.centreLps[1], c[2] - an.centreLps[2]), normalErrDeg, majorErr, minorErr, maxOffPlane, maxEllipse };
}

function obliqueDirection(): Mat3 {
  const t = (25 * Math.PI) / 180;
  const s = (15 * Math.PI) / 180;
  // Rotation about z by t, then about x by s: rows are the i, j, k axes.
  const rz = [
    [Math.cos(t), Math.sin(t), 0],
    [-Math.sin(t), Math.cos(t), 0],
    [0, 0, 1],
  ];
  const rx = [
    [1, 0, 0],
    [0, Math.cos(s), Math.sin(s)],
    [0, -Math.sin(s), Math.cos(s)],
  ];
  const m = rz.map((row) => [0, 1, 2].map((c) => row.reduce((acc, v, k) => acc + v * rx[k][c], 0)));
  return m.flat() as Mat3;
}

describe('phantom generator', () => {
  const a = generatePhantom({ seed: 7, preset: 'small' });

  it('is deterministic: same seed gives identical voxel bytes, another seed different anatomy', () => {
    const b = generatePhantom({ seed: 7, preset: 'small' });
    expect(sha(b.ct.data)).toBe(sha(a.ct.data));
    expect(sha(b.labels.data)).toBe(sha(a.labels.data));
    expect(b.truth).toEqual(a.truth);
    const c = generatePhantom({ seed: 8, preset: 'small' });
    expect(sha(c.labels.data)).not.toBe(sha(a.labels.data));
    expect(sha(c.ct.data)).not.toBe(sha(a.ct.data));
    const differing = c.truth.structures.filter((s, i) => Math.abs(s.volumeMl - a.truth.structures[i].volumeMl) > 0.5);
    expect(differing.length).toBeGreaterThanOrEqual(6);
    expect(c.truth.annulus.centreLps).not.toEqual(a.truth.annulus.centreLps);
  });

  it('has the small preset grid, LPS geometry and every class present', () => {
    expect(a.ct.dims).toEqual([96, 96, 64]);
    expect(a.ct.data).toBeInstanceOf(Int16Array);
    expect(a.labels.data).toBeInstanceOf(Uint8Array);
    expect(a.truth.name).toBe(phantomName({ seed: 7, preset: 'small' }));
    expect(a.truth.name).toBe('phantom_seed7_96x96x64_1.8x1.8x2.2mm');
    const present = new Set(a.labels.data);
    for (let id = 0; id <= 8; id++) expect(present.has(id), `class ${id}`).toBe(true);
    expect(a.labels.data.reduce((m, v) => (v > m ? v : m), 0)).toBe(8);
  });

  it('records structure volumes that match the label voxels within 1 %', () => {
    const counts = new Array<number>(9).fill(0);
    for (const v of a.labels.data) counts[v]++;
    const voxelMl = (1.8 * 1.8 * 2.2) / 1000;
    for (const s of a.truth.structures) {
      const ml = counts[s.id] * voxelMl;
      expect(Math.abs(ml - s.volumeMl) / ml).toBeLessThan(0.01);
      expect(ml).toBeGreaterThan(15); // every structure is a real, visible size
      expect(ml).toBeLessThan(200);
    }
  });

  it('puts HU levels in the stated ranges inside each tissue', () => {
    const h = a.truth.hu;
    expect(h.bloodLeft).toBeGreaterThanOrEqual(300);
    expect(h.bloodLeft).toBeLessThanOrEqual(450);
    expect(h.bloodRight).toBeGreaterThanOrEqual(300);
    expect(h.bone).toBeGreaterThanOrEqual(700);
    // Mean HU deep inside the LV (eroded by the blur) is close to the blood level.
    const [nx, ny] = a.labels.dims;
    let sum = 0;
    let n = 0;
    const lv = CLASS_ID.left_ventricle;
    for (let k = 1; k < a.labels.dims[2] - 1; k++)
      for (let j = 1; j < ny - 1; j++)
        for (let i = 1; i < nx - 1; i++) {
          const p = i + nx * (j + ny * k);
          const d = a.labels.data;
          if (d[p] === lv && d[p + 1] === lv && d[p - 1] === lv && d[p + nx] === lv && d[p - nx] === lv && d[p + nx * ny] === lv && d[p - nx * ny] === lv) {
            sum += a.ct.data[p];
            n++;
          }
        }
    expect(Math.abs(sum / n - h.bloodLeft)).toBeLessThan(10);
  });

  it('noise has the stated sigma (difference from the noise-free phantom, unclipped voxels)', () => {
    const r = generatePhantom({ seed: 7, preset: 'small', noiseSigma: 15 });
    const q = generatePhantom({ seed: 7, preset: 'small', noiseSigma: 0 });
    let s2 = 0;
    let n = 0;
    for (let i = 0; i < r.ct.data.length; i++) {
      if (q.ct.data[i] <= -1000 || q.ct.data[i] >= 3071) continue; // clipped values
      const d = r.ct.data[i] - q.ct.data[i];
      s2 += d * d;
      n++;
    }
    expect(Math.sqrt(s2 / n)).toBeGreaterThan(14.5);
    expect(Math.sqrt(s2 / n)).toBeLessThan(15.5);
    expect(r.truth.noiseSigmaHu).toBe(15);
  });

  it('makes the LA/LV interface exactly the recorded annulus ellipse', () => {
    const m = checkAnnulus(a);
    console.log("annulus recovery (axis-aligned grid)", m);
    // Every contact face lies on the plane (within half a voxel) and inside the ellipse (within a voxel).
    expect(m.maxOffPlane).toBeLessThan(Math.hypot(1.8, 1.8, 2.2) / 2);
    expect(m.maxEllipse).toBeLessThan(1 + 2.2 / a.truth.annulus.semiMinorMm);
    expect(m.centreErr).toBeLessThan(1);
    expect(m.normalErrDeg).toBeLessThan(3);
    expect(m.majorErr).toBeLessThan(1.5);
    expect(m.minorErr).toBeLessThan(1.5);
  });

  it('keeps the annulus exact for other seeds (randomised size, rotation, deformation)', () => {
    for (const seed of [1, 2, 3]) {
      const r = generatePhantom({ seed, preset: 'small', noiseSigma: 0 });
      const m = checkAnnulus(r);
      expect(m.maxOffPlane, `seed ${seed}`).toBeLessThan(Math.hypot(1.8, 1.8, 2.2) / 2);
      expect(m.maxEllipse, `seed ${seed}`).toBeLessThan(1 + 2.2 / r.truth.annulus.semiMinorMm);
      expect(m.centreErr, `seed ${seed}`).toBeLessThan(1);
      expect(m.normalErrDeg, `seed ${seed}`).toBeLessThan(3);
    }
  });

  it('supports an oblique, anisotropic grid: same anatomy, annulus still recoverable', () => {
    const direction = obliqueDirection();
    const o = generatePhantom({ seed: 7, preset: 'small', direction, spacingMm: [1.5, 1.7, 2.0] });
    expect(o.ct.direction).toEqual(direction);
    expect(o.truth.annulus).toEqual(a.truth.annulus); // anatomy does not depend on the grid
    const m = checkAnnulus(o);
    console.log("annulus recovery (oblique grid)", m);
    expect(m.centreErr).toBeLessThan(1);
    expect(m.normalErrDeg).toBeLessThan(3);
    expect(m.maxEllipse).toBeLessThan(1 + 2 / a.truth.annulus.semiMinorMm);
    // LV fully inside both grids: its volume agrees within sampling error.
    const lvA = a.truth.structures.find((s) => s.key === 'left_ventricle')!.volumeMl;
    const lvO = o.truth.structures.find((s) => s.key === 'left_ventricle')!.volumeMl;
    expect(Math.abs(lvA - lvO) / lvA).toBeLessThan(0.05);
  });

  it('places structures plausibly in LPS (LV left-anterior of LA, RV anterior, RA right, desc aorta posterior-left)', () => {
    const centroid = (id: number): Vec3 => {
      const acc = [0, 0, 0];
      let n = 0;
      const [nx, ny, nz] = a.labels.dims;
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++)
            if (a.labels.data[i + nx * (j + ny * k)] === id) {
              const p = ijkToLps(a.labels, [i, j, k]);
              acc[0] += p[0];
              acc[1] += p[1];
              acc[2] += p[2];
              n++;
            }
      return acc.map((v) => v / n) as Vec3;
    };
    const C = Object.fromEntries(Object.entries(CLASS_ID).map(([k, id]) => [k, centroid(id)])) as Record<string, Vec3>;
    expect(C.left_ventricle[0]).toBeGreaterThan(C.left_atrium[0]); // more left (+x)
    expect(C.left_ventricle[1]).toBeLessThan(C.left_atrium[1]); // more anterior (-y)
    expect(C.left_ventricle[2]).toBeLessThan(C.left_atrium[2]); // more inferior
    expect(C.right_ventricle[1]).toBeLessThan(C.left_ventricle[1]);
    expect(C.right_atrium[0]).toBeLessThan(C.left_atrium[0]);
    expect(C.descending_aorta[1]).toBeGreaterThan(C.left_atrium[1]);
    expect(C.descending_aorta[0]).toBeGreaterThan(C.right_atrium[0]);
    expect(C.ascending_aorta[2]).toBeGreaterThan(C.left_ventricle[2]);
  });
});
