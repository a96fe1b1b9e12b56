import type { ExportRoi } from '../../src-shared/contract/exports.contract.js';
import { AppError } from '../../src-shared/errors.js';
import { add, ijkToLps, lpsToIjk, scale } from '../../src-shared/volume/affine.js';
import { allocVoxels, voxelTypeOf, type Vec3, type Volume, type VoxelArray } from '../../src-shared/volume/volume.js';

/**
 * The mitral ROI is an oriented box; its exports crop the CT and labels to the voxel-aligned box
 * that contains it, so voxels are copied exactly (no interpolation) and the cropped NIfTI lines
 * up with the full one in world coordinates.
 */
export interface CropBounds {
  lo: Vec3;
  hi: Vec3;
}

export const roiAxis = (roi: ExportRoi, a: 0 | 1 | 2): Vec3 => [roi.box.axes[3 * a]!, roi.box.axes[3 * a + 1]!, roi.box.axes[3 * a + 2]!];

export function roiCorners(roi: ExportRoi): Vec3[] {
  const out: Vec3[] = [];
  const [sx, sy, sz] = roi.box.sizeMm;
  for (const a of [-0.5, 0.5])
    for (const b of [-0.5, 0.5])
      for (const c of [-0.5, 0.5]) out.push(add(roi.box.centreLps, add(scale(roiAxis(roi, 0), a * sx), add(scale(roiAxis(roi, 1), b * sy), scale(roiAxis(roi, 2), c * sz)))));
  return out;
}

/** The annulus contour points (LPS) when the geometry module supplied them. */
export function annulusContour(roi: ExportRoi): Vec3[] {
  const c = roi.annulus?.contourLps;
  if (!Array.isArray(c)) return [];
  return c.filter((p): p is Vec3 => Array.isArray(p) && p.length === 3 && p.every((x) => typeof x === 'number' && Number.isFinite(x)));
}

/** Numeric annulus fields (area, perimeter, diameters, angles) for reports. */
export function roiMeasurements(roi: ExportRoi): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(roi.annulus ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

export function roiCropBounds(grid: Volume, roi: ExportRoi): CropBounds {
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of roiCorners(roi)) {
    const ijk = lpsToIjk(grid, p);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, Math.floor(ijk[a]!));
      hi[a] = Math.max(hi[a]!, Math.ceil(ijk[a]!));
    }
  }
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(0, lo[a]!);
    hi[a] = Math.min(grid.dims[a]! - 1, hi[a]!);
    if (hi[a]! < lo[a]!) throw new AppError('DATA', 'The ROI lies outside the CT volume', { lo, hi });
  }
  return { lo, hi };
}

export function cropVolume<T extends VoxelArray>(v: Volume<T>, b: CropBounds): Volume<T> {
  const dims: Vec3 = [b.hi[0] - b.lo[0] + 1, b.hi[1] - b.lo[1] + 1, b.hi[2] - b.lo[2] + 1];
  const data = allocVoxels(voxelTypeOf(v.data), dims[0] * dims[1] * dims[2]) as T;
  const [nx, ny] = v.dims;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) {
      const src = b.lo[0] + nx * (b.lo[1] + j + ny * (b.lo[2] + k));
      data.set(v.data.subarray(src, src + dims[0]) as never, dims[0] * (j + dims[1] * k));
    }
  return { dims, spacingMm: [...v.spacingMm], originLps: ijkToLps(v, b.lo), direction: [...v.direction], data };
}

/** roi.json: the box, the crop it produced, the measurements and whatever else detection gave. */
export function roiDocument(roi: ExportRoi, b: CropBounds, grid: Volume): Record<string, unknown> {
  const { box, annulus, ...rest } = roi;
  return {
    frame: 'LPS',
    units: 'mm',
    centreLps: box.centreLps,
    axes: { x: roiAxis(roi, 0), y: roiAxis(roi, 1), normal: roiAxis(roi, 2) },
    sizeMm: box.sizeMm,
    corners: roiCorners(roi),
    measurements: roiMeasurements(roi),
    crop: { loIjk: b.lo, hiIjk: b.hi, originLps: ijkToLps(grid, b.lo), dims: [b.hi[0] - b.lo[0] + 1, b.hi[1] - b.lo[1] + 1, b.hi[2] - b.lo[2] + 1] },
    box,
    ...(annulus ? { annulus } : {}),
    ...rest,
  };
}
