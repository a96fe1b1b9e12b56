import { gridInside, type PlaneGrid } from './orifice.js';

export interface PolarContour {
  /** Centre in plane coordinates (mm). */
  centre: [number, number];
  /** r(θ_k), θ_k = 2πk/N, smoothed (mm). */
  radii: Float64Array;
  /** Contour vertices in plane coordinates (mm), packed uv. */
  uv: Float64Array;
}

/**
 * Star-shaped rim seen from the orifice centroid (annuli are convex or D-shaped, so every ray
 * leaves once). Radii are smoothed over about two voxels of arc so the voxel staircase does not
 * inflate the perimeter.
 */
export function polarContour(g: PlaneGrid, centre: [number, number], rays: number, smoothArcMm: number): PolarContour {
  const raw = new Float64Array(rays);
  const step = g.cellMm / 4;
  const rMax = (g.size / 2) * g.cellMm * Math.SQRT2;
  for (let k = 0; k < rays; k++) {
    const th = (2 * Math.PI * k) / rays;
    const cu = Math.cos(th);
    const cv = Math.sin(th);
    let r = 0;
    while (r < rMax && gridInside(g, centre[0] + r * cu, centre[1] + r * cv)) r += step;
    raw[k] = Math.max(0, r - step / 2);
  }
  const mean = raw.reduce((a, b) => a + b, 0) / rays;
  const halfW = mean > 0 ? Math.max(0, Math.round(smoothArcMm / 2 / (mean * ((2 * Math.PI) / rays)))) : 0;
  const radii = new Float64Array(rays);
  for (let k = 0; k < rays; k++) {
    let s = 0;
    for (let w = -halfW; w <= halfW; w++) s += raw[(k + w + rays) % rays];
    radii[k] = s / (2 * halfW + 1);
  }
  const uv = new Float64Array(2 * rays);
  for (let k = 0; k < rays; k++) {
    const th = (2 * Math.PI * k) / rays;
    uv[2 * k] = centre[0] + radii[k] * Math.cos(th);
    uv[2 * k + 1] = centre[1] + radii[k] * Math.sin(th);
  }
  return { centre, radii, uv };
}

export interface ContourMeasures {
  areaMm2: number;
  perimeterMm: number;
  maxDiameterMm: number;
  /** Unit in-plane direction (u, v) of the maximum diameter. */
  maxDiameterDir: [number, number];
  /** Minimum caliper width, the "minor diameter" of an oval. */
  minDiameterMm: number;
  minDiameterDir: [number, number];
}

export function measureContour(c: PolarContour): ContourMeasures {
  const uv = c.uv;
  const n = uv.length / 2;
  let area = 0;
  let perim = 0;
  for (let k = 0; k < n; k++) {
    const k2 = (k + 1) % n;
    area += uv[2 * k] * uv[2 * k2 + 1] - uv[2 * k2] * uv[2 * k + 1];
    perim += Math.hypot(uv[2 * k2] - uv[2 * k], uv[2 * k2 + 1] - uv[2 * k + 1]);
  }
  let maxD = 0;
  let maxDir: [number, number] = [1, 0];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const du = uv[2 * b] - uv[2 * a];
      const dv = uv[2 * b + 1] - uv[2 * a + 1];
      const d = Math.hypot(du, dv);
      if (d > maxD) {
        maxD = d;
        maxDir = [du / d, dv / d];
      }
    }
  }
  let minW = Infinity;
  let minDir: [number, number] = [0, 1];
  for (let t = 0; t < 720; t++) {
    const phi = (Math.PI * t) / 720;
    const cu = Math.cos(phi);
    const cv = Math.sin(phi);
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < n; k++) {
      const p = uv[2 * k] * cu + uv[2 * k + 1] * cv;
      if (p < lo) lo = p;
      if (p > hi) hi = p;
    }
    if (hi - lo < minW) {
      minW = hi - lo;
      minDir = [cu, cv];
    }
  }
  return { areaMm2: Math.abs(area) / 2, perimeterMm: perim, maxDiameterMm: maxD, maxDiameterDir: maxDir, minDiameterMm: minW, minDiameterDir: minDir };
}

/** Length of the chord through the contour centre along in-plane direction `dir`. */
export function chordThroughCentre(c: PolarContour, dir: [number, number]): number {
  const n = c.radii.length;
  const at = (th: number): number => {
    const x = (((th / (2 * Math.PI)) * n) % n + n) % n;
    const k = Math.floor(x);
    const f = x - k;
    return c.radii[k] * (1 - f) + c.radii[(k + 1) % n] * f;
  };
  const th = Math.atan2(dir[1], dir[0]);
  return at(th) + at(th + Math.PI);
}
