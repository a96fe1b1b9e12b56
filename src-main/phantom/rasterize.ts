import type { Mat3, Vec3, VolumeGeometry } from '../../src-shared/volume/volume.js';
import { TISSUE, type PaintOp } from './anatomy.js';
import { smoothstep } from './shapes.js';

/** Smooth, seeded displacement (mm) added to heart-local coordinates before the shape tests. */
export interface Deformation {
  waves: { k: Vec3; phase: number; amp: Vec3 }[];
  /** Annulus normal in the local frame: no displacement within `slab` mm of the annulus plane. */
  normal: Vec3;
  slab: [number, number];
}

/** Heart local frame -> LPS: world = centre + rot * q (rot row-major). */
export interface Placement {
  centre: Vec3;
  rot: Mat3;
  deform: Deformation;
}

export interface Canvas {
  grid: VolumeGeometry;
  tissue: Uint8Array;
  labels: Uint8Array;
}

function steps(g: VolumeGeometry): [Vec3, Vec3, Vec3] {
  return [0, 1, 2].map((a) => [0, 1, 2].map((r) => g.direction[a * 3 + r] * g.spacingMm[a]) as Vec3) as [Vec3, Vec3, Vec3];
}

/** Maximum displacement magnitude, used to widen bounding boxes. */
export function maxDisplacement(d: Deformation): number {
  return d.waves.reduce((m, w) => m + Math.hypot(...w.amp), 0);
}

/** Index range of voxels whose centres may fall in a local-frame box (any grid orientation). */
function indexRange(c: Canvas, place: Placement, min: Vec3, max: Vec3): [Vec3, Vec3] | null {
  const g = c.grid;
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let m = 0; m < 8; m++) {
    const q: Vec3 = [m & 1 ? max[0] : min[0], m & 2 ? max[1] : min[1], m & 4 ? max[2] : min[2]];
    const w = [0, 1, 2].map((r) => place.centre[r] + place.rot[r * 3] * q[0] + place.rot[r * 3 + 1] * q[1] + place.rot[r * 3 + 2] * q[2]);
    for (let a = 0; a < 3; a++) {
      let t = 0;
      for (let r = 0; r < 3; r++) t += (w[r] - g.originLps[r]) * g.direction[a * 3 + r];
      t /= g.spacingMm[a];
      lo[a] = Math.min(lo[a], t);
      hi[a] = Math.max(hi[a], t);
    }
  }
  const a0 = lo.map((v) => Math.max(0, Math.floor(v))) as Vec3;
  const a1 = hi.map((v, a) => Math.min(g.dims[a] - 1, Math.ceil(v))) as Vec3;
  if (a0.some((v, a) => v > a1[a])) return null;
  return [a0, a1];
}

/**
 * Paint the heart-frame operations in order, one k slice at a time: the deformed local
 * coordinates of a slice are computed once (three sines per voxel) and shared by every shape,
 * and each shape only visits the voxels of its own bounding box.
 */
export function paintHeart(c: Canvas, place: Placement, ops: PaintOp[], kFrom = 0, kTo = c.grid.dims[2] - 1): void {
  const g = c.grid;
  const [nx, ny] = g.dims;
  const st = steps(g);
  const R = place.rot;
  // q = R^T (p - centre) is linear in the voxel index: precompute its per-axis increments.
  const dq = st.map((s) => [0, 1, 2].map((col) => R[col] * s[0] + R[3 + col] * s[1] + R[6 + col] * s[2]) as Vec3);
  const q0 = [0, 1, 2].map((col) => [0, 1, 2].reduce((acc, r) => acc + R[r * 3 + col] * (g.originLps[r] - place.centre[r]), 0)) as Vec3;
  const margin = maxDisplacement(place.deform) + 0.5;
  const { waves, normal: nn, slab } = place.deform;
  const nw = waves.length;
  const jobs = ops.flatMap((op) =>
    op.shapes.flatMap((shape) => {
      const range = indexRange(c, place, shape.min.map((v) => v - margin) as Vec3, shape.max.map((v) => v + margin) as Vec3);
      return range ? [{ op, shape, a0: range[0], a1: range[1] }] : [];
    }),
  );
  if (!jobs.length) return;
  const kMin = Math.max(kFrom, Math.min(...jobs.map((j) => j.a0[2])));
  const kMax = Math.min(kTo, Math.max(...jobs.map((j) => j.a1[2])));
  const jMin = Math.min(...jobs.map((j) => j.a0[1]));
  const jMax = Math.max(...jobs.map((j) => j.a1[1]));
  const iMin = Math.min(...jobs.map((j) => j.a0[0]));
  const iMax = Math.max(...jobs.map((j) => j.a1[0]));
  const X = new Float64Array(nx * ny);
  const Y = new Float64Array(nx * ny);
  const Z = new Float64Array(nx * ny);
  for (let k = kMin; k <= kMax; k++) {
    for (let j = jMin; j <= jMax; j++) {
      let qx = q0[0] + iMin * dq[0][0] + j * dq[1][0] + k * dq[2][0];
      let qy = q0[1] + iMin * dq[0][1] + j * dq[1][1] + k * dq[2][1];
      let qz = q0[2] + iMin * dq[0][2] + j * dq[1][2] + k * dq[2][2];
      let p = iMin + nx * j;
      for (let i = iMin; i <= iMax; i++, p++, qx += dq[0][0], qy += dq[0][1], qz += dq[0][2]) {
        let x = qx;
        let y = qy;
        let z = qz;
        const s = Math.abs(qx * nn[0] + qy * nn[1] + qz * nn[2]);
        if (s > slab[0] && nw > 0) {
          const w = smoothstep(slab[0], slab[1], s);
          for (let m = 0; m < nw; m++) {
            const wave = waves[m];
            const f = w * Math.sin(wave.k[0] * qx + wave.k[1] * qy + wave.k[2] * qz + wave.phase);
            x += f * wave.amp[0];
            y += f * wave.amp[1];
            z += f * wave.amp[2];
          }
        }
        X[p] = x;
        Y[p] = y;
        Z[p] = z;
      }
    }
    const base = nx * ny * k;
    for (const { op, shape, a0, a1 } of jobs) {
      if (k < a0[2] || k > a1[2]) continue;
      for (let j = a0[1]; j <= a1[1]; j++) {
        for (let p = a0[0] + nx * j, end = a1[0] + nx * j; p <= end; p++) {
          if (op.onlyOn !== undefined && c.tissue[base + p] !== op.onlyOn) continue;
          if (shape.inside(X[p], Y[p], Z[p])) {
            c.tissue[base + p] = op.tissue;
            c.labels[base + p] = op.label;
          }
        }
      }
    }
  }
}

/** Chest outside the heart, in body coordinates (mm from the body's centre line). Z-invariant. */
export interface BodyModel {
  centre: Vec3;
  /** Skin ellipse semi-axes (x, y). */
  radii: [number, number];
  fatMm: number;
  muscleMm: number;
  spine: { y: number; bodyR: number; canalR: number };
  /** Half-width of the central mediastinal band (fat) between sternum and spine. */
  mediastinumHalfWidth: number;
}

export function paintBody(c: Canvas, body: BodyModel): void {
  const g = c.grid;
  const [nx, ny, nz] = g.dims;
  const st = steps(g);
  const [rx, ry] = body.radii;
  const inner1: [number, number] = [rx - body.fatMm, ry - body.fatMm];
  const inner2: [number, number] = [inner1[0] - body.muscleMm, inner1[1] - body.muscleMm];
  const sp = body.spine;
  const e2 = (x: number, y: number, r: [number, number]) => (x / r[0]) ** 2 + (y / r[1]) ** 2;
  let idx = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        const x = g.originLps[0] + i * st[0][0] + j * st[1][0] + k * st[2][0] - body.centre[0];
        const y = g.originLps[1] + i * st[0][1] + j * st[1][1] + k * st[2][1] - body.centre[1];
        let t: number = TISSUE.AIR;
        if (e2(x, y, body.radii) <= 1) {
          t = TISSUE.FAT;
          if (e2(x, y, inner1) <= 1) t = TISSUE.MUSCLE;
          if (e2(x, y, inner2) <= 1 && y < sp.y - sp.bodyR * 0.3) t = TISSUE.LUNG;
          const dy = y - sp.y;
          const r2 = x * x + dy * dy;
          if (r2 <= sp.bodyR * sp.bodyR) t = TISSUE.BONE;
          // Neural arch: a ring behind the vertebral body around the canal.
          const cy = y - (sp.y + sp.bodyR + sp.canalR);
          const rc2 = x * x + cy * cy;
          if (rc2 <= (sp.canalR + 5) ** 2) t = rc2 <= sp.canalR * sp.canalR ? TISSUE.CSF : TISSUE.BONE;
          // Paravertebral muscle beside the spine, mediastinal fat in front of it.
          if (t === TISSUE.LUNG && Math.abs(x) < sp.bodyR + 8 && y > sp.y - sp.bodyR - 6) t = TISSUE.MUSCLE;
          if (t === TISSUE.LUNG && Math.abs(x) < body.mediastinumHalfWidth) t = TISSUE.FAT;
          // Sternum.
          if (Math.abs(x) < 14 && y > -inner1[1] - 2 && y < -inner2[1] + 4) t = TISSUE.BONE;
        }
        c.tissue[idx] = t;
      }
    }
  }
}
