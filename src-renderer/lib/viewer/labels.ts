import { applyMat4, ijkToLpsMatrix, invertMat4, mulMat4 } from '../../../src-shared/volume/affine.js';
import type { Volume, VolumeGeometry } from '../../../src-shared/volume/volume.js';

export function sameGrid(a: VolumeGeometry, b: VolumeGeometry, tolMm = 1e-3): boolean {
  if (a.dims.some((d, i) => d !== b.dims[i])) return false;
  const ma = ijkToLpsMatrix(a);
  const mb = ijkToLpsMatrix(b);
  return ma.every((v, i) => Math.abs(v - (mb[i] as number)) < tolMm);
}

/** Labels from another grid onto `target`'s grid: nearest neighbour, so no class is invented. */
export function resampleLabelsNearest(labels: Volume, target: VolumeGeometry): Uint8Array {
  const m = mulMat4(invertMat4(ijkToLpsMatrix(labels)), ijkToLpsMatrix(target));
  const [nx, ny, nz] = target.dims;
  const [lx, ly, lz] = labels.dims;
  const out = new Uint8Array(nx * ny * nz);
  const src = labels.data;
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const p0 = applyMat4(m, [0, j, k]);
      const p1 = applyMat4(m, [1, j, k]);
      const d = [p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]];
      for (let i = 0; i < nx; i++, o++) {
        const x = Math.round(p0[0] + d[0]! * i);
        const y = Math.round(p0[1] + d[1]! * i);
        const z = Math.round(p0[2] + d[2]! * i);
        if (x >= 0 && y >= 0 && z >= 0 && x < lx && y < ly && z < lz) out[o] = src[x + lx * (y + ly * z)] as number;
      }
    }
  }
  return out;
}
