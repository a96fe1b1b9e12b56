import { axis, dot, orientationLetter, scale } from '../../../src-shared/volume/affine.js';
import type { Vec3, VolumeGeometry } from '../../../src-shared/volume/volume.js';

export type ViewKind = 'axial' | 'coronal' | 'sagittal';
export const VIEW_KINDS: readonly ViewKind[] = ['axial', 'coronal', 'sagittal'];

/**
 * Where each patient direction should point on screen (radiological convention): patient left on
 * the viewer's right, anterior up in axial, superior up in coronal/sagittal, anterior left in
 * sagittal. Vectors are LPS.
 */
const SCREEN: Record<ViewKind, { right: Vec3; down: Vec3; normal: Vec3 }> = {
  axial: { right: [1, 0, 0], down: [0, 1, 0], normal: [0, 0, 1] },
  coronal: { right: [1, 0, 0], down: [0, 0, -1], normal: [0, 1, 0] },
  sagittal: { right: [0, 1, 0], down: [0, 0, -1], normal: [1, 0, 0] },
};

/** How a view walks the voxel grid: which voxel axis runs along screen x / y / through the slice. */
export interface ViewMapping {
  kind: ViewKind;
  xAxis: 0 | 1 | 2;
  yAxis: 0 | 1 | 2;
  zAxis: 0 | 1 | 2;
  /** +1: voxel index grows to the right / downwards; -1: the axis is flipped on screen. */
  xSign: 1 | -1;
  ySign: 1 | -1;
  width: number;
  height: number;
  depth: number;
  /** Millimetres per image pixel along x and y (for the aspect ratio and measurements). */
  pixelMmX: number;
  pixelMmY: number;
  /** Orientation letters at the four edges, from the volume's actual direction cosines. */
  labels: { left: string; right: string; top: string; bottom: string };
}

const PERMS: [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2][] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/**
 * Assign voxel axes to L, P, S: the permutation that best aligns them (handles coronal or
 * sagittal acquisitions and flipped axes; oblique data gets the nearest axis and its true labels).
 */
function voxelAxisFor(g: VolumeGeometry): [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2] {
  const lps: Vec3[] = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  let best = PERMS[0] as [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2];
  let bestScore = -1;
  for (const p of PERMS) {
    const s = p.reduce<number>((acc, a, patientAxis) => acc + Math.abs(dot(axis(g.direction, a), lps[patientAxis] as Vec3)), 0);
    if (s > bestScore) {
      bestScore = s;
      best = p;
    }
  }
  return best;
}

function pickAxis(g: VolumeGeometry, perm: [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2], want: Vec3): { a: 0 | 1 | 2; sign: 1 | -1 } {
  const patientAxis = want[0] !== 0 ? 0 : want[1] !== 0 ? 1 : 2;
  const a = perm[patientAxis] as 0 | 1 | 2;
  const s = dot(axis(g.direction, a), want);
  return { a, sign: s >= 0 ? 1 : -1 };
}

export function viewMapping(g: VolumeGeometry, kind: ViewKind): ViewMapping {
  const perm = voxelAxisFor(g);
  const want = SCREEN[kind];
  const x = pickAxis(g, perm, want.right);
  const y = pickAxis(g, perm, want.down);
  const z = pickAxis(g, perm, want.normal);
  const rightVec = scale(axis(g.direction, x.a), x.sign);
  const downVec = scale(axis(g.direction, y.a), y.sign);
  return {
    kind,
    xAxis: x.a,
    yAxis: y.a,
    zAxis: z.a,
    xSign: x.sign,
    ySign: y.sign,
    width: g.dims[x.a],
    height: g.dims[y.a],
    depth: g.dims[z.a],
    pixelMmX: g.spacingMm[x.a],
    pixelMmY: g.spacingMm[y.a],
    labels: {
      right: orientationLetter(rightVec),
      left: orientationLetter(scale(rightVec, -1)),
      bottom: orientationLetter(downVec),
      top: orientationLetter(scale(downVec, -1)),
    },
  };
}

export interface WindowLevel {
  center: number;
  width: number;
}

export const PRESETS: readonly { key: string; name: string; wl: WindowLevel }[] = [
  { key: 'cardiac', name: 'Cardiac CTA', wl: { center: 300, width: 800 } },
  { key: 'soft', name: 'Soft tissue', wl: { center: 40, width: 400 } },
  { key: 'lung', name: 'Lung', wl: { center: -600, width: 1500 } },
  { key: 'bone', name: 'Bone', wl: { center: 500, width: 2000 } },
];

export interface OverlayStyle {
  /** RGB per class id (index = class id). */
  colours: readonly (readonly [number, number, number])[];
  /** 0..1 per class id; 0 hides the class. */
  opacity: readonly number[];
}
