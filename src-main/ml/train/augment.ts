/**
 * The origin report's augmentations, each with probability 0.25: horizontal flip, vertical flip,
 * rotation, blur; plus intensity jitter. Image and label move together; labels are only ever
 * resampled nearest-neighbour, and the range guard runs after every transform.
 */
import { assertLabelRange } from '../guards.js';

export interface Sample {
  x: Float32Array; // [H, W, C]
  y: Uint8Array; // [H, W]
}

export function augment(s: Sample, h: number, w: number, c: number, k: number, rnd: () => number, p = 0.25): Sample {
  let { x, y } = s;
  if (rnd() < p) ({ x, y } = remap(x, y, h, w, c, (i, j) => [i, w - 1 - j]));
  if (rnd() < p) ({ x, y } = remap(x, y, h, w, c, (i, j) => [h - 1 - i, j]));
  if (rnd() < p) {
    const a = (rnd() * 2 - 1) * (Math.PI / 12);
    const cos = Math.cos(a), sin = Math.sin(a), cy = (h - 1) / 2, cx = (w - 1) / 2;
    // Inverse map (output -> source), nearest neighbour for both so labels stay exact ids.
    ({ x, y } = remap(x, y, h, w, c, (i, j) => [Math.round(cy + (i - cy) * cos - (j - cx) * sin), Math.round(cx + (i - cy) * sin + (j - cx) * cos)]));
  }
  if (rnd() < p) x = blur3(x, h, w, c);
  if (rnd() < p) {
    const scale = 1 + (rnd() * 2 - 1) * 0.1, shift = (rnd() * 2 - 1) * 0.05;
    x = x.map((v) => v * scale + shift);
  }
  assertLabelRange(y, k, 'augmentation', h * w);
  return { x, y };
}

function remap(x: Float32Array, y: Uint8Array, h: number, w: number, c: number, src: (i: number, j: number) => [number, number]): Sample {
  const nx = new Float32Array(x.length), ny = new Uint8Array(y.length);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const [si, sj] = src(i, j);
      if (si < 0 || si >= h || sj < 0 || sj >= w) continue; // outside: background, zero intensity
      const d = i * w + j, s = si * w + sj;
      ny[d] = y[s]!;
      for (let ch = 0; ch < c; ch++) nx[d * c + ch] = x[s * c + ch]!;
    }
  }
  return { x: nx, y: ny };
}

/** 3x3 binomial blur, image only. */
function blur3(x: Float32Array, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  const k = [1, 2, 1];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0, wsum = 0;
        for (let di = -1; di <= 1; di++) {
          for (let dj = -1; dj <= 1; dj++) {
            const ii = i + di, jj = j + dj;
            if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
            const wt = k[di + 1]! * k[dj + 1]!;
            acc += wt * x[(ii * w + jj) * c + ch]!;
            wsum += wt;
          }
        }
        out[(i * w + j) * c + ch] = acc / wsum;
      }
    }
  }
  return out;
}
