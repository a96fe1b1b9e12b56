import { add, cross, dot, normalize, scale, sub } from '../../src-shared/volume/affine.js';
import type { Mat3, Vec3, VolumeGeometry } from '../../src-shared/volume/volume.js';

/**
 * An oriented box in patient space. `axes` is row-major like Volume.direction: [0..2] = box x
 * (commissural direction, or the largest diameter when no aorta is labelled), [3..5] = box y
 * (septal-lateral), [6..8] = box z (the valve normal, atrium -> ventricle). Right-handed.
 */
export interface RoiBox {
  centreLps: Vec3;
  axes: Mat3;
  sizeMm: Vec3;
  /** Voxel size of the extracted sub-volume. */
  spacingMm: Vec3;
}

export const boxAxis = (b: Pick<RoiBox, 'axes'>, a: 0 | 1 | 2): Vec3 => [b.axes[3 * a], b.axes[3 * a + 1], b.axes[3 * a + 2]];

/** Gram-Schmidt keeping z exact (the valve normal matters most), then x, then y = z × x. */
export function orthonormalAxes(x: Vec3, z: Vec3): Mat3 {
  const zz = normalize(z);
  let xx = sub(x, scale(zz, dot(x, zz)));
  if (Math.hypot(...xx) < 1e-9) xx = Math.abs(zz[0]) < 0.9 ? cross([1, 0, 0], zz) : cross([0, 1, 0], zz);
  xx = normalize(xx);
  const yy = cross(zz, xx);
  return [...xx, ...yy, ...zz] as Mat3;
}

/** The ROI as a voxel grid: k slices are parallel to the valve plane, centred on the box centre. */
export function roiGeometry(box: RoiBox): VolumeGeometry {
  const dims = box.sizeMm.map((s, a) => Math.max(1, Math.round(s / box.spacingMm[a]))) as Vec3;
  let origin = box.centreLps;
  for (let a = 0; a < 3; a++) origin = sub(origin, scale(boxAxis(box, a as 0 | 1 | 2), ((dims[a] - 1) / 2) * box.spacingMm[a]));
  return { dims, spacingMm: [...box.spacingMm] as Vec3, originLps: origin, direction: [...box.axes] as Mat3 };
}

export interface BoxAdjustment {
  /** New centre (LPS mm), or a shift expressed along the box's own axes (mm). */
  centreLps?: Vec3;
  shiftMm?: Vec3;
  /** Rotations in degrees about the box's x, then y, then z axis (right-hand rule). */
  rotateDeg?: Vec3;
  sizeMm?: Vec3;
  spacingMm?: Vec3;
}

function rotateAbout(v: Vec3, axisUnit: Vec3, deg: number): Vec3 {
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  // Rodrigues: v cosθ + (k × v) sinθ + k (k·v)(1 − cosθ)
  return add(add(scale(v, c), scale(cross(axisUnit, v), s)), scale(axisUnit, dot(axisUnit, v) * (1 - c)));
}

export function adjustBox(box: RoiBox, adj: BoxAdjustment): RoiBox {
  let x = boxAxis(box, 0);
  let y = boxAxis(box, 1);
  let z = boxAxis(box, 2);
  let centre = adj.centreLps ? ([...adj.centreLps] as Vec3) : box.centreLps;
  if (adj.shiftMm) centre = add(centre, add(add(scale(x, adj.shiftMm[0]), scale(y, adj.shiftMm[1])), scale(z, adj.shiftMm[2])));
  if (adj.rotateDeg) {
    const [rx, ry, rz] = adj.rotateDeg;
    const ax = x;
    [y, z] = [rotateAbout(y, ax, rx), rotateAbout(z, ax, rx)];
    const ay = y;
    [x, z] = [rotateAbout(x, ay, ry), rotateAbout(z, ay, ry)];
    const az = z;
    [x, y] = [rotateAbout(x, az, rz), rotateAbout(y, az, rz)];
  }
  return {
    centreLps: centre,
    axes: orthonormalAxes(x, z),
    sizeMm: adj.sizeMm ? ([...adj.sizeMm] as Vec3) : box.sizeMm,
    spacingMm: adj.spacingMm ? ([...adj.spacingMm] as Vec3) : box.spacingMm,
  };
}
