import { ijkToLpsMatrix, invertMat4 } from '../../src-shared/volume/affine.js';
import { allocVoxels, geometryOf, voxelCount, voxelTypeOf, type Vec3, type Volume, type VolumeGeometry } from '../../src-shared/volume/volume.js';

export type Interpolation = 'linear' | 'nearest';

/**
 * Sample `src` on the voxel centres of `target` (any orientation). Linear gives Float32 (CT keeps
 * its sub-HU interpolated values); nearest keeps the source type (labels stay labels). A point
 * counts as inside when it lies within the source's voxel extent (half a voxel beyond the outer
 * centres, clamped there); elsewhere the result is `outside`.
 */
export function resampleVolume(src: Volume, target: VolumeGeometry, mode: Interpolation, outside = 0): Volume {
  const inv = invertMat4(ijkToLpsMatrix(src));
  const tm = ijkToLpsMatrix(target);
  // Source index = A + i·Di + j·Dj + k·Dk: one affine, so walk it incrementally.
  const lin = (c: number): Vec3 => [inv[0] * tm[c] + inv[1] * tm[4 + c] + inv[2] * tm[8 + c], inv[4] * tm[c] + inv[5] * tm[4 + c] + inv[6] * tm[8 + c], inv[8] * tm[c] + inv[9] * tm[4 + c] + inv[10] * tm[8 + c]];
  const di = lin(0);
  const dj = lin(1);
  const dk = lin(2);
  const a0: Vec3 = [
    inv[0] * tm[3] + inv[1] * tm[7] + inv[2] * tm[11] + inv[3],
    inv[4] * tm[3] + inv[5] * tm[7] + inv[6] * tm[11] + inv[7],
    inv[8] * tm[3] + inv[9] * tm[7] + inv[10] * tm[11] + inv[11],
  ];
  const [tx, ty, tz] = target.dims;
  const [nx, ny, nz] = src.dims;
  const s = src.data;
  const out = mode === 'linear' ? new Float32Array(voxelCount(target.dims)) : allocVoxels(voxelTypeOf(src.data), voxelCount(target.dims));
  const eps = 1e-6;
  let o = 0;
  for (let k = 0; k < tz; k++) {
    for (let j = 0; j < ty; j++) {
      let x = a0[0] + j * dj[0] + k * dk[0];
      let y = a0[1] + j * dj[1] + k * dk[1];
      let z = a0[2] + j * dj[2] + k * dk[2];
      for (let i = 0; i < tx; i++, o++, x += di[0], y += di[1], z += di[2]) {
        if (x < -0.5 - eps || y < -0.5 - eps || z < -0.5 - eps || x > nx - 0.5 + eps || y > ny - 0.5 + eps || z > nz - 0.5 + eps) {
          out[o] = outside;
          continue;
        }
        const cx = Math.min(Math.max(x, 0), nx - 1);
        const cy = Math.min(Math.max(y, 0), ny - 1);
        const cz = Math.min(Math.max(z, 0), nz - 1);
        if (mode === 'nearest') {
          out[o] = s[Math.round(cx) + nx * (Math.round(cy) + ny * Math.round(cz))];
          continue;
        }
        const x0 = Math.min(Math.floor(cx), nx - 2 < 0 ? 0 : nx - 2);
        const y0 = Math.min(Math.floor(cy), ny - 2 < 0 ? 0 : ny - 2);
        const z0 = Math.min(Math.floor(cz), nz - 2 < 0 ? 0 : nz - 2);
        const fx = nx > 1 ? cx - x0 : 0;
        const fy = ny > 1 ? cy - y0 : 0;
        const fz = nz > 1 ? cz - z0 : 0;
        const sx = nx > 1 ? 1 : 0;
        const sy = ny > 1 ? nx : 0;
        const sz = nz > 1 ? nx * ny : 0;
        const b = x0 + nx * (y0 + ny * z0);
        const c00 = s[b] * (1 - fx) + s[b + sx] * fx;
        const c10 = s[b + sy] * (1 - fx) + s[b + sy + sx] * fx;
        const c01 = s[b + sz] * (1 - fx) + s[b + sz + sx] * fx;
        const c11 = s[b + sz + sy] * (1 - fx) + s[b + sz + sy + sx] * fx;
        out[o] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return { ...geometryOf(target), data: out };
}
