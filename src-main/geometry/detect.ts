import { AppError, type Warning } from '../../src-shared/errors.js';
import { add, dot, normalize, scale, sub } from '../../src-shared/volume/affine.js';
import type { Vec3, Volume } from '../../src-shared/volume/volume.js';
import { chordThroughCentre, measureContour, polarContour } from './contour.js';
import { extractInterface } from './interface.js';
import { centroidOf } from './linalg.js';
import { gridCellCount, gridCentroid, orificeMask } from './orifice.js';
import { fitPlaneRobust } from './plane.js';
import { orthonormalAxes, type RoiBox } from './roi-box.js';
import { labelPoints, principalAxis } from './structures.js';

export interface DetectOptions {
  laLabel: number;
  lvLabel: number;
  /** Aorta label: gives the septal-lateral direction (the aortic-mitral continuity is septal). */
  aortaLabel: number | null;
  toleranceMm: number;
  minVolumeMl: number;
  marginMm: number;
  /** ROI voxel size; default the finest source spacing (isotropic). */
  roiSpacingMm?: number;
  contourPoints: number;
}

export const DEFAULT_DETECT: DetectOptions = { laLabel: 2, lvLabel: 3, aortaLabel: 1, toleranceMm: 3, minVolumeMl: 0.5, marginMm: 10, contourPoints: 360 };

export interface Annulus {
  centreLps: Vec3;
  /** Unit normal of the annulus plane, pointing from the atrium into the ventricle. */
  normalLps: Vec3;
  /** RMS distance of the interface inliers to the plane (mm). */
  planeRmsMm: number;
  contourLps: Vec3[];
  areaMm2: number;
  /** Area of the plane's cut through the voxels (cell count); the contour area smooths it. */
  orificeAreaMm2: number;
  perimeterMm: number;
  maxDiameterMm: number;
  maxDiameterDirLps: Vec3;
  minDiameterMm: number;
  minDiameterDirLps: Vec3;
  /** Chords through the centre; null when no aorta is labelled to tell septal from lateral. */
  septalLateralMm: number | null;
  septalLateralDirLps: Vec3 | null;
  commissuralMm: number | null;
  commissuralDirLps: Vec3 | null;
  /** LV principal axis, oriented base -> apex; null when the LV is too small to have one. */
  lvLongAxisLps: Vec3 | null;
  /** Angle between the plane normal and the LV long axis (degrees, 0..90). */
  angleToLvLongAxisDeg: number | null;
}

export interface MitralDetection {
  annulus: Annulus;
  box: RoiBox;
  interface: { searchVoxels: number; points: number; rawPoints: number; droppedAsOutliers: number; inliers: number; laVoxels: number; lvVoxels: number; laVolumeMl: number; lvVolumeMl: number };
  warnings: Warning[];
  timingsMs: Record<string, number>;
}

/** Find the mitral annulus between LA and LV, measure it, and propose an ROI box. Pure. */
export function detectMitralValve(labels: Volume, options: Partial<DetectOptions> = {}): MitralDetection {
  const requested: DetectOptions = { ...DEFAULT_DETECT, ...options };
  const maxSp = Math.max(...labels.spacingMm);
  // Voxels that share a face always touch, however thick the slices.
  const o: DetectOptions = { ...requested, toleranceMm: Math.max(requested.toleranceMm, maxSp) };
  const t0 = performance.now();
  const iface = extractInterface(labels, o);
  const t1 = performance.now();
  const warnings: Warning[] = [...iface.warnings];
  if (o.toleranceMm > requested.toleranceMm) {
    warnings.push({ code: 'TOLERANCE_RAISED', message: `Contact tolerance raised from ${requested.toleranceMm} to ${o.toleranceMm} mm (the coarsest voxel spacing)` });
  }
  const fit = fitPlaneRobust(iface.points, { thresholdMm: o.toleranceMm + maxSp });
  // Orient atrium -> ventricle with the two sides of the contact.
  const laIdx: number[] = [];
  const lvIdx: number[] = [];
  for (const i of fit.inliers) (iface.side[i] === 0 ? laIdx : lvIdx).push(i);
  const towardLv = sub(centroidOf(iface.points, lvIdx), centroidOf(iface.points, laIdx));
  const normal = dot(towardLv, fit.normal) >= 0 ? fit.normal : scale(fit.normal, -1);
  const e1 = orthonormalAxes(Math.abs(normal[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0], normal);
  const u: Vec3 = [e1[0], e1[1], e1[2]];
  const v: Vec3 = [e1[3], e1[4], e1[5]];
  let reach = 0;
  for (const i of fit.inliers) {
    const d = sub([iface.points[3 * i], iface.points[3 * i + 1], iface.points[3 * i + 2]], fit.centroid);
    reach = Math.max(reach, Math.hypot(dot(d, u), dot(d, v)));
  }
  const grid = orificeMask(labels, { centre: fit.centroid, e1: u, e2: v, normal }, { laLabel: o.laLabel, lvLabel: o.lvLabel, toleranceMm: o.toleranceMm, halfExtentMm: reach + 2 * maxSp + o.toleranceMm });
  const t2 = performance.now();
  const cells = gridCellCount(grid);
  if (cells === 0) {
    throw new AppError('DATA', 'The left atrium and left ventricle touch, but their contact forms no opening on its fitted plane', {
      structure: 'la-lv',
      contactVoxels: iface.points.length / 3,
      planeRmsMm: fit.rmsMm,
    });
  }
  const [cu, cv] = gridCentroid(grid);
  const contour = polarContour(grid, [cu, cv], o.contourPoints, 2 * maxSp);
  const m = measureContour(contour);
  const toLps = (a: number, b: number): Vec3 => add(fit.centroid, add(scale(u, a), scale(v, b)));
  const dirLps = (d: [number, number]): Vec3 => normalize(add(scale(u, d[0]), scale(v, d[1])));
  const centre = toLps(cu, cv);
  if (cells * grid.cellMm ** 2 < 4 * maxSp * maxSp) {
    warnings.push({ code: 'ANNULUS_TINY', message: `The LA-LV contact seen on the fitted plane covers only ${(cells * grid.cellMm ** 2).toFixed(1)} mm²` });
  }

  // Septal-lateral: towards the aortic root, which sits against the anterior (septal) annulus.
  let sl: Vec3 | null = null;
  if (o.aortaLabel !== null) {
    const ao = labelPoints(labels, o.aortaLabel, 20000, { centre, radiusMm: Math.max(40, 2 * m.maxDiameterMm) });
    if (ao.length >= 90) {
      // The aortic root (the aorta nearest the annulus), not the whole vessel: the ascending
      // aorta climbs away and would tilt the direction.
      const n = ao.length / 3;
      const dist = Float64Array.from({ length: n }, (_, i) => Math.hypot(ao[3 * i] - centre[0], ao[3 * i + 1] - centre[1], ao[3 * i + 2] - centre[2]));
      const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => dist[x] - dist[y]);
      const root = order.subarray(0, Math.max(30, Math.floor(n / 5)));
      const d = sub(centroidOf(ao, root), centre);
      const inPlane = sub(d, scale(normal, dot(d, normal)));
      if (Math.hypot(...inPlane) > 2) sl = normalize(inPlane);
    }
  }
  if (sl === null) warnings.push({ code: 'NO_SEPTAL_REFERENCE', message: 'No aorta near the valve: septal-lateral and commissural diameters are not defined (max/min diameters are)' });
  const slDir2: [number, number] | null = sl ? [dot(sl, u), dot(sl, v)] : null;
  const ccDir2: [number, number] | null = slDir2 ? [-slDir2[1], slDir2[0]] : null;

  const lvPts = labelPoints(labels, o.lvLabel, 60000, undefined, iface.lv.box);
  const pa = principalAxis(lvPts);
  let lvAxis: Vec3 | null = null;
  let angle: number | null = null;
  if (pa && pa.eigenvalues[2] > 1.2 * pa.eigenvalues[1]) {
    lvAxis = dot(pa.axis, sub(pa.centroid, centre)) >= 0 ? pa.axis : scale(pa.axis, -1);
    angle = (Math.acos(Math.min(1, Math.abs(dot(lvAxis, normal)))) * 180) / Math.PI;
  } else {
    warnings.push({ code: 'NO_LV_LONG_AXIS', message: 'The left ventricle has no dominant long axis (too round or too small): angle not measured' });
  }

  const contourLps: Vec3[] = [];
  for (let k = 0; k < contour.uv.length / 2; k++) contourLps.push(toLps(contour.uv[2 * k], contour.uv[2 * k + 1]));
  const boxX = ccDir2 ? dirLps(ccDir2) : dirLps(m.maxDiameterDir);
  const axes = orthonormalAxes(boxX, normal);
  const bx: Vec3 = [axes[0], axes[1], axes[2]];
  const by: Vec3 = [axes[3], axes[4], axes[5]];
  let ex = 0;
  let ey = 0;
  for (const p of contourLps) {
    ex = Math.max(ex, Math.abs(dot(sub(p, centre), bx)));
    ey = Math.max(ey, Math.abs(dot(sub(p, centre), by)));
  }
  const roiSp = o.roiSpacingMm ?? Math.max(0.2, Math.min(...labels.spacingMm));
  // Leaflets and chords hang into the ventricle roughly as deep as the annulus is wide.
  const depth = 0.75 * m.maxDiameterMm + 2 * o.marginMm;
  const box: RoiBox = { centreLps: centre, axes: orthonormalAxes(bx, normal), sizeMm: [2 * (ex + o.marginMm), 2 * (ey + o.marginMm), depth], spacingMm: [roiSp, roiSp, roiSp] };
  const t3 = performance.now();
  return {
    annulus: {
      centreLps: centre,
      normalLps: normal,
      planeRmsMm: fit.rmsMm,
      contourLps,
      areaMm2: m.areaMm2,
      orificeAreaMm2: cells * grid.cellMm ** 2,
      perimeterMm: m.perimeterMm,
      maxDiameterMm: m.maxDiameterMm,
      maxDiameterDirLps: dirLps(m.maxDiameterDir),
      minDiameterMm: m.minDiameterMm,
      minDiameterDirLps: dirLps(m.minDiameterDir),
      septalLateralMm: slDir2 ? chordThroughCentre(contour, slDir2) : null,
      septalLateralDirLps: sl,
      commissuralMm: ccDir2 ? chordThroughCentre(contour, ccDir2) : null,
      commissuralDirLps: ccDir2 ? dirLps(ccDir2) : null,
      lvLongAxisLps: lvAxis,
      angleToLvLongAxisDeg: angle,
    },
    box,
    interface: {
      searchVoxels: iface.searchBox.max.reduce((acc, hi, a) => acc * (hi - iface.searchBox.min[a] + 1), 1),
      points: iface.points.length / 3,
      rawPoints: iface.rawCount,
      droppedAsOutliers: iface.droppedAsOutliers + (iface.points.length / 3 - fit.inliers.length),
      inliers: fit.inliers.length,
      laVoxels: iface.la.voxels,
      lvVoxels: iface.lv.voxels,
      laVolumeMl: iface.la.volumeMl,
      lvVolumeMl: iface.lv.volumeMl,
    },
    warnings,
    timingsMs: { interface: t1 - t0, planeAndOrifice: t2 - t1, measure: t3 - t2, total: t3 - t0 },
  };
}
