import { axis, cross, dot, ijkToLps, norm, orientationLetter, scale } from '../../../src-shared/volume/affine.js';
import type { Vec3, VolumeGeometry } from '../../../src-shared/volume/volume.js';
import { viewMapping, type ViewKind } from './mpr.js';

/**
 * Where a 2D view's plane lies in the patient: 'patient' cuts true axial/coronal/sagittal planes
 * (a tilted or oblique acquisition is resampled, as a radiologist reads it); 'acquisition' cuts
 * along the voxel grid (the native slices, useful to check what the scanner wrote).
 */
export type SliceSpace = 'patient' | 'acquisition';

/** Patient directions on screen, radiological convention (patient left on the viewer's right). */
const SCREEN: Record<ViewKind, { right: Vec3; down: Vec3 }> = {
  axial: { right: [1, 0, 0], down: [0, 1, 0] },
  coronal: { right: [1, 0, 0], down: [0, 0, -1] },
  sagittal: { right: [0, 1, 0], down: [0, 0, -1] },
};

/**
 * A view's plane family in LPS millimetres: unit screen-right, screen-down and normal (= right x
 * down, pointing away from the viewer), the slice positions along the normal and the volume's
 * extent in the plane. Slice k lies at `dot(p, normal) = firstMm + k * stepMm`.
 */
export interface SliceFrame {
  kind: ViewKind | 'valve';
  space: SliceSpace;
  right: Vec3;
  down: Vec3;
  normal: Vec3;
  stepMm: number;
  firstMm: number;
  count: number;
  /** In-plane extent (voxel edges, not centres), mm along right and down. */
  uMin: number;
  uMax: number;
  vMin: number;
  vMax: number;
  labels: { left: string; right: string; top: string; bottom: string };
}

/** The grid's 8 corners in LPS (voxel centres, or voxel edges with pad 0.5); bit 1 = +i, 2 = +j, 4 = +k. */
export function cornersLps(g: VolumeGeometry, pad: number): Vec3[] {
  const out: Vec3[] = [];
  for (let n = 0; n < 8; n++) {
    const ijk: Vec3 = [n & 1 ? g.dims[0] - 1 + pad : -pad, n & 2 ? g.dims[1] - 1 + pad : -pad, n & 4 ? g.dims[2] - 1 + pad : -pad];
    out.push(ijkToLps(g, ijk));
  }
  return out;
}

const range = (pts: Vec3[], d: Vec3): [number, number] => {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pts) {
    const s = dot(p, d);
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  return [lo, hi];
};

export function sliceFrame(g: VolumeGeometry, kind: ViewKind, space: SliceSpace): SliceFrame {
  let right: Vec3;
  let down: Vec3;
  if (space === 'patient') {
    ({ right, down } = SCREEN[kind]);
  } else {
    const m = viewMapping(g, kind);
    const unit = (v: Vec3) => scale(v, 1 / (norm(v) || 1));
    right = scale(unit(axis(g.direction, m.xAxis)), m.xSign);
    down = scale(unit(axis(g.direction, m.yAxis)), m.ySign);
    // A sheared grid (gantry tilt) has non-orthogonal axes: keep the screen frame orthonormal.
    down = unit(cross(cross(right, down), right));
  }
  const normal = cross(right, down);
  // Slice step: the voxel axis most aligned with the normal, projected on it. On a grid aligned
  // with the view this is the slice spacing, so every shown slice is an acquired slice.
  let best = 0;
  let bestAlign = -1;
  for (const a of [0, 1, 2] as const) {
    const d = axis(g.direction, a);
    const al = Math.abs(dot(d, normal)) / (norm(d) || 1);
    if (al > bestAlign) {
      bestAlign = al;
      best = a;
    }
  }
  const stepMm = g.spacingMm[best] * Math.max(bestAlign, 0.2);
  const centres = cornersLps(g, 0);
  const [nLo, nHi] = range(centres, normal);
  const count = Math.max(1, Math.floor((nHi - nLo) / stepMm + 1e-6) + 1);
  const edges = cornersLps(g, 0.5);
  const [uMin, uMax] = range(edges, right);
  const [vMin, vMax] = range(edges, down);
  return {
    kind,
    space,
    right,
    down,
    normal,
    stepMm,
    firstMm: nLo,
    count,
    uMin,
    uMax,
    vMin,
    vMax,
    labels: {
      right: orientationLetter(right),
      left: orientationLetter(scale(right, -1)),
      bottom: orientationLetter(down),
      top: orientationLetter(scale(down, -1)),
    },
  };
}

/** The fractional slice index of an LPS point. */
export const sliceOf = (f: SliceFrame, lps: Vec3): number => (dot(lps, f.normal) - f.firstMm) / f.stepMm;

export const clampSlice = (f: SliceFrame, k: number): number => Math.min(f.count - 1, Math.max(0, Math.round(k)));

/** Position of slice k along the normal, mm. */
export const slicePosMm = (f: SliceFrame, k: number): number => f.firstMm + k * f.stepMm;

/** Move an LPS point onto slice k, keeping its in-plane position. */
export function ontoSlice(f: SliceFrame, lps: Vec3, k: number): Vec3 {
  const d = slicePosMm(f, k) - dot(lps, f.normal);
  return [lps[0] + f.normal[0] * d, lps[1] + f.normal[1] * d, lps[2] + f.normal[2] * d];
}

export interface ViewTransform {
  zoom: number;
  panX: number;
  panY: number;
}

/** How the plane sits in a canvas: CSS px per mm and the plane point at the canvas centre. */
export interface FramePlacement {
  pxPerMm: number;
  /** Canvas size, CSS px. */
  width: number;
  height: number;
  /** In-plane coordinates (mm along right/down) shown at the canvas centre. */
  uc: number;
  vc: number;
}

/** Fit the volume's in-plane extent into the canvas (true aspect), then zoom and pan. */
export function framePlacement(f: SliceFrame, width: number, height: number, t: ViewTransform): FramePlacement {
  const wMm = Math.max(1e-6, f.uMax - f.uMin);
  const hMm = Math.max(1e-6, f.vMax - f.vMin);
  const pxPerMm = Math.min(width / wMm, height / hMm) * t.zoom;
  return { pxPerMm, width, height, uc: (f.uMin + f.uMax) / 2 - t.panX / pxPerMm, vc: (f.vMin + f.vMax) / 2 - t.panY / pxPerMm };
}

/** LPS -> canvas point (CSS px) and the point's fractional slice index. */
export function lpsToCanvas(f: SliceFrame, p: FramePlacement, lps: Vec3): { x: number; y: number; slice: number } {
  return {
    x: p.width / 2 + (dot(lps, f.right) - p.uc) * p.pxPerMm,
    y: p.height / 2 + (dot(lps, f.down) - p.vc) * p.pxPerMm,
    slice: sliceOf(f, lps),
  };
}

/** Canvas point (CSS px) on slice k -> LPS. */
export function canvasToLps(f: SliceFrame, p: FramePlacement, x: number, y: number, k: number): Vec3 {
  const u = p.uc + (x - p.width / 2) / p.pxPerMm;
  const v = p.vc + (y - p.height / 2) / p.pxPerMm;
  const n = slicePosMm(f, k);
  return [
    f.right[0] * u + f.down[0] * v + f.normal[0] * n,
    f.right[1] * u + f.down[1] * v + f.normal[1] * n,
    f.right[2] * u + f.down[2] * v + f.normal[2] * n,
  ];
}

/**
 * The parallel-projection camera that shows slice k exactly as lpsToCanvas maps it: looking along
 * the normal from in front of the plane, screen-up = -down, half the canvas height in mm as scale.
 */
export function frameCamera(f: SliceFrame, p: FramePlacement, k: number, distanceMm = 1000): { focal: Vec3; position: Vec3; viewUp: Vec3; parallelScale: number } {
  const focal = canvasToLps(f, p, p.width / 2, p.height / 2, k);
  return {
    focal,
    position: [focal[0] - f.normal[0] * distanceMm, focal[1] - f.normal[1] * distanceMm, focal[2] - f.normal[2] * distanceMm],
    viewUp: scale(f.down, -1),
    parallelScale: p.height / 2 / p.pxPerMm,
  };
}

/**
 * How far the voxel grid is from the patient axes, degrees: the largest angle between a voxel
 * axis and its nearest patient axis (0 for an axial scan; gantry tilt or an oblique scan > 0).
 */
export function obliquityDeg(g: VolumeGeometry): number {
  let worst = 0;
  for (const a of [0, 1, 2] as const) {
    const d = axis(g.direction, a);
    const n = norm(d) || 1;
    const c = Math.max(Math.abs(d[0]), Math.abs(d[1]), Math.abs(d[2])) / n;
    worst = Math.max(worst, (Math.acos(Math.min(1, c)) * 180) / Math.PI);
  }
  return worst;
}

/** Keep a fractional voxel index inside the grid. */
export function clampIjk(dims: Vec3, ijk: Vec3): Vec3 {
  const c = (a: 0 | 1 | 2) => Math.min(dims[a] - 1, Math.max(0, ijk[a]));
  return [c(0), c(1), c(2)];
}

/**
 * A single oblique plane, e.g. the mitral valve plane: screen-right and screen-down are given
 * (orthonormal), the plane passes through `centre` (+ offsetMm along the normal), and the
 * in-plane extent is width x height mm around the centre.
 */
export function planeFrame(centre: Vec3, right: Vec3, down: Vec3, widthMm: number, heightMm: number, offsetMm = 0): SliceFrame {
  const normal = cross(right, down);
  const u = dot(centre, right);
  const v = dot(centre, down);
  return {
    kind: 'valve',
    space: 'patient',
    right,
    down,
    normal,
    stepMm: 1,
    firstMm: dot(centre, normal) + offsetMm,
    count: 1,
    uMin: u - widthMm / 2,
    uMax: u + widthMm / 2,
    vMin: v - heightMm / 2,
    vMax: v + heightMm / 2,
    labels: {
      right: orientationLetter(right),
      left: orientationLetter(scale(right, -1)),
      bottom: orientationLetter(down),
      top: orientationLetter(scale(down, -1)),
    },
  };
}
