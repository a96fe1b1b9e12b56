import type { Vec3 } from '../../../src-shared/volume/volume.js';
import { ijkToPixel, pixelToIjk, type ViewMapping } from './mpr.js';

export interface Placement {
  /** Canvas pixels per image pixel along x and y (differs when spacing is anisotropic). */
  sx: number;
  sy: number;
  /** Canvas position of the image's top-left corner. */
  ox: number;
  oy: number;
}

/** Fit the slice into the canvas with its physical aspect, then apply zoom and pan. */
export function placement(m: ViewMapping, cw: number, ch: number, zoom: number, panX: number, panY: number): Placement {
  const wMm = m.width * m.pixelMmX;
  const hMm = m.height * m.pixelMmY;
  const s = Math.min(cw / wMm, ch / hMm) * zoom;
  const sx = s * m.pixelMmX;
  const sy = s * m.pixelMmY;
  return { sx, sy, ox: cw / 2 + panX - (m.width * sx) / 2, oy: ch / 2 + panY - (m.height * sy) / 2 };
}

/** Fractional voxel index -> canvas point (voxel centres fall on pixel centres). */
export function ijkToCanvas(m: ViewMapping, p: Placement, ijk: Vec3): { x: number; y: number; slice: number } {
  const { u, v, slice } = ijkToPixel(m, ijk);
  return { x: p.ox + (u + 0.5) * p.sx, y: p.oy + (v + 0.5) * p.sy, slice };
}

/** Canvas point on slice `slice` -> fractional voxel index. */
export function canvasToIjk(m: ViewMapping, p: Placement, x: number, y: number, slice: number): Vec3 {
  return pixelToIjk(m, (x - p.ox) / p.sx - 0.5, (y - p.oy) / p.sy - 0.5, slice);
}

export function clampIjk(dims: Vec3, ijk: Vec3): Vec3 {
  const c = (a: 0 | 1 | 2) => Math.min(dims[a] - 1, Math.max(0, ijk[a]));
  return [c(0), c(1), c(2)];
}
