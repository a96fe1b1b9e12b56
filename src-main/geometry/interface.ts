import { AppError, type Warning } from '../../src-shared/errors.js';
import { applyMat4, ijkToLpsMatrix } from '../../src-shared/volume/affine.js';
import type { Vec3, Volume } from '../../src-shared/volume/volume.js';
import { boxDims, squaredDistanceTransform, type Box3 } from './edt.js';
import { largestComponents } from './components.js';
import { contactBox, structureStats, surfaceGapMm, type StructureStats } from './structures.js';

export interface InterfaceOptions {
  laLabel: number;
  lvLabel: number;
  /** A voxel of one chamber belongs to the interface when a voxel of the other is this close. */
  toleranceMm: number;
  /** Below this a chamber is "too small" (ml). */
  minVolumeMl: number;
}

export interface InterfaceResult {
  /** LPS mm of interface voxel centres, packed xyz. */
  points: Float64Array;
  /** 0 = the point is an atrial voxel, 1 = a ventricular voxel. */
  side: Uint8Array;
  la: StructureStats;
  lv: StructureStats;
  /** Index box in which the interface was searched. */
  searchBox: Box3;
  rawCount: number;
  droppedAsOutliers: number;
  warnings: Warning[];
}

const STRUCT_NAMES: Record<'la' | 'lv', string> = { la: 'left atrium', lv: 'left ventricle' };

function checkStructure(which: 'la' | 'lv', s: StructureStats, label: number, minVolumeMl: number): void {
  const name = STRUCT_NAMES[which];
  if (s.voxels === 0) {
    throw new AppError('DATA', `The ${name} (label ${label}) is missing from the label volume`, { structure: which, label, voxels: 0 });
  }
  if (s.volumeMl < minVolumeMl) {
    throw new AppError('DATA', `The ${name} (label ${label}) is too small: ${s.volumeMl.toFixed(2)} ml (${s.voxels} voxels), minimum ${minVolumeMl} ml`, {
      structure: which,
      label,
      voxels: s.voxels,
      volumeMl: s.volumeMl,
      minVolumeMl,
    });
  }
}

/**
 * The left atrium / left ventricle contact: atrial voxels within `toleranceMm` of a ventricular
 * voxel and vice versa, searched only where the two dilated bounding boxes overlap (the rest of a
 * 512x512x300 volume is never touched twice), cleaned to its largest connected piece(s).
 */
export function extractInterface(labels: Volume, opts: InterfaceOptions): InterfaceResult {
  const warnings: Warning[] = [];
  const { la, lv, blocks } = structureStats(labels, opts.laLabel, opts.lvLabel);
  checkStructure('la', la, opts.laLabel, opts.minVolumeMl);
  checkStructure('lv', lv, opts.lvLabel, opts.minVolumeMl);
  const [nx, ny] = labels.dims;
  const sp = labels.spacingMm;
  const r = sp.map((s) => Math.ceil(opts.toleranceMm / s)) as Vec3;
  const notTouching = (reason: string): never => {
    const gapMm = surfaceGapMm(labels, opts.laLabel, opts.lvLabel);
    throw new AppError(
      'DATA',
      `The left atrium and left ventricle do not touch: ${reason} (closest distance ≈ ${gapMm.toFixed(1)} mm, tolerance ${opts.toleranceMm} mm)`,
      { structure: 'la-lv', gapMm, toleranceMm: opts.toleranceMm, laVoxels: la.voxels, lvVoxels: lv.voxels },
    );
  };
  const found = contactBox(blocks, r, labels.dims);
  if (!found) notTouching('they never come within the tolerance of each other');
  const searchBox = found as Box3;
  const min = searchBox.min;
  const bd = boxDims(searchBox);
  const [bx, by] = bd;
  const data = labels.data;
  const srcIndex = (b: number): number => {
    const i = b % bx;
    const j = Math.floor(b / bx) % by;
    const k = Math.floor(b / (bx * by));
    return min[0] + i + nx * (min[1] + j + ny * (min[2] + k));
  };
  const nBox = bd[0] * bd[1] * bd[2];
  const boxLabels = new Uint8Array(nBox);
  for (let b = 0; b < nBox; b++) {
    const v = data[srcIndex(b)];
    boxLabels[b] = v === opts.laLabel ? 1 : v === opts.lvLabel ? 2 : 0;
  }
  const d2 = opts.toleranceMm * opts.toleranceMm + 1e-6;
  const toLv = squaredDistanceTransform(bd, sp, (b) => boxLabels[b] === 2);
  const toLa = squaredDistanceTransform(bd, sp, (b) => boxLabels[b] === 1);
  const mask = new Uint8Array(nBox);
  let rawCount = 0;
  for (let b = 0; b < nBox; b++) {
    const l = boxLabels[b];
    if ((l === 1 && toLv[b] <= d2) || (l === 2 && toLa[b] <= d2)) {
      mask[b] = l;
      rawCount++;
    }
  }
  if (rawCount === 0) notTouching('no voxel of one lies within the tolerance of the other');
  const kept = largestComponents(mask, bd, 0.25);
  if (kept.dropped > 0) {
    warnings.push({
      code: 'INTERFACE_PIECES_DROPPED',
      message: `${kept.dropped} of ${rawCount} interface voxels lay in separate small contact patches and were ignored`,
      details: { dropped: kept.dropped, components: kept.componentSizes.slice(0, 10) },
    });
  }
  const m = ijkToLpsMatrix(labels);
  const count = rawCount - kept.dropped;
  const points = new Float64Array(count * 3);
  const side = new Uint8Array(count);
  let t = 0;
  for (let b = 0; b < nBox; b++) {
    if (!kept.keep[b]) continue;
    const i = b % bx;
    const j = Math.floor(b / bx) % by;
    const k = Math.floor(b / (bx * by));
    const p = applyMat4(m, [min[0] + i, min[1] + j, min[2] + k]);
    points[3 * t] = p[0];
    points[3 * t + 1] = p[1];
    points[3 * t + 2] = p[2];
    side[t] = mask[b] === 1 ? 0 : 1;
    t++;
  }
  return { points, side, la, lv, searchBox, rawCount, droppedAsOutliers: kept.dropped, warnings };
}
