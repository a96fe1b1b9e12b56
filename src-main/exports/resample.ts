import { AppError, type Warning } from '../../src-shared/errors.js';
import { applyMat4, ijkToLpsMatrix, invertMat4, mulMat4 } from '../../src-shared/volume/affine.js';
import { emptyLike, geometryOf, type Vec3, type Volume, type VolumeGeometry } from '../../src-shared/volume/volume.js';

/**
 * Put a label map on the CT's voxel grid. A label map written by another tool (dcm2niix-style
 * NIfTI with flipped rows, a different slice order) usually differs from the CT grid only by axis
 * flips/permutations; nearest-neighbour sampling through the two affines makes that exact, and
 * anything else is resampled with a warning.
 */
export function labelsOnGrid(labels: Volume, grid: VolumeGeometry): { labels: Volume<Uint8Array>; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const m = mulMat4(invertMat4(ijkToLpsMatrix(labels)), ijkToLpsMatrix(grid));
  const src = labels.data;
  let max = 0;
  for (let i = 0; i < src.length; i++) if (src[i] > max) max = src[i];
  if (max > 255 || !(src instanceof Uint8Array || src instanceof Int16Array || src instanceof Uint16Array || src instanceof Int32Array)) {
    warnings.push({ code: 'LABEL_TYPE', message: 'Label map values were cast to 8-bit class ids' });
  }
  // Grid-exact when every matrix entry is an integer (within 1e-3 voxel) and each row has one ±1.
  let exact = true;
  for (let r = 0; r < 3; r++) {
    let ones = 0;
    for (let c = 0; c < 4; c++) {
      const v = m[r * 4 + c] as number;
      if (Math.abs(v - Math.round(v)) > 1e-3) exact = false;
      if (c < 3 && Math.abs(Math.abs(v) - 1) < 1e-3) ones++;
    }
    if (ones !== 1) exact = false;
  }
  const sameDims = labels.dims.every((d, i) => d === grid.dims[i]);
  if (exact && sameDims && m.every((v, i) => Math.abs(v - [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1][i]!) < 1e-3) && src instanceof Uint8Array) {
    return { labels: emptyLike(grid, src), warnings };
  }
  if (!exact) warnings.push({ code: 'LABELS_RESAMPLED', message: 'Label map grid differs from the CT grid; resampled (nearest neighbour)' });
  const [nx, ny, nz] = grid.dims;
  const [lx, ly, lz] = labels.dims;
  const out = new Uint8Array(nx * ny * nz);
  let outside = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const p0 = applyMat4(m, [0, j, k] as Vec3);
      for (let i = 0; i < nx; i++) {
        const x = Math.round(p0[0] + m[0]! * i);
        const y = Math.round(p0[1] + m[4]! * i);
        const z = Math.round(p0[2] + m[8]! * i);
        if (x < 0 || y < 0 || z < 0 || x >= lx || y >= ly || z >= lz) {
          outside++;
          continue;
        }
        const v = src[x + lx * (y + ly * z)] as number;
        out[i + nx * (j + ny * k)] = v > 255 ? 0 : v;
      }
    }
  }
  // Not a warning: exporting empty files for a label map of another patient/series helps no one.
  if (outside === out.length) throw new AppError('DATA', 'The label map does not overlap the CT (different series?)', { labelsDims: labels.dims, ctDims: grid.dims });
  return { labels: { ...geometryOf(grid), data: out }, warnings };
}
