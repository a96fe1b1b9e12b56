import type { Vec3 } from '../../src-shared/volume/volume.js';
import { TISSUE, TISSUE_COUNT } from './anatomy.js';
import type { Rng } from './prng.js';

export interface HuLevels {
  air: number;
  lung: number;
  fat: number;
  muscle: number;
  myocardium: number;
  bloodLeft: number;
  bloodRight: number;
  bloodVenous: number;
  bone: number;
  csf: number;
  vesselWall: number;
}

/** Seeded contrast-enhanced levels within the ranges the issue states. */
export function seedHuLevels(rng: Rng): HuLevels {
  const bloodLeft = Math.round(rng.uniform(340, 440));
  const bloodRight = Math.round(rng.uniform(300, Math.min(400, bloodLeft - 10)));
  return {
    air: -1000,
    lung: Math.round(rng.uniform(-880, -820)),
    fat: Math.round(rng.uniform(-120, -80)),
    muscle: Math.round(rng.uniform(40, 60)),
    myocardium: Math.round(rng.uniform(90, 115)),
    bloodLeft,
    bloodRight,
    bloodVenous: Math.max(300, bloodRight - Math.round(rng.uniform(0, 20))),
    bone: Math.round(rng.uniform(720, 900)),
    csf: 15,
    vesselWall: 60,
  };
}

export function huTable(l: HuLevels): Float32Array {
  const t = new Float32Array(TISSUE_COUNT);
  t[TISSUE.AIR] = l.air;
  t[TISSUE.FAT] = l.fat;
  t[TISSUE.MUSCLE] = l.muscle;
  t[TISSUE.LUNG] = l.lung;
  t[TISSUE.BONE] = l.bone;
  t[TISSUE.CSF] = l.csf;
  t[TISSUE.MYO] = l.myocardium;
  t[TISSUE.BLOOD_L] = l.bloodLeft;
  t[TISSUE.BLOOD_R] = l.bloodRight;
  t[TISSUE.BLOOD_V] = l.bloodVenous;
  t[TISSUE.WALL] = l.vesselWall;
  return t;
}

function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let x = -r; x <= r; x++) sum += k[x + r] = Math.exp((-x * x) / (2 * sigma * sigma));
  for (let x = 0; x < k.length; x++) k[x] /= sum;
  return k;
}

/** Separable Gaussian along one axis, edges clamped (the scanner sees tissue beyond the FOV too). */
function blurAxis(src: Float32Array, dst: Float32Array, dims: Vec3, axis: 0 | 1 | 2, kernel: Float32Array): void {
  const [nx, ny, nz] = dims;
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const len = dims[axis];
  const r = (kernel.length - 1) / 2;
  const line = new Float32Array(len);
  const lines = (nx * ny * nz) / len;
  for (let l = 0; l < lines; l++) {
    let base: number;
    if (axis === 0) base = l * nx;
    else if (axis === 1) base = (l % nx) + Math.floor(l / nx) * nx * ny;
    else base = l;
    for (let t = 0; t < len; t++) line[t] = src[base + t * stride];
    for (let t = 0; t < len; t++) {
      let acc = 0;
      for (let m = -r; m <= r; m++) {
        const u = t + m < 0 ? 0 : t + m >= len ? len - 1 : t + m;
        acc += kernel[m + r] * line[u];
      }
      dst[base + t * stride] = acc;
    }
  }
}

/** Partial-volume blur with a Gaussian PSF of `psfSigmaMm`, never narrower than half a voxel. */
export function blur(img: Float32Array, dims: Vec3, spacingMm: Vec3, psfSigmaMm: number): void {
  const tmp = new Float32Array(img.length);
  for (const axis of [0, 1, 2] as const) {
    const sigma = Math.max(0.5, psfSigmaMm / spacingMm[axis]);
    if (dims[axis] < 2) continue;
    blurAxis(img, tmp, dims, axis, gaussianKernel(sigma));
    img.set(tmp);
  }
}

/** Add white Gaussian noise and round to HU. */
export function toHu(img: Float32Array, sigma: number, rng: Rng): Int16Array {
  const out = new Int16Array(img.length);
  for (let i = 0; i < img.length; i++) {
    const v = Math.round(img[i] + (sigma > 0 ? sigma * rng.normal() : 0));
    out[i] = v < -1024 ? -1024 : v > 3071 ? 3071 : v;
  }
  return out;
}
