import { describe, expect, it } from 'vitest';
import { dot, normalize } from '../../src-shared/volume/affine.js';
import type { Vec3 } from '../../src-shared/volume/volume.js';
import { squaredDistanceTransform } from './edt.js';
import { eigenSymmetric3, mulberry32 } from './linalg.js';
import { fitPlanePca, fitPlaneRobust } from './plane.js';

describe('anisotropic squared distance transform', () => {
  it('equals brute force on random sparse masks', () => {
    const rand = mulberry32(7);
    for (const [dims, sp] of [
      [[13, 9, 7], [0.7, 1.1, 2.5]],
      [[20, 1, 1], [0.5, 1, 1]],
      [[6, 11, 1], [1, 0.3, 1]],
    ] as [Vec3, Vec3][]) {
      const n = dims[0] * dims[1] * dims[2];
      const feat = Uint8Array.from({ length: n }, () => (rand() < 0.03 ? 1 : 0));
      feat[Math.floor(rand() * n)] = 1;
      const d2 = squaredDistanceTransform(dims, sp, (b) => feat[b] === 1);
      const xyz = (c: number): Vec3 => [(c % dims[0]) * sp[0], (Math.floor(c / dims[0]) % dims[1]) * sp[1], Math.floor(c / (dims[0] * dims[1])) * sp[2]];
      for (let c = 0; c < n; c++) {
        let best = Infinity;
        const p = xyz(c);
        for (let f = 0; f < n; f++) {
          if (!feat[f]) continue;
          const q = xyz(f);
          best = Math.min(best, (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2);
        }
        expect(d2[c]).toBeCloseTo(best, 3);
      }
    }
  });
});

describe('plane fitting', () => {
  it('eigen-decomposition of a symmetric 3x3 reconstructs the matrix', () => {
    const m = [4, 1, -2, 1, 3, 0.5, -2, 0.5, 6];
    const e = eigenSymmetric3(m);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += e.values[k] * e.vectors[k][r] * e.vectors[k][c];
        expect(s).toBeCloseTo(m[3 * r + c], 9);
      }
    expect(e.values[0]).toBeLessThanOrEqual(e.values[1]);
  });

  it('RANSAC + PCA ignores a 30 % cluster of outliers that pulls plain PCA off', () => {
    const rand = mulberry32(3);
    const normal = normalize([0.3, -0.2, 0.93]);
    const e1 = normalize([1, 0, -0.3 / 0.93]);
    const e2: Vec3 = [normal[1] * e1[2] - normal[2] * e1[1], normal[2] * e1[0] - normal[0] * e1[2], normal[0] * e1[1] - normal[1] * e1[0]];
    const pts: number[] = [];
    for (let i = 0; i < 700; i++) {
      const u = (rand() - 0.5) * 30;
      const v = (rand() - 0.5) * 24;
      const h = (rand() - 0.5) * 2;
      for (let a = 0; a < 3; a++) pts.push(10 + u * e1[a] + v * e2[a] + h * normal[a]);
    }
    for (let i = 0; i < 300; i++) {
      // A blob 15 mm off the plane, like a stray contact patch.
      for (let a = 0; a < 3; a++) pts.push(10 + 12 * e1[a] + (15 + (rand() - 0.5) * 6) * normal[a] + (rand() - 0.5) * 6 * e2[a]);
    }
    const P = Float64Array.from(pts);
    const ang = (n: Vec3) => (Math.acos(Math.min(1, Math.abs(dot(n, normal)))) * 180) / Math.PI;
    const pca = fitPlanePca(P);
    const robust = fitPlaneRobust(P, { thresholdMm: 2 });
    console.log(`[roi] plane with 30% outliers: PCA ${ang(pca.normal).toFixed(1)}°, RANSAC+PCA ${ang(robust.normal).toFixed(2)}° off`);
    expect(ang(pca.normal)).toBeGreaterThan(10);
    expect(ang(robust.normal)).toBeLessThan(1);
    expect(robust.inliers.length).toBeGreaterThanOrEqual(690);
    expect(robust.inliers.length).toBeLessThan(720);
  });
});
