import type { Vec3 } from '../../src-shared/volume/volume.js';

/** Eigen-decomposition of a symmetric 3x3 matrix (row-major), eigenvalues ascending. */
export interface Eigen3 {
  values: Vec3;
  /** vectors[i] is the unit eigenvector of values[i]. */
  vectors: [Vec3, Vec3, Vec3];
}

/** Cyclic Jacobi: exact to machine precision for 3x3, no dependency, no convergence surprises. */
export function eigenSymmetric3(m: ArrayLike<number>): Eigen3 {
  const a = [
    [m[0], m[1], m[2]],
    [m[3], m[4], m[5]],
    [m[6], m[7], m[8]],
  ];
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
    if (off < 1e-30 * (1 + a[0][0] ** 2 + a[1][1] ** 2 + a[2][2] ** 2)) break;
    for (let p = 0; p < 2; p++) {
      for (let q = p + 1; q < 3; q++) {
        const apq = a[p][q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 3; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < 3; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 3; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [0, 1, 2].sort((x, y) => a[x][x] - a[y][y]);
  const values = order.map((i) => a[i][i]) as Vec3;
  const vectors = order.map((i) => [v[0][i], v[1][i], v[2][i]] as Vec3) as [Vec3, Vec3, Vec3];
  return { values, vectors };
}

/** Points are packed xyz triples (mm). */
export function centroidOf(points: Float64Array, indices?: ArrayLike<number>): Vec3 {
  const n = indices ? indices.length : points.length / 3;
  let x = 0;
  let y = 0;
  let z = 0;
  for (let t = 0; t < n; t++) {
    const i = indices ? indices[t] : t;
    x += points[3 * i];
    y += points[3 * i + 1];
    z += points[3 * i + 2];
  }
  return n > 0 ? [x / n, y / n, z / n] : [0, 0, 0];
}

export function covarianceOf(points: Float64Array, mean: Vec3, indices?: ArrayLike<number>): number[] {
  const n = indices ? indices.length : points.length / 3;
  const c = [0, 0, 0, 0, 0, 0];
  for (let t = 0; t < n; t++) {
    const i = indices ? indices[t] : t;
    const dx = points[3 * i] - mean[0];
    const dy = points[3 * i + 1] - mean[1];
    const dz = points[3 * i + 2] - mean[2];
    c[0] += dx * dx;
    c[1] += dx * dy;
    c[2] += dx * dz;
    c[3] += dy * dy;
    c[4] += dy * dz;
    c[5] += dz * dz;
  }
  const k = n > 1 ? 1 / n : 1;
  return [c[0] * k, c[1] * k, c[2] * k, c[1] * k, c[3] * k, c[4] * k, c[2] * k, c[4] * k, c[5] * k];
}

/** Deterministic so RANSAC gives the same answer on every run and machine. */
export { mulberry32 } from '../../src-shared/random.js';
