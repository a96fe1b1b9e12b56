import type { Mat3, Vec3, VolumeGeometry } from '../../../src-shared/volume/volume.js';
import type { Nifti1Header } from './header.js';

/**
 * NIfTI stores a RAS affine (srow / quaternion); the app's Volume is LPS. The two differ by the
 * sign of the first two rows, so the conversion is exact: only the x and y rows are negated.
 */

/** 3x4 RAS affine rows (voxel index -> RAS mm) for a Volume. */
export function rasAffineOf(g: VolumeGeometry): [number[], number[], number[]] {
  const rows: [number[], number[], number[]] = [[], [], []];
  for (let r = 0; r < 3; r++) {
    const sign = r < 2 ? -1 : 1;
    for (let c = 0; c < 3; c++) rows[r][c] = sign * g.direction[c * 3 + r] * g.spacingMm[c];
    rows[r][3] = sign * g.originLps[r];
  }
  return rows;
}

/** Geometry from a RAS 3x4 affine; spacing is the length of each column. */
export function geometryFromRasAffine(rows: number[][], dims: Vec3): VolumeGeometry {
  const spacing: number[] = [];
  const dir: number[] = [];
  for (let c = 0; c < 3; c++) {
    const col: Vec3 = [-rows[0][c], -rows[1][c], rows[2][c]];
    const len = Math.hypot(col[0], col[1], col[2]);
    spacing.push(len > 0 ? len : 1);
    const unit = len > 0 ? col.map((x) => x / len) : c === 0 ? [1, 0, 0] : c === 1 ? [0, 1, 0] : [0, 0, 1];
    dir.push(...unit);
  }
  return {
    dims,
    spacingMm: spacing as Vec3,
    originLps: [-rows[0][3], -rows[1][3], rows[2][3]],
    direction: dir as Mat3,
  };
}

/** nifti1_io's nifti_quatern_to_mat44. */
export function quaternToRows(h: Pick<Nifti1Header, 'quatern' | 'qoffset' | 'pixdim'>): number[][] {
  let [b, c, d] = h.quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    a = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= a;
    c *= a;
    d *= a;
    a = 0;
  } else a = Math.sqrt(a);
  const dx = h.pixdim[1] > 0 ? h.pixdim[1] : 1;
  const dy = h.pixdim[2] > 0 ? h.pixdim[2] : 1;
  let dz = h.pixdim[3] > 0 ? h.pixdim[3] : 1;
  if (h.pixdim[0] < 0) dz = -dz;
  return [
    [(a * a + b * b - c * c - d * d) * dx, 2 * (b * c - a * d) * dy, 2 * (b * d + a * c) * dz, h.qoffset[0]],
    [2 * (b * c + a * d) * dx, (a * a + c * c - b * b - d * d) * dy, 2 * (c * d - a * b) * dz, h.qoffset[1]],
    [2 * (b * d - a * c) * dx, 2 * (c * d + a * b) * dy, (a * a + d * d - c * c - b * b) * dz, h.qoffset[2]],
  ];
}

/** nifti1_io's nifti_mat44_to_quatern for an orthonormal direction; returns quatern b,c,d and qfac. */
export function rotationToQuatern(rows: number[][]): { quatern: [number, number, number]; qfac: number } {
  // Unit columns of the 3x3 part.
  const R = [0, 1, 2].map((r) => [0, 1, 2].map((c) => rows[r][c]));
  for (let c = 0; c < 3; c++) {
    const len = Math.hypot(R[0][c], R[1][c], R[2][c]) || 1;
    for (let r = 0; r < 3; r++) R[r][c] /= len;
  }
  const det =
    R[0][0] * (R[1][1] * R[2][2] - R[1][2] * R[2][1]) - R[0][1] * (R[1][0] * R[2][2] - R[1][2] * R[2][0]) + R[0][2] * (R[1][0] * R[2][1] - R[1][1] * R[2][0]);
  let qfac = 1;
  if (det < 0) {
    qfac = -1;
    for (let r = 0; r < 3; r++) R[r][2] = -R[r][2];
  }
  const [r11, r12, r13] = R[0];
  const [r21, r22, r23] = R[1];
  const [r31, r32, r33] = R[2];
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { quatern: [b, c, d], qfac };
}

/** Which transform a reader should trust: sform first (as nibabel and ITK do), then qform, then pixdim only. */
export function rowsFromHeader(h: Nifti1Header): { rows: number[][]; source: 'sform' | 'qform' | 'pixdim' } {
  if (h.sformCode > 0) return { rows: h.srow.map((r) => [...r]), source: 'sform' };
  if (h.qformCode > 0) return { rows: quaternToRows(h), source: 'qform' };
  // "Method 1" of the standard: no orientation, just voxel sizes (RAS-ish by convention).
  const px = [1, 2, 3].map((k) => (h.pixdim[k] > 0 ? h.pixdim[k] : 1));
  return {
    rows: [
      [px[0], 0, 0, 0],
      [0, px[1], 0, 0],
      [0, 0, px[2], 0],
    ],
    source: 'pixdim',
  };
}
