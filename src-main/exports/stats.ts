import { CLASSES } from '../../src-shared/classes.js';
import { ijkToLps } from '../../src-shared/volume/affine.js';
import type { Vec3, Volume } from '../../src-shared/volume/volume.js';

export interface StructureStats {
  id: number;
  key: string;
  name: string;
  voxelCount: number;
  volumeMl: number;
  /** Mean CT value inside the structure (HU for CT), null without CT samples. */
  meanHu: number | null;
  centroidIjk: Vec3;
  centroidLps: Vec3;
}

/** Per-class counts, volumes and mean HU over a label map on the CT's grid. */
export function structureStats(labels: Volume<Uint8Array>, ct: Volume | null): StructureStats[] {
  const [nx, ny, nz] = labels.dims;
  const n = CLASSES.length;
  const count = new Float64Array(n);
  const sumHu = new Float64Array(n);
  const sumI = new Float64Array(n);
  const sumJ = new Float64Array(n);
  const sumK = new Float64Array(n);
  const d = labels.data;
  const v = ct && ct.data.length === d.length ? ct.data : null;
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        const c = d[p]!;
        if (c === 0 || c >= n) continue;
        count[c]!++;
        sumI[c]! += i;
        sumJ[c]! += j;
        sumK[c]! += k;
        if (v) sumHu[c]! += v[p]!;
      }
  const voxelMl = (labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2]) / 1000;
  const out: StructureStats[] = [];
  for (const cls of CLASSES) {
    const c = cls.id;
    if (c === 0 || !count[c]) continue;
    const centroidIjk: Vec3 = [sumI[c]! / count[c]!, sumJ[c]! / count[c]!, sumK[c]! / count[c]!];
    out.push({
      id: c,
      key: cls.key,
      name: cls.name,
      voxelCount: count[c]!,
      volumeMl: count[c]! * voxelMl,
      meanHu: v ? sumHu[c]! / count[c]! : null,
      centroidIjk,
      centroidLps: ijkToLps(labels, centroidIjk),
    });
  }
  return out;
}
