import { applyMat4, ijkToLpsMatrix, invertMat4 } from '../../src-shared/volume/affine.js';
import type { Vec3, Volume } from '../../src-shared/volume/volume.js';

/** A square grid on the valve plane: cell (a, b) sits at centre + (a - half)·h·e1 + (b - half)·h·e2. */
export interface PlaneGrid {
  centre: Vec3;
  e1: Vec3;
  e2: Vec3;
  normal: Vec3;
  cellMm: number;
  size: number;
  mask: Uint8Array;
}

export interface OrificeOptions {
  laLabel: number;
  lvLabel: number;
  toleranceMm: number;
  halfExtentMm: number;
}

/**
 * The valve orifice as seen on the plane: cells whose normal line meets both the atrium and the
 * ventricle within ±tolerance. Sampling the labels (nearest voxel) instead of rasterising the
 * interface points makes the region the plane's true cut through the voxel blocks, so its area
 * and rim are unbiased even on coarse, anisotropic, oblique grids.
 */
export function orificeMask(labels: Volume, plane: { centre: Vec3; e1: Vec3; e2: Vec3; normal: Vec3 }, opts: OrificeOptions): PlaneGrid {
  const minSp = Math.min(...labels.spacingMm);
  const h = Math.min(0.5, Math.max(0.1, minSp / 2));
  const size = 2 * Math.ceil(opts.halfExtentMm / h) + 1;
  const half = (size - 1) / 2;
  const inv = invertMat4(ijkToLpsMatrix(labels));
  const toIjk = (p: Vec3): Vec3 => applyMat4(inv, p);
  const lin = (v: Vec3): Vec3 => [inv[0] * v[0] + inv[1] * v[1] + inv[2] * v[2], inv[4] * v[0] + inv[5] * v[1] + inv[6] * v[2], inv[8] * v[0] + inv[9] * v[1] + inv[10] * v[2]];
  const de1 = lin(plane.e1).map((x) => x * h) as Vec3;
  const de2 = lin(plane.e2).map((x) => x * h) as Vec3;
  const steps = Math.max(2, Math.ceil((2 * opts.toleranceMm) / h));
  const dt = (2 * opts.toleranceMm) / steps;
  const dn = lin(plane.normal).map((x) => x * dt) as Vec3;
  const c0 = toIjk(plane.centre);
  const [nx, ny, nz] = labels.dims;
  const data = labels.data;
  const mask = new Uint8Array(size * size);
  for (let b = 0; b < size; b++) {
    for (let a = 0; a < size; a++) {
      const base0 = c0[0] + (a - half) * de1[0] + (b - half) * de2[0] - (steps / 2) * dn[0];
      const base1 = c0[1] + (a - half) * de1[1] + (b - half) * de2[1] - (steps / 2) * dn[1];
      const base2 = c0[2] + (a - half) * de1[2] + (b - half) * de2[2] - (steps / 2) * dn[2];
      let la = 0;
      let lv = 0;
      for (let s = 0; s <= steps; s++) {
        const i = Math.round(base0 + s * dn[0]);
        const j = Math.round(base1 + s * dn[1]);
        const k = Math.round(base2 + s * dn[2]);
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
        const v = data[i + nx * (j + ny * k)];
        if (v === opts.laLabel) la++;
        else if (v === opts.lvLabel) lv++;
      }
      // "Both seen" alone would dilate the rim by half a voxel (any of many nearest-voxel samples
      // may fall inside); a majority of chamber samples puts the rim at the voxels' true edge.
      if (la > 0 && lv > 0 && 2 * (la + lv) >= steps + 1) mask[a + size * b] = 1;
    }
  }
  keepLargestFilled(mask, size);
  return { centre: plane.centre, e1: plane.e1, e2: plane.e2, normal: plane.normal, cellMm: h, size, mask };
}

/** Largest 8-connected region, with its holes filled (a leaflet gap is still orifice). */
function keepLargestFilled(mask: Uint8Array, size: number): void {
  const n = size * size;
  const comp = new Int32Array(n);
  const queue = new Int32Array(n);
  let bestId = 0;
  let bestSize = 0;
  let next = 1;
  const flood = (seed: number, id: number, inside: (c: number) => boolean, eight: boolean): number => {
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    comp[seed] = id;
    while (head < tail) {
      const c = queue[head++];
      const x = c % size;
      const y = Math.floor(c / size);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (!eight && dx !== 0 && dy !== 0)) continue;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= size || yy >= size) continue;
          const q = xx + size * yy;
          if (!comp[q] && inside(q)) {
            comp[q] = id;
            queue[tail++] = q;
          }
        }
      }
    }
    return tail;
  };
  for (let c = 0; c < n; c++) {
    if (!mask[c] || comp[c]) continue;
    const id = next++;
    const s = flood(c, id, (q) => mask[q] === 1, true);
    if (s > bestSize) {
      bestSize = s;
      bestId = id;
    }
  }
  for (let c = 0; c < n; c++) mask[c] = comp[c] === bestId && bestId > 0 ? 1 : 0;
  // Background reachable from the border (4-connected) is outside; everything else is inside.
  comp.fill(0);
  const OUT = 1;
  for (let c = 0; c < n; c++) {
    const x = c % size;
    const y = Math.floor(c / size);
    const border = x === 0 || y === 0 || x === size - 1 || y === size - 1;
    if (border && !mask[c] && !comp[c]) flood(c, OUT, (q) => mask[q] === 0, false);
  }
  for (let c = 0; c < n; c++) if (!mask[c] && comp[c] !== OUT) mask[c] = 1;
}

export function gridCellCount(g: PlaneGrid): number {
  let s = 0;
  for (let c = 0; c < g.mask.length; c++) s += g.mask[c];
  return s;
}

/** Mask centroid in plane coordinates (mm, relative to the grid centre). */
export function gridCentroid(g: PlaneGrid): [number, number] {
  const half = (g.size - 1) / 2;
  let sa = 0;
  let sb = 0;
  let n = 0;
  for (let c = 0; c < g.mask.length; c++) {
    if (!g.mask[c]) continue;
    sa += (c % g.size) - half;
    sb += Math.floor(c / g.size) - half;
    n++;
  }
  return n ? [(sa / n) * g.cellMm, (sb / n) * g.cellMm] : [0, 0];
}

export function gridInside(g: PlaneGrid, u: number, v: number): boolean {
  const half = (g.size - 1) / 2;
  const a = Math.round(u / g.cellMm + half);
  const b = Math.round(v / g.cellMm + half);
  if (a < 0 || b < 0 || a >= g.size || b >= g.size) return false;
  return g.mask[a + g.size * b] === 1;
}
