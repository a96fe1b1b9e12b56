/** Overlap of two label maps on the same grid, per class id (null where both are empty). */
export function diceByClass(truth: ArrayLike<number>, pred: ArrayLike<number>, numClasses: number): (number | null)[] {
  if (truth.length !== pred.length) throw new RangeError(`label maps differ in size (${truth.length} vs ${pred.length})`);
  const inter = new Float64Array(numClasses);
  const t = new Float64Array(numClasses);
  const p = new Float64Array(numClasses);
  for (let i = 0; i < truth.length; i++) {
    const a = truth[i] as number;
    const b = pred[i] as number;
    if (a < numClasses) t[a]++;
    if (b < numClasses) p[b]++;
    if (a === b && a < numClasses) inter[a]++;
  }
  return Array.from({ length: numClasses }, (_, c) => (t[c] + p[c] > 0 ? (2 * inter[c]) / (t[c] + p[c]) : null));
}
