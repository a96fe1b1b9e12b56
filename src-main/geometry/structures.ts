import { applyMat4, ijkToLpsMatrix } from '../../src-shared/volume/affine.js';
import type { Vec3, Volume } from '../../src-shared/volume/volume.js';
import type { Box3 } from './edt.js';
import { centroidOf, covarianceOf, eigenSymmetric3 } from './linalg.js';

export interface StructureStats {
  voxels: number;
  volumeMl: number;
  box: Box3;
}

export const BLOCK = 8;

export interface BlockMap {
  /** Blocks of BLOCK³ voxels: bit 1 = holds LA, bit 2 = holds LV. */
  bits: Uint8Array;
  dims: [number, number, number];
}

/**
 * One pass over the whole label volume: counts and index bounding boxes of LA and LV, plus a
 * coarse block map so the contact search can skip speckle (a stray voxel of each label far apart
 * would otherwise stretch both bounding boxes over the whole volume).
 */
export function structureStats(labels: Volume, laLabel: number, lvLabel: number): { la: StructureStats; lv: StructureStats; blocks: BlockMap } {
  const [nx, ny, nz] = labels.dims;
  const data = labels.data;
  const mk = () => ({ voxels: 0, min: [nx, ny, nz] as Vec3, max: [-1, -1, -1] as Vec3 });
  const acc = [mk(), mk()];
  const bd: [number, number, number] = [Math.ceil(nx / BLOCK), Math.ceil(ny / BLOCK), Math.ceil(nz / BLOCK)];
  const bits = new Uint8Array(bd[0] * bd[1] * bd[2]);
  let idx = 0;
  for (let k = 0; k < nz; k++) {
    const bk = bd[0] * bd[1] * Math.floor(k / BLOCK);
    for (let j = 0; j < ny; j++) {
      const bj = bk + bd[0] * Math.floor(j / BLOCK);
      for (let i = 0; i < nx; i++, idx++) {
        const v = data[idx];
        if (v !== laLabel && v !== lvLabel) continue;
        const which = v === laLabel ? 0 : 1;
        const a = acc[which];
        bits[bj + (i >> 3)] |= which + 1;
        a.voxels++;
        if (i < a.min[0]) a.min[0] = i;
        if (i > a.max[0]) a.max[0] = i;
        if (j < a.min[1]) a.min[1] = j;
        if (j > a.max[1]) a.max[1] = j;
        if (k < a.min[2]) a.min[2] = k;
        if (k > a.max[2]) a.max[2] = k;
      }
    }
  }
  const voxelMl = (labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2]) / 1000;
  const out = acc.map((a) => ({ voxels: a.voxels, volumeMl: a.voxels * voxelMl, box: { min: a.min, max: a.max } }));
  return { la: out[0], lv: out[1], blocks: { bits, dims: bd } };
}

/**
 * Index box (voxels) of the blocks where LA and LV come within `reach` voxels of each other,
 * grown by `reach`; null when they never do.
 */
export function contactBox(blocks: BlockMap, reach: Vec3, volDims: Vec3): Box3 | null {
  const [bx, by, bz] = blocks.dims;
  const rb = reach.map((r) => Math.ceil(r / BLOCK)) as Vec3;
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-1, -1, -1];
  for (let k = 0; k < bz; k++)
    for (let j = 0; j < by; j++)
      for (let i = 0; i < bx; i++) {
        if (!(blocks.bits[i + bx * (j + by * k)] & 1)) continue;
        let near = false;
        for (let kk = Math.max(0, k - rb[2]); kk <= Math.min(bz - 1, k + rb[2]) && !near; kk++)
          for (let jj = Math.max(0, j - rb[1]); jj <= Math.min(by - 1, j + rb[1]) && !near; jj++)
            for (let ii = Math.max(0, i - rb[0]); ii <= Math.min(bx - 1, i + rb[0]); ii++)
              if (blocks.bits[ii + bx * (jj + by * kk)] & 2) {
                near = true;
                break;
              }
        if (!near) continue;
        // The LV partner may sit up to rb blocks away: cover it too.
        const b: Vec3 = [i, j, k];
        for (let a = 0; a < 3; a++) {
          lo[a] = Math.min(lo[a], (b[a] - rb[a]) * BLOCK);
          hi[a] = Math.max(hi[a], (b[a] + rb[a] + 1) * BLOCK - 1);
        }
      }
  if (hi[0] < 0) return null;
  const min = lo.map((x, a) => Math.max(0, x - reach[a])) as Vec3;
  const max = hi.map((x, a) => Math.min(volDims[a] - 1, x + reach[a])) as Vec3;
  return { min, max };
}

/** Packed LPS centres of the voxels with `label` (every `stride`-th one), optionally near a point. */
export function labelPoints(labels: Volume, label: number, maxPoints: number, near?: { centre: Vec3; radiusMm: number }, box?: Box3): Float64Array {
  const [nx, ny, nz] = labels.dims;
  const lo = box ? box.min : [0, 0, 0];
  const hi = box ? box.max : [nx - 1, ny - 1, nz - 1];
  const d = labels.data;
  const indices: number[] = [];
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      const row = nx * (j + ny * k);
      for (let i = lo[0]; i <= hi[0]; i++) if (d[row + i] === label) indices.push(row + i);
    }
  }
  const stride = Math.max(1, Math.floor(indices.length / maxPoints));
  const m = ijkToLpsMatrix(labels);
  const out: number[] = [];
  const r2 = near ? near.radiusMm * near.radiusMm : Infinity;
  for (let t = 0; t < indices.length; t += stride) {
    const idx = indices[t];
    const p = applyMat4(m, [idx % nx, Math.floor(idx / nx) % ny, Math.floor(idx / (nx * ny))]);
    if (near) {
      const dx = p[0] - near.centre[0];
      const dy = p[1] - near.centre[1];
      const dz = p[2] - near.centre[2];
      if (dx * dx + dy * dy + dz * dz > r2) continue;
    }
    out.push(p[0], p[1], p[2]);
  }
  return Float64Array.from(out);
}

/** Principal (largest-variance) axis of a label's voxels: the LV long axis for the LV label. */
export function principalAxis(points: Float64Array): { centroid: Vec3; axis: Vec3; eigenvalues: Vec3 } | null {
  if (points.length < 9) return null;
  const c = centroidOf(points);
  const e = eigenSymmetric3(covarianceOf(points, c));
  return { centroid: c, axis: e.vectors[2], eigenvalues: e.values };
}

/**
 * Approximate closest distance between the two chambers' surfaces (for the "not touching"
 * error only): surface voxels subsampled to a few thousand each, compared pairwise.
 */
export function surfaceGapMm(labels: Volume, laLabel: number, lvLabel: number): number {
  const [nx, ny, nz] = labels.dims;
  const d = labels.data;
  const surf = (label: number): number[] => {
    const idx: number[] = [];
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const c = i + nx * (j + ny * k);
          if (d[c] !== label) continue;
          const inner =
            i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && (nz === 1 || (k > 0 && k < nz - 1)) &&
            d[c - 1] === label && d[c + 1] === label && d[c - nx] === label && d[c + nx] === label &&
            (nz === 1 || (d[c - nx * ny] === label && d[c + nx * ny] === label));
          if (!inner) idx.push(c);
        }
      }
    }
    const stride = Math.max(1, Math.ceil(idx.length / 3000));
    return idx.filter((_, t) => t % stride === 0);
  };
  const a = surf(laLabel);
  const b = surf(lvLabel);
  const [sx, sy, sz] = labels.spacingMm;
  const coords = (c: number): Vec3 => [(c % nx) * sx, (Math.floor(c / nx) % ny) * sy, Math.floor(c / (nx * ny)) * sz];
  const bc = b.map(coords);
  let best = Infinity;
  for (const c of a) {
    const p = coords(c);
    for (const q of bc) {
      const dd = (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2;
      if (dd < best) best = dd;
    }
  }
  return Math.sqrt(best);
}
