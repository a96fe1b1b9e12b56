import { AppError, type Warning } from '../../src-shared/errors.js';
import { cross, dot, norm, normalize, sub } from '../../src-shared/volume/affine.js';
import type { Mat3, Vec3, VolumeGeometry } from '../../src-shared/volume/volume.js';
import type { SliceRef } from './group.js';

export interface StackGeometry {
  geometry: VolumeGeometry;
  /** Slices in k order (along the slice normal). */
  ordered: SliceRef[];
  /** Steps between consecutive slices along the normal (mm). */
  steps: number[];
  /** Distance of each slice from the first along the k axis (mm). */
  sliceOffsetsMm: number[];
  /** Each slice's ImagePositionPatient as stored: exact, including gantry-tilt shear. */
  slicePositionsLps: Vec3[];
  tiltDeg: number;
  /** Set when steps differ: the usual step, and how far the mean-spacing grid would misplace slices. */
  uneven: { medianStepMm: number; maxMisplacementMm: number } | null;
  warnings: Warning[];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const ANGLE_TOL_DEG = 0.05;

/**
 * Order slices by position along the slice normal (never by InstanceNumber or file name) and
 * derive the IJK->LPS affine. When the positions do not move along the normal (gantry tilt), the
 * k axis follows the positions, so every voxel still lands where the scanner put it (a sheared
 * grid), and a warning says so.
 */
export function stackGeometry(slices: SliceRef[], label: string): StackGeometry {
  if (slices.length === 0) throw new AppError('DATA', `Series ${label} has no images`);
  const warnings: Warning[] = [];
  const f0 = slices[0]?.header.frames[slices[0].frame];
  const o = f0?.orientation;
  const ps = f0?.pixelSpacing;
  if (!o || !ps) throw new AppError('DATA', `Series ${label} lacks ImageOrientationPatient or PixelSpacing`);
  const row = normalize([o[0], o[1], o[2]]);
  const col = normalize([o[3], o[4], o[5]]);
  const n = normalize(cross(row, col));
  if (norm(n) < 0.5 || Math.abs(dot(row, col)) > 0.01) throw new AppError('DATA', `Series ${label} has an invalid ImageOrientationPatient (${o.join('\\')})`);
  const [rowSpacing, colSpacing] = ps;
  if (!(rowSpacing > 0 && colSpacing > 0 && rowSpacing < 100 && colSpacing < 100)) {
    throw new AppError('DATA', `Series ${label} has an absurd PixelSpacing (${ps.join('\\')} mm)`);
  }

  const withPos = slices.map((s) => {
    const p = s.header.frames[s.frame]?.position;
    if (!p) throw new AppError('DATA', `Slice without ImagePositionPatient in series ${label}`, { file: s.header.file });
    return { s, p: p as Vec3, d: dot(p as Vec3, n) };
  });
  withPos.sort((a, b) => a.d - b.d || (a.s.header.instanceNumber ?? 0) - (b.s.header.instanceNumber ?? 0));

  // Same position twice (repeated phases or duplicates): keep the first, say how many were dropped.
  const unique: typeof withPos = [];
  for (const w of withPos) {
    const prev = unique[unique.length - 1];
    if (prev && Math.abs(w.d - prev.d) < 1e-3 && norm(sub(w.p, prev.p)) < 1e-3) continue;
    unique.push(w);
  }
  if (unique.length < withPos.length) {
    warnings.push({
      code: 'DUPLICATE_POSITIONS',
      message: `${withPos.length - unique.length} of ${withPos.length} images repeat a slice position (several phases or echoes?); the first image at each position is used`,
      details: { dropped: withPos.length - unique.length },
    });
  }

  const steps: number[] = [];
  for (let k = 1; k < unique.length; k++) steps.push((unique[k] as (typeof unique)[0]).d - (unique[k - 1] as (typeof unique)[0]).d);
  const first = (unique[0] as (typeof unique)[0]).p;
  const last = (unique[unique.length - 1] as (typeof unique)[0]).p;

  let kAxis: Vec3 = n;
  let sliceSpacing: number;
  let tiltDeg = 0;
  if (unique.length > 1) {
    const span = sub(last, first);
    const along = dot(span, n);
    const cosA = Math.min(1, Math.abs(along) / norm(span));
    tiltDeg = (Math.acos(cosA) * 180) / Math.PI;
    if (tiltDeg > ANGLE_TOL_DEG) kAxis = normalize(span);
    sliceSpacing = norm(span) / (unique.length - 1);
    if (tiltDeg > ANGLE_TOL_DEG) {
      const hdrTilt = slices[0]?.header.gantryTiltDeg;
      warnings.push({
        code: 'GANTRY_TILT',
        message: `Gantry tilt ${round2(tiltDeg)}° (slices are not stacked along their normal${hdrTilt !== undefined ? `; GantryDetectorTilt ${hdrTilt}°` : ''}); the volume grid is sheared to keep every voxel in place`,
        details: { tiltDeg: round2(tiltDeg), gantryDetectorTiltDeg: hdrTilt },
      });
    }
  } else {
    const t = f0.sliceThickness;
    sliceSpacing = t !== undefined && t > 0 ? t : 1;
    warnings.push({
      code: 'ONE_SLICE',
      message: `Series ${label} has a single slice; slice spacing ${sliceSpacing} mm is taken from ${t !== undefined && t > 0 ? 'SliceThickness' : 'a default'}`,
    });
  }
  if (!(sliceSpacing > 1e-3 && sliceSpacing < 100) || !Number.isFinite(sliceSpacing)) {
    throw new AppError('DATA', `Series ${label} has an absurd slice spacing (${sliceSpacing} mm)`);
  }

  let uneven: StackGeometry['uneven'] = null;
  if (steps.length > 1) {
    const stepAbs = steps.map((s) => (tiltDeg > ANGLE_TOL_DEG ? s / Math.cos((tiltDeg * Math.PI) / 180) : s));
    const sorted = [...stepAbs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    const tol = Math.max(0.01, 0.01 * median);
    if ((sorted[sorted.length - 1] as number) - (sorted[0] as number) > tol) {
      const runs: Array<{ stepMm: number; count: number }> = [];
      for (const s of stepAbs) {
        const r = runs[runs.length - 1];
        if (r && Math.abs(r.stepMm - s) <= tol) r.count++;
        else runs.push({ stepMm: round2(s), count: 1 });
      }
      warnings.push({
        code: 'UNEVEN_SPACING',
        message: `Uneven slice spacing: steps ${runs.map((r) => `${r.stepMm.toFixed(2)} mm ×${r.count}`).join(', ')} (usual step ${median.toFixed(2)} mm)`,
        details: { runs, meanMm: sliceSpacing, medianMm: median, maxMisplacementMm: round2(maxMisplacement(stepAbs, sliceSpacing)) },
      });
      uneven = { medianStepMm: median, maxMisplacementMm: round2(maxMisplacement(stepAbs, sliceSpacing)) };
      const gaps = stepAbs.filter((s) => s > 1.5 * median && Math.abs(s / median - Math.round(s / median)) < 0.1);
      if (gaps.length) {
        warnings.push({
          code: 'MISSING_SLICES',
          message: `About ${gaps.reduce((a, s) => a + Math.round(s / median) - 1, 0)} slice(s) seem missing (gaps of ${gaps.map((g) => g.toFixed(2)).join(', ')} mm where the usual step is ${median.toFixed(2)} mm)`,
        });
      }
    }
  }

  const direction: Mat3 = [...row, ...col, ...kAxis] as Mat3;
  const geometry: VolumeGeometry = {
    dims: [(slices[0] as SliceRef).header.columns, (slices[0] as SliceRef).header.rows, unique.length],
    // PixelSpacing is [row spacing (between rows, along j), column spacing (along i)].
    spacingMm: [colSpacing, rowSpacing, sliceSpacing],
    originLps: first,
    direction,
  };
  const sliceOffsetsMm = unique.map((u) => Math.round(dot(sub(u.p, first), kAxis) * 1e4) / 1e4);
  const slicePositionsLps = unique.map((u) => [...u.p] as Vec3);
  return { geometry, ordered: unique.map((u) => u.s), steps, sliceOffsetsMm, slicePositionsLps, tiltDeg, uneven, warnings };
}

function maxMisplacement(steps: number[], mean: number): number {
  let pos = 0;
  let worst = 0;
  steps.forEach((s, k) => {
    pos += s;
    worst = Math.max(worst, Math.abs(pos - mean * (k + 1)));
  });
  return worst;
}
