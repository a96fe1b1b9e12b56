/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher) on a voxel box with
 * anisotropic spacing. Direction cosines do not matter here: they are orthonormal, so distances
 * between voxel centres depend on index deltas scaled by spacing only.
 */
const FAR = 1e20;

export interface Box3 {
  /** Inclusive index bounds in the source grid. */
  min: [number, number, number];
  max: [number, number, number];
}

export const boxDims = (b: Box3): [number, number, number] => [b.max[0] - b.min[0] + 1, b.max[1] - b.min[1] + 1, b.max[2] - b.min[2] + 1];

/** Squared distance (mm²) from every voxel of the box to the nearest voxel where `isFeature`. */
export function squaredDistanceTransform(
  dims: [number, number, number],
  spacing: [number, number, number],
  isFeature: (boxIndex: number) => boolean,
): Float32Array {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = isFeature(i) ? 0 : FAR;
  const maxLen = Math.max(nx, ny, nz);
  const f = new Float64Array(maxLen);
  const out = new Float64Array(maxLen);
  const v = new Int32Array(maxLen);
  const z = new Float64Array(maxLen + 1);
  const lines: [number, number, number, number, number][] = [
    // [axis length, stride along the axis, count of lines, outer stride helpers]
    [nx, 1, ny * nz, 0, 0],
    [ny, nx, nx * nz, 0, 0],
    [nz, nx * ny, nx * ny, 0, 0],
  ];
  for (let axis = 0; axis < 3; axis++) {
    const [len, stride] = lines[axis];
    const s = spacing[axis];
    if (len === 1) continue;
    for (let line = 0; line < lines[axis][2]; line++) {
      let start: number;
      if (axis === 0) start = line * nx;
      else if (axis === 1) start = (line % nx) + Math.floor(line / nx) * nx * ny;
      else start = line;
      let any = false;
      for (let q = 0; q < len; q++) {
        const val = g[start + q * stride];
        f[q] = val;
        if (val < FAR) any = true;
      }
      if (!any) continue;
      edt1d(f, len, s, out, v, z);
      for (let q = 0; q < len; q++) g[start + q * stride] = out[q];
    }
  }
  return g;
}

function edt1d(f: Float64Array, n: number, s: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    if (f[q] >= FAR) continue;
    const xq = q * s;
    let inter: number;
    for (;;) {
      const p = v[k];
      const xp = p * s;
      inter = f[p] >= FAR ? -Infinity : (f[q] + xq * xq - (f[p] + xp * xp)) / (2 * (xq - xp));
      if (inter <= z[k] && k > 0) k--;
      else break;
    }
    if (f[v[k]] >= FAR) {
      // The seed parabola at index 0 was "infinitely high": replace it.
      v[k] = q;
      z[k] = -Infinity;
      z[k + 1] = Infinity;
      continue;
    }
    if (inter <= z[k]) {
      v[k] = q;
      z[k + 1] = Infinity;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = inter;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    const xq = q * s;
    while (z[k + 1] < xq) k++;
    const p = v[k];
    const dx = xq - p * s;
    d[q] = f[p] >= FAR ? FAR : dx * dx + f[p];
  }
}
