import type { Vec3 } from '../../src-shared/volume/volume.js';

/** An implicit solid in a local frame (mm), with a bounding box in that frame for culling. */
export interface Shape {
  min: Vec3;
  max: Vec3;
  inside(x: number, y: number, z: number): boolean;
}

export interface Frame {
  centre: Vec3;
  /** Orthonormal axes, each a unit vector in the local frame. */
  axes: [Vec3, Vec3, Vec3];
}

const dot3 = (a: Vec3, x: number, y: number, z: number) => a[0] * x + a[1] * y + a[2] * z;

/** Exact axis-aligned box of an ellipsoid: half-extent along d is sqrt(sum_i (axis_i[d] r_i)^2). */
function boxOfFrame(f: Frame, r: Vec3): { min: Vec3; max: Vec3 } {
  const ext = [0, 1, 2].map((d) => Math.hypot(f.axes[0][d] * r[0], f.axes[1][d] * r[1], f.axes[2][d] * r[2]));
  return {
    min: [f.centre[0] - ext[0], f.centre[1] - ext[1], f.centre[2] - ext[2]],
    max: [f.centre[0] + ext[0], f.centre[1] + ext[1], f.centre[2] + ext[2]],
  };
}

export function ellipsoid(f: Frame, r: Vec3): Shape {
  return {
    ...boxOfFrame(f, r),
    inside(x, y, z) {
      const dx = x - f.centre[0];
      const dy = y - f.centre[1];
      const dz = z - f.centre[2];
      const a = dot3(f.axes[0], dx, dy, dz) / r[0];
      const b = dot3(f.axes[1], dx, dy, dz) / r[1];
      const c = dot3(f.axes[2], dx, dy, dz) / r[2];
      return a * a + b * b + c * c <= 1;
    },
  };
}

/**
 * A solid of elliptical sections along axes[2]: at height s in [s0, s1] the section has
 * semi-axes (ra * g(s) + grow, rb * g(s) + grow) along axes[0], axes[1]. Chambers whose
 * base must be an exact ellipse (the mitral annulus) use g(s) = 1 near the base.
 */
export function profiled(f: Frame, ra: number, rb: number, s0: number, s1: number, g: (s: number) => number, grow = 0): Shape {
  const ax = f.axes;
  // Box from sampled sections (each an ellipse of semi-axes ra*g+grow, rb*g+grow), padded for the
  // sampling step; much tighter than the widest section swept over the whole length.
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  const N = 48;
  const step = (s1 - s0) / N;
  for (let m = 0; m <= N; m++) {
    const s = s0 + m * step;
    const gs = Math.max(0, Math.max(g(Math.max(s0, s - step)), g(s), g(Math.min(s1, s + step))));
    const a = ra * gs + grow;
    const b = rb * gs + grow;
    for (let d = 0; d < 3; d++) {
      const c = f.centre[d] + ax[2][d] * s;
      const e = Math.hypot(ax[0][d] * a, ax[1][d] * b) + Math.abs(ax[2][d]) * step;
      min[d] = Math.min(min[d], c - e);
      max[d] = Math.max(max[d], c + e);
    }
  }
  return {
    min,
    max,
    inside(x, y, z) {
      const dx = x - f.centre[0];
      const dy = y - f.centre[1];
      const dz = z - f.centre[2];
      const s = dot3(ax[2], dx, dy, dz);
      if (s < s0 || s > s1) return false;
      const gs = g(s);
      if (gs <= 0 && grow <= 0) return false;
      const a = dot3(ax[0], dx, dy, dz) / (ra * gs + grow);
      const b = dot3(ax[1], dx, dy, dz) / (rb * gs + grow);
      return a * a + b * b <= 1;
    },
  };
}

/** A tapered capsule from a (radius ra) to b (radius rb). */
export function capsule(a: Vec3, b: Vec3, ra: number, rb: number): Shape {
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] || 1;
  const r = Math.max(ra, rb);
  return {
    min: [Math.min(a[0], b[0]) - r, Math.min(a[1], b[1]) - r, Math.min(a[2], b[2]) - r],
    max: [Math.max(a[0], b[0]) + r, Math.max(a[1], b[1]) + r, Math.max(a[2], b[2]) + r],
    inside(x, y, z) {
      const px = x - a[0];
      const py = y - a[1];
      const pz = z - a[2];
      let t = (px * d[0] + py * d[1] + pz * d[2]) / len2;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - t * d[0];
      const ey = py - t * d[1];
      const ez = pz - t * d[2];
      const rr = ra + t * (rb - ra);
      return ex * ex + ey * ey + ez * ez <= rr * rr;
    },
  };
}

/** Catmull-Rom through the control points, sampled `perSpan` times per span. */
export function catmullRom(points: Vec3[], perSpan = 6): Vec3[] {
  const out: Vec3[] = [];
  const P = (i: number) => points[Math.max(0, Math.min(points.length - 1, i))];
  for (let i = 0; i < points.length - 1; i++) {
    for (let k = 0; k < perSpan; k++) {
      const t = k / perSpan;
      const [p0, p1, p2, p3] = [P(i - 1), P(i), P(i + 1), P(i + 2)];
      const t2 = t * t;
      const t3 = t2 * t;
      out.push(
        [0, 1, 2].map((d) => 0.5 * (2 * p1[d] + (-p0[d] + p2[d]) * t + (2 * p0[d] - 5 * p1[d] + 4 * p2[d] - p3[d]) * t2 + (-p0[d] + 3 * p1[d] - 3 * p2[d] + p3[d]) * t3)) as Vec3,
      );
    }
  }
  out.push(points[points.length - 1]);
  return out;
}

/** A tube along a sampled path: one capsule per segment (culled separately by the painter). */
export function tube(path: Vec3[], radius: (t: number) => number, grow = 0): Shape[] {
  const n = path.length - 1;
  return Array.from({ length: n }, (_, i) => capsule(path[i], path[i + 1], radius(i / n) + grow, radius((i + 1) / n) + grow));
}

export function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}
