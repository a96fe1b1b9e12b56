/**
 * The ONE preprocessing used by training and inference: normalise intensities as the plan says
 * for the source kind, stack adjacent slices as channels, resize in-plane to the network input.
 * Labels go through nearest-neighbour only, with the range/class guards around every step.
 */
import { AppError } from '../../src-shared/errors.js';
import { assertClassesKept, assertLabelRange, classCounts } from './guards.js';
import type { Normalization, Plans, SourceKind } from './plans.js';

/** Source slices of one patient; `slice(z)` is row-major width*height or undefined when absent. */
export interface SliceSource {
  width: number;
  height: number;
  depth: number;
  source: SourceKind;
  slice(z: number): ArrayLike<number> | undefined;
}

/** Wrap a volume's voxel array (i fastest, then j, then k) as a SliceSource. */
export function volumeSlices(dims: readonly [number, number, number], data: ArrayLike<number> & { subarray?: unknown }, source: SourceKind): SliceSource {
  const [w, h, d] = dims;
  const n = w * h;
  const arr = data as unknown as { subarray(a: number, b: number): ArrayLike<number> };
  return { width: w, height: h, depth: d, source, slice: (z) => (z >= 0 && z < d ? arr.subarray(z * n, (z + 1) * n) : undefined) };
}

export function normalizeSlice(src: ArrayLike<number>, norm: Normalization): Float32Array {
  const out = new Float32Array(src.length);
  if (norm.kind === 'hu-window') {
    const span = norm.max - norm.min;
    for (let i = 0; i < src.length; i++) {
      const v = (src[i]! - norm.min) / span;
      out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  } else {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo;
    for (let i = 0; i < src.length; i++) out[i] = span > 0 ? (src[i]! - lo) / span : 0;
  }
  return out;
}

/** Half-pixel-centre bilinear resize (tf.image.resizeBilinear with halfPixelCenters). */
export function resizeBilinear(src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  if (sw === dw && sh === dh) {
    for (let i = 0; i < out.length; i++) out[i] = src[i]!;
    return out;
  }
  const fx = sw / dw, fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const syf = Math.min(Math.max((y + 0.5) * fy - 0.5, 0), sh - 1);
    const y0 = Math.floor(syf), y1 = Math.min(y0 + 1, sh - 1), wy = syf - y0;
    for (let x = 0; x < dw; x++) {
      const sxf = Math.min(Math.max((x + 0.5) * fx - 0.5, 0), sw - 1);
      const x0 = Math.floor(sxf), x1 = Math.min(x0 + 1, sw - 1), wx = sxf - x0;
      const a = src[y0 * sw + x0]!, b = src[y0 * sw + x1]!, c = src[y1 * sw + x0]!, d = src[y1 * sw + x1]!;
      out[y * dw + x] = (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy;
    }
  }
  return out;
}

/** Nearest-neighbour resize; the only resize labels ever get. */
export function resizeNearest(src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / dh));
    for (let x = 0; x < dw; x++) out[y * dw + x] = src[sy * sw + Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / dw))]!;
  }
  return out;
}

/** Slices z + offset, clamped to the nearest existing slice (PNG sets have gaps). */
function neighbour(src: SliceSource, z: number, offset: number): ArrayLike<number> {
  const step = Math.sign(offset);
  for (let o = offset; ; o -= step) {
    const s = src.slice(z + o);
    if (s) return s;
    if (o === 0) throw new AppError('DATA', `Slice ${z} is missing`, { z });
  }
}

/** One network input [H, W, C] (channels last) for slice z. */
export function preprocessSlice(src: SliceSource, z: number, plans: Plans): Float32Array {
  const [h, w] = plans.inputSize;
  const offsets = plans.channelOffsets;
  const c = offsets.length;
  const norm = plans.normalization[src.source];
  const out = new Float32Array(h * w * c);
  for (let ch = 0; ch < c; ch++) {
    const raw = neighbour(src, z, offsets[ch]!);
    if (raw.length !== src.width * src.height) throw new AppError('DATA', `Slice ${z} has ${raw.length} pixels, expected ${src.width * src.height}`);
    const r = resizeBilinear(normalizeSlice(raw, norm), src.width, src.height, w, h);
    for (let i = 0; i < r.length; i++) out[i * c + ch] = r[i]!;
  }
  return out;
}

/** Network inputs for slices zs as one [N, H, W, C] buffer (what inference feeds per batch). */
export function preprocessSlices(src: SliceSource, zs: readonly number[], plans: Plans): Float32Array {
  const [h, w] = plans.inputSize;
  const per = h * w * plans.channelOffsets.length;
  const out = new Float32Array(zs.length * per);
  zs.forEach((z, i) => out.set(preprocessSlice(src, z, plans), i * per));
  return out;
}

export type LabelResize = (src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number) => ArrayLike<number>;

/**
 * A label slice of class ids -> [H, W] at the network size, guarded before and after.
 * `resize` is injectable only so the guard tests can feed a wrong (bilinear) resize.
 */
export function preprocessLabel(label: ArrayLike<number>, width: number, height: number, plans: Plans, resize: LabelResize = resizeNearest): Uint8Array {
  const k = plans.classes.length;
  assertLabelRange(label, k, 'raw label', width * height);
  const raw = classCounts(label, k);
  const [h, w] = plans.inputSize;
  const resized = resize(label, width, height, w, h);
  assertLabelRange(resized, k, 'resized label', w * h);
  const out = Uint8Array.from(resized);
  assertClassesKept(raw, classCounts(out, k), 'resize to the network input', (w * h) / (width * height));
  return out;
}

/** Raw dataset codes -> class ids through the plan's code map; unknown codes are an error. */
export function applyCodeMap(codes: ArrayLike<number>, codeMap: Record<string, number>): Uint8Array {
  const table = new Map<number, number>();
  for (const [code, id] of Object.entries(codeMap)) if (/^-?\d+$/.test(code)) table.set(Number(code), id);
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const id = table.get(codes[i]!);
    if (id === undefined) throw new AppError('DATA', `Label code ${codes[i]} is not in the dataset's code map`, { code: codes[i], index: i });
    out[i] = id;
  }
  return out;
}
