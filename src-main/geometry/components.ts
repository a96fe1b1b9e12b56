/**
 * 26-connected components of a box mask; keeps the largest and any piece at least `keepFraction`
 * of its size (a mitral contact is one patch; stray touches elsewhere are segmentation noise).
 */
export function largestComponents(
  mask: Uint8Array,
  dims: [number, number, number],
  keepFraction: number,
): { keep: Uint8Array; dropped: number; componentSizes: number[] } {
  const [nx, ny, nz] = dims;
  const n = mask.length;
  const comp = new Int32Array(n);
  const queue = new Int32Array(n);
  const sizes: number[] = [0];
  for (let seed = 0; seed < n; seed++) {
    if (!mask[seed] || comp[seed]) continue;
    const id = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    comp[seed] = id;
    while (head < tail) {
      const c = queue[head++];
      const i = c % nx;
      const j = Math.floor(c / nx) % ny;
      const k = Math.floor(c / (nx * ny));
      for (let dk = -1; dk <= 1; dk++) {
        const kk = k + dk;
        if (kk < 0 || kk >= nz) continue;
        for (let dj = -1; dj <= 1; dj++) {
          const jj = j + dj;
          if (jj < 0 || jj >= ny) continue;
          for (let di = -1; di <= 1; di++) {
            const ii = i + di;
            if (ii < 0 || ii >= nx) continue;
            const q = ii + nx * (jj + ny * kk);
            if (mask[q] && !comp[q]) {
              comp[q] = id;
              queue[tail++] = q;
            }
          }
        }
      }
    }
    sizes.push(tail);
  }
  const largest = Math.max(0, ...sizes);
  const keepId = sizes.map((s, id) => id > 0 && s >= keepFraction * largest);
  const keep = new Uint8Array(n);
  let dropped = 0;
  for (let c = 0; c < n; c++) {
    const id = comp[c];
    if (!id) continue;
    if (keepId[id]) keep[c] = 1;
    else dropped++;
  }
  return { keep, dropped, componentSizes: sizes.slice(1).sort((a, b) => b - a) };
}
