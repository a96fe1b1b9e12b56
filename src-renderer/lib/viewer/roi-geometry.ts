import { add, cross, dot, normalize, scale, sub } from '../../../src-shared/volume/affine.js';
import type { Vec3 } from '../../../src-shared/volume/volume.js';

/** An oriented box in LPS mm; axes[2] is the valve-plane normal (atrium -> ventricle). */
export interface RoiBox {
  centerLps: Vec3;
  axes: [Vec3, Vec3, Vec3];
  sizeMm: Vec3;
}

function corners(b: RoiBox, dims: 2 | 3): Vec3[] {
  const h = scale(b.sizeMm, 0.5);
  const out: Vec3[] = [];
  const zs = dims === 3 ? [-1, 1] : [0];
  for (const sz of zs)
    for (const sy of [-1, 1])
      for (const sx of [-1, 1]) {
        out.push(add(add(add(b.centerLps, scale(b.axes[0], sx * h[0])), scale(b.axes[1], sy * h[1])), scale(b.axes[2], sz * h[2])));
      }
  return out;
}

const BOX_EDGES: [number, number][] = [
  [0, 1], [2, 3], [4, 5], [6, 7],
  [0, 2], [1, 3], [4, 6], [5, 7],
  [0, 4], [1, 5], [2, 6], [3, 7],
];
const RECT_EDGES: [number, number][] = [
  [0, 1], [1, 3], [3, 2], [2, 0],
];

function cutEdges(pts: Vec3[], edges: [number, number][], p0: Vec3, n: Vec3): Vec3[] {
  const hits: Vec3[] = [];
  for (const [a, b] of edges) {
    const pa = pts[a] as Vec3;
    const pb = pts[b] as Vec3;
    const da = dot(sub(pa, p0), n);
    const db = dot(sub(pb, p0), n);
    if ((da <= 0 && db > 0) || (da > 0 && db <= 0)) {
      const t = da / (da - db);
      hits.push(add(pa, scale(sub(pb, pa), t)));
    }
  }
  return hits;
}

/**
 * The polygon where a plane (point p0, normal n) cuts a parallelepiped given by its 8 corners
 * (x fastest, then y, then z: corner n has bit 1 = +x, 2 = +y, 4 = +z), ordered around its centre.
 */
export function solidSection(pts: Vec3[], p0: Vec3, n: Vec3): Vec3[] {
  const hits = cutEdges(pts, BOX_EDGES, p0, n);
  if (hits.length < 3) return [];
  const c = scale(hits.reduce((acc, p) => add(acc, p), [0, 0, 0] as Vec3), 1 / hits.length);
  const u = normalize(sub(hits[0] as Vec3, c));
  const v = cross(n, u);
  return hits
    .map((p) => ({ p, a: Math.atan2(dot(sub(p, c), v), dot(sub(p, c), u)) }))
    .sort((x, y) => x.a - y.a)
    .map((x) => x.p);
}

/** The polygon where a slice plane (point p0, normal n) cuts the box, ordered around its centre. */
export function boxSection(b: RoiBox, p0: Vec3, n: Vec3): Vec3[] {
  return solidSection(corners(b, 3), p0, n);
}

/** The segment where the slice plane cuts the annulus plane's rectangle inside the box (0 or 2 points). */
export function planeSection(b: RoiBox, p0: Vec3, n: Vec3): Vec3[] {
  const hits = cutEdges(corners(b, 2), RECT_EDGES, p0, n);
  return hits.length >= 2 ? [hits[0] as Vec3, hits[1] as Vec3] : [];
}

/** Rotate the box about an axis through its centre (Rodrigues), keeping the axes orthonormal. */
export function rotateBox(b: RoiBox, axisLps: Vec3, angleRad: number): RoiBox {
  const k = normalize(axisLps);
  const cos = Math.cos(angleRad);
  const sin = Math.sin(angleRad);
  const rot = (v: Vec3): Vec3 => add(add(scale(v, cos), scale(cross(k, v), sin)), scale(k, dot(k, v) * (1 - cos)));
  const a0 = normalize(rot(b.axes[0]));
  const a2 = normalize(rot(b.axes[2]));
  const a1 = normalize(cross(a2, a0));
  return { ...b, axes: [a0, a1, a2] };
}
