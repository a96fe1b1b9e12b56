import { add, cross, dot, normalize, scale, sub } from '../../src-shared/volume/affine.js';
import type { Mat3, Vec3, Volume } from '../../src-shared/volume/volume.js';

/**
 * Test volumes with a KNOWN mitral annulus: the left atrium (h ≤ 0) and left ventricle (h > 0)
 * are half-ellipsoids whose common equator is exactly the ellipse (centre, normal, semi-axes a
 * along `majorDir`, b across). The LV can be sheared by `lvTiltDeg` towards the major axis
 * (its section at h = 0 stays the same ellipse), and an optional aortic ball sits on the septal
 * side (along the minor axis) so septal-lateral is defined. Used by this folder's tests only.
 */
export interface ValveSpec {
  centre: Vec3;
  normal: Vec3;
  majorDir: Vec3;
  a: number;
  b: number;
  laDepthMm: number;
  lvDepthMm: number;
  lvTiltDeg?: number;
  aorta?: boolean;
}

export interface GridSpec {
  spacingMm: Vec3;
  direction: Mat3;
  /** Half of the cube side (mm) covered around the centre. */
  halfExtentMm: number;
  /** World point at the grid centre (defaults to the valve centre pushed into the LV). */
  gridCentreLps?: Vec3;
}

export function valveFrame(s: ValveSpec): { n: Vec3; ex: Vec3; ey: Vec3 } {
  const n = normalize(s.normal);
  const ex = normalize(sub(s.majorDir, scale(n, dot(s.majorDir, n))));
  return { n, ex, ey: cross(n, ex) };
}

export function labelAt(s: ValveSpec, p: Vec3): number {
  const { n, ex, ey } = valveFrame(s);
  const q = sub(p, s.centre);
  const h = dot(q, n);
  const y = dot(q, ey);
  if (h <= 0) {
    const x = dot(q, ex);
    if ((x / s.a) ** 2 + (y / s.b) ** 2 + (h / s.laDepthMm) ** 2 <= 1) return 2;
  } else {
    const x = dot(q, ex) - h * Math.tan(((s.lvTiltDeg ?? 0) * Math.PI) / 180);
    if ((x / s.a) ** 2 + (y / s.b) ** 2 + (h / s.lvDepthMm) ** 2 <= 1) return 3;
  }
  if (s.aorta) {
    const ao = add(add(s.centre, scale(ey, -(s.b + 12))), scale(n, -4));
    const d = sub(p, ao);
    if (dot(d, d) <= 64) return 1;
  }
  return 0;
}

/** Septal direction of the phantom (towards its aorta). */
export const septalDir = (s: ValveSpec): Vec3 => scale(valveFrame(s).ey, -1);

export function makeValvePhantom(s: ValveSpec, g: GridSpec): Volume<Uint8Array<ArrayBuffer>> {
  const dims = g.spacingMm.map((sp) => Math.ceil((2 * g.halfExtentMm) / sp)) as Vec3;
  const centre = g.gridCentreLps ?? add(s.centre, scale(normalize(s.normal), 10));
  const dir = g.direction;
  const ax = (a: number): Vec3 => [dir[3 * a], dir[3 * a + 1], dir[3 * a + 2]];
  let origin = centre;
  for (let a = 0; a < 3; a++) origin = sub(origin, scale(ax(a), ((dims[a] - 1) / 2) * g.spacingMm[a]));
  const vol = { dims, spacingMm: [...g.spacingMm] as Vec3, originLps: origin, direction: [...dir] as Mat3, data: new Uint8Array(dims[0] * dims[1] * dims[2]) };
  paintValve(vol, s);
  return vol;
}

/**
 * Paint the phantom into an existing grid (only the index box around it is visited, so a
 * 512x512x300 volume costs what the heart costs). Same shapes as `labelAt`, written with
 * linear forms so it allocates nothing per voxel.
 */
export function paintValve(vol: Volume<Uint8Array>, s: ValveSpec): void {
  const { n, ex, ey } = valveFrame(s);
  const tilt = Math.tan(((s.lvTiltDeg ?? 0) * Math.PI) / 180);
  const ao = add(add(s.centre, scale(ey, -(s.b + 12))), scale(n, -4));
  const [nx, ny, nz] = vol.dims;
  const step = (a: number): Vec3 => scale([vol.direction[3 * a], vol.direction[3 * a + 1], vol.direction[3 * a + 2]], vol.spacingMm[a]);
  const si = step(0);
  const sj = step(1);
  const sk = step(2);
  const reach = Math.max(s.laDepthMm, s.lvDepthMm * (1 + Math.abs(tilt)), s.a, s.b + 20) + 2;
  const lo: Vec3 = [0, 0, 0];
  const hi: Vec3 = [nx - 1, ny - 1, nz - 1];
  const c = sub(s.centre, vol.originLps);
  const steps = [si, sj, sk];
  for (let a = 0; a < 3; a++) {
    // Orthonormal direction: index along axis a = (c · dir_a) / spacing_a.
    const idx = dot(c, steps[a]) / vol.spacingMm[a] ** 2;
    const r = reach / vol.spacingMm[a];
    lo[a] = Math.max(0, Math.floor(idx - r));
    hi[a] = Math.min(vol.dims[a] - 1, Math.ceil(idx + r));
  }
  const form = (v: Vec3, p0: Vec3) => ({ c0: dot(sub(vol.originLps, p0), v), i: dot(si, v), j: dot(sj, v), k: dot(sk, v) });
  const H = form(n, s.centre);
  const X = form(ex, s.centre);
  const Y = form(ey, s.centre);
  const A = [form([1, 0, 0], ao), form([0, 1, 0], ao), form([0, 0, 1], ao)];
  const d = vol.data;
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      for (let i = lo[0]; i <= hi[0]; i++) {
        const h = H.c0 + i * H.i + j * H.j + k * H.k;
        const y = Y.c0 + i * Y.i + j * Y.j + k * Y.k;
        let x = X.c0 + i * X.i + j * X.j + k * X.k;
        let label = 0;
        if (h <= 0) {
          if ((x / s.a) ** 2 + (y / s.b) ** 2 + (h / s.laDepthMm) ** 2 <= 1) label = 2;
        } else {
          x -= h * tilt;
          if ((x / s.a) ** 2 + (y / s.b) ** 2 + (h / s.lvDepthMm) ** 2 <= 1) label = 3;
        }
        if (label === 0 && s.aorta) {
          let r2 = 0;
          for (const f of A) r2 += (f.c0 + i * f.i + j * f.j + k * f.k) ** 2;
          if (r2 <= 64) label = 1;
        }
        if (label) d[i + nx * (j + ny * k)] = label;
      }
    }
  }
}

/** A proper rotation from Euler angles (degrees), for oblique direction cosines. */
export function rotationDirection(ax: number, ay: number, az: number): Mat3 {
  const r = (d: number) => (d * Math.PI) / 180;
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(r(ax)), Math.sin(r(ax)), Math.cos(r(ay)), Math.sin(r(ay)), Math.cos(r(az)), Math.sin(r(az))];
  // Rows of Rz·Ry·Rx are the images of the unit axes' transposes; take columns as axis vectors.
  const m = [
    [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx],
    [sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx],
    [-sy, cy * sx, cy * cx],
  ];
  return [m[0][0], m[1][0], m[2][0], m[0][1], m[1][1], m[2][1], m[0][2], m[1][2], m[2][2]];
}

/** A small labelled valve plus a CT whose value is a linear function of LPS (for contract samples). */
export function smallValveStudy(): { labels: Volume<Uint8Array<ArrayBuffer>>; ct: Volume<Int16Array<ArrayBuffer>>; valve: ValveSpec } {
  const valve: ValveSpec = { centre: [0, 0, 0], normal: [0.2, 0.1, 1], majorDir: [1, 0, 0], a: 13, b: 10, laDepthMm: 16, lvDepthMm: 26, aorta: true };
  const labels = makeValvePhantom(valve, { spacingMm: [1.2, 1.2, 1.5], direction: rotationDirection(0, 0, 15), halfExtentMm: 32 });
  const ct = { ...labels, data: new Int16Array(labels.data.length) };
  for (let i = 0; i < ct.data.length; i++) ct.data[i] = labels.data[i] === 0 ? -100 : 300 + 50 * labels.data[i];
  return { labels, ct, valve };
}
