import { cross, dot, norm, normalize, sub } from '../../src-shared/volume/affine.js';
import type { Vec3 } from '../../src-shared/volume/volume.js';
import { centroidOf, covarianceOf, eigenSymmetric3, mulberry32 } from './linalg.js';

export interface PlaneFit {
  centroid: Vec3;
  /** Unit normal; its sign is arbitrary here (orient it afterwards). */
  normal: Vec3;
  /** Indices of the points used in the final least-squares fit. */
  inliers: Int32Array;
  /** RMS distance of the inliers to the plane (mm). */
  rmsMm: number;
  /** PCA eigenvalues (mm², ascending): the first is the out-of-plane variance. */
  eigenvalues: Vec3;
}

export function fitPlanePca(points: Float64Array, indices?: Int32Array): PlaneFit {
  const idx = indices ?? Int32Array.from({ length: points.length / 3 }, (_, i) => i);
  const c = centroidOf(points, idx);
  const e = eigenSymmetric3(covarianceOf(points, c, idx));
  return { centroid: c, normal: normalize(e.vectors[0]), inliers: idx, rmsMm: Math.sqrt(Math.max(0, e.values[0])), eigenvalues: e.values };
}

export interface RansacOptions {
  /** A point is an inlier when its distance to the plane is at most this (mm). */
  thresholdMm: number;
  iterations?: number;
  seed?: number;
}

/**
 * RANSAC on 3-point planes (scored on a subsample for speed), then PCA on the inliers, refined
 * twice: PCA alone is pulled by a stray patch; RANSAC alone is only as good as three points.
 */
export function fitPlaneRobust(points: Float64Array, opts: RansacOptions): PlaneFit {
  const n = points.length / 3;
  if (n < 3) return fitPlanePca(points);
  const rand = mulberry32(opts.seed ?? 12345);
  const iterations = opts.iterations ?? 300;
  const scoreStride = Math.max(1, Math.floor(n / 4000));
  const at = (i: number): Vec3 => [points[3 * i], points[3 * i + 1], points[3 * i + 2]];
  let bestScore = -1;
  let bestN: Vec3 = [0, 0, 1];
  let bestP: Vec3 = at(0);
  for (let it = 0; it < iterations; it++) {
    const a = at(Math.floor(rand() * n));
    const b = at(Math.floor(rand() * n));
    const c = at(Math.floor(rand() * n));
    const nr = cross(sub(b, a), sub(c, a));
    if (norm(nr) < 1e-6) continue;
    const nn = normalize(nr);
    let score = 0;
    for (let i = 0; i < n; i += scoreStride) {
      const d = Math.abs((points[3 * i] - a[0]) * nn[0] + (points[3 * i + 1] - a[1]) * nn[1] + (points[3 * i + 2] - a[2]) * nn[2]);
      if (d <= opts.thresholdMm) score++;
    }
    if (score > bestScore) {
      bestScore = score;
      bestN = nn;
      bestP = a;
    }
  }
  let fit: PlaneFit | null = null;
  let normal = bestN;
  let origin = bestP;
  for (let round = 0; round < 3; round++) {
    const inl: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = Math.abs(dot(sub(at(i), origin), normal));
      if (d <= opts.thresholdMm) inl.push(i);
    }
    if (inl.length < 3) break;
    fit = fitPlanePca(points, Int32Array.from(inl));
    normal = fit.normal;
    origin = fit.centroid;
  }
  return fit ?? fitPlanePca(points);
}
