import { axis, dot, ijkToLps, lpsToIjk, orientationLetter, scale } from '../../../src-shared/volume/affine.js';
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

/** Image pixel (column u, row v) of slice `slice` -> voxel index. */
export function pixelToIjk(m: ViewMapping, u: number, v: number, slice: number): Vec3 {
  const ijk: Vec3 = [0, 0, 0];
  ijk[m.xAxis] = m.xSign > 0 ? u : m.width - 1 - u;
  ijk[m.yAxis] = m.ySign > 0 ? v : m.height - 1 - v;
  ijk[m.zAxis] = slice;
  return ijk;
}

/** Voxel index -> image pixel (u, v) and the slice it lies on. */
export function ijkToPixel(m: ViewMapping, ijk: Vec3): { u: number; v: number; slice: number } {
  const i = ijk[m.xAxis];
  const j = ijk[m.yAxis];
  return { u: m.xSign > 0 ? i : m.width - 1 - i, v: m.ySign > 0 ? j : m.height - 1 - j, slice: ijk[m.zAxis] };
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

export interface SliceSources {
  geometry: VolumeGeometry;
  ct: ArrayLike<number>;
  labels?: Uint8Array | undefined;
  overlay?: OverlayStyle | undefined;
  /** Per-voxel confidence 0..1; drawn as a heat tint where it is below `confidenceBelow`. */
  confidence?: Float32Array | undefined;
  confidenceBelow?: number | undefined;
}

/**
 * Render one slice as RGBA (width x height of the view mapping): grey CT through the window,
 * then class colours alpha-blended. Pure and synchronous: a 512x512 slice takes a few ms.
 */
export function renderSlice(src: SliceSources, m: ViewMapping, slice: number, wl: WindowLevel, out: Uint8ClampedArray): void {
  const [nx, ny] = src.geometry.dims;
  const lo = wl.center - wl.width / 2;
  const k = 255 / Math.max(1, wl.width);
  const strides: Vec3 = [1, nx, nx * ny];
  const sx = strides[m.xAxis] * m.xSign;
  const sy = strides[m.yAxis] * m.ySign;
  const base = slice * strides[m.zAxis] + (m.xSign > 0 ? 0 : (m.width - 1) * strides[m.xAxis]) + (m.ySign > 0 ? 0 : (m.height - 1) * strides[m.yAxis]);
  const { labels, overlay, confidence } = src;
  const confBelow = src.confidenceBelow ?? 0;
  let o = 0;
  for (let v = 0; v < m.height; v++) {
    let idx = base + v * sy;
    for (let u = 0; u < m.width; u++, idx += sx, o += 4) {
      const g = ((src.ct[idx] as number) - lo) * k;
      let r = g;
      let gg = g;
      let b = g;
      if (labels && overlay) {
        const c = labels[idx] as number;
        if (c > 0) {
          const a = overlay.opacity[c] ?? 0;
          const col = overlay.colours[c];
          if (a > 0 && col) {
            r = r * (1 - a) + col[0] * a;
            gg = gg * (1 - a) + col[1] * a;
            b = b * (1 - a) + col[2] * a;
          }
        }
      }
      if (confidence && confBelow > 0) {
        const q = confidence[idx] as number;
        if (q < confBelow) {
          const a = 0.6 * (1 - q / confBelow);
          r = r * (1 - a) + 255 * a;
          gg = gg * (1 - a) + 64 * a;
          b = b * (1 - a) + 255 * a;
        }
      }
      out[o] = r;
      out[o + 1] = gg;
      out[o + 2] = b;
      out[o + 3] = 255;
    }
  }
}

/** Distance in mm between two (fractional) voxel positions, honouring spacing and direction. */
export function distanceMm(g: VolumeGeometry, a: Vec3, b: Vec3): number {
  const pa = ijkToLps(g, a);
  const pb = ijkToLps(g, b);
  return Math.hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]);
}

/** Trilinear sample of the CT at an LPS point; NaN outside the volume. */
export function sampleLps(g: VolumeGeometry, data: ArrayLike<number>, p: Vec3): number {
  const [x, y, z] = lpsToIjk(g, p);
  const [nx, ny, nz] = g.dims;
  if (x < 0 || y < 0 || z < 0 || x > nx - 1 || y > ny - 1 || z > nz - 1) return Number.NaN;
  const x0 = Math.min(Math.floor(x), nx - 2 < 0 ? 0 : nx - 2);
  const y0 = Math.min(Math.floor(y), ny - 2 < 0 ? 0 : ny - 2);
  const z0 = Math.min(Math.floor(z), nz - 2 < 0 ? 0 : nz - 2);
  const x1 = Math.min(x0 + 1, nx - 1);
  const y1 = Math.min(y0 + 1, ny - 1);
  const z1 = Math.min(z0 + 1, nz - 1);
  const fx = x - x0;
  const fy = y - y0;
  const fz = z - z0;
  const at = (i: number, j: number, kk: number) => data[i + nx * (j + ny * kk)] as number;
  const c00 = at(x0, y0, z0) * (1 - fx) + at(x1, y0, z0) * fx;
  const c10 = at(x0, y1, z0) * (1 - fx) + at(x1, y1, z0) * fx;
  const c01 = at(x0, y0, z1) * (1 - fx) + at(x1, y0, z1) * fx;
  const c11 = at(x0, y1, z1) * (1 - fx) + at(x1, y1, z1) * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}
