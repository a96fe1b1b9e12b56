/**
 * Resample a stack with uneven slice steps onto equal steps along k (linear interpolation between
 * the two nearest slices), so the volume's affine places every slice where the scanner put it.
 * dcm2niix does the same (its "_Eq" output). The grid keeps the first and last slices exactly.
 */
export interface Equalized<T> {
  data: T;
  slices: number;
  spacingMm: number;
  /** For each new slice, the nearest original slice (for per-slice source references). */
  nearestSource: number[];
}

export function equalizeSlices<T extends Int16Array<ArrayBuffer> | Float32Array<ArrayBuffer>>(data: T, plane: number, offsetsMm: number[], stepMm: number): Equalized<T> {
  const last = offsetsMm.length - 1;
  const first = offsetsMm[0] as number;
  const span = (offsetsMm[last] as number) - first;
  const slices = Math.max(2, Math.round(span / stepMm) + 1);
  const spacingMm = span / (slices - 1);
  const out = (data instanceof Int16Array ? new Int16Array(plane * slices) : new Float32Array(plane * slices)) as T;
  const round = data instanceof Int16Array;
  const nearestSource: number[] = [];
  let k = 0;
  for (let j = 0; j < slices; j++) {
    const t = first + j * spacingMm;
    while (k < last - 1 && (offsetsMm[k + 1] as number) < t) k++;
    const o0 = offsetsMm[k] as number;
    const o1 = offsetsMm[k + 1] as number;
    const w = Math.min(1, Math.max(0, (t - o0) / (o1 - o0)));
    nearestSource.push(w < 0.5 ? k : k + 1);
    const dst = j * plane;
    // Within a micrometre of an original slice: copy it, so original values survive bit for bit.
    if ((t - o0) < 1e-3 || (o1 - t) < 1e-3) {
      const src = ((t - o0) < 1e-3 ? k : k + 1) * plane;
      out.set(data.subarray(src, src + plane), dst);
      continue;
    }
    const a = k * plane;
    const b = (k + 1) * plane;
    for (let i = 0; i < plane; i++) {
      const v = (data[a + i] as number) * (1 - w) + (data[b + i] as number) * w;
      out[dst + i] = round ? Math.round(v) : v;
    }
  }
  return { data: out, slices, spacingMm, nearestSource };
}
