/**
 * Validation metrics from a confusion matrix of argmax predictions (folded into each dataset's
 * class space) against the truth: per-class Dice and IoU, foreground fractions, accuracy and
 * the all-background accuracy that accuracy must beat to mean anything.
 */
import type { ValidationMetrics } from '../../../src-shared/contract/training.contract.js';

export class Confusion {
  readonly m: Float64Array;
  /** Classes labelled by at least one validation dataset. */
  readonly labeled = new Set<number>();
  constructor(readonly k: number) {
    this.m = new Float64Array(k * k);
  }

  /** truth/pred are class ids; `fold[c]` maps a model class into the dataset's space. */
  add(truth: ArrayLike<number>, pred: ArrayLike<number>, fold: ArrayLike<number>, labeled: Iterable<number>): void {
    for (const c of labeled) this.labeled.add(c);
    for (let i = 0; i < truth.length; i++) this.m[truth[i]! * this.k + fold[pred[i]!]!]!++;
  }

  metrics(): ValidationMetrics {
    const k = this.k;
    let total = 0, correct = 0;
    const rowSum = new Array<number>(k).fill(0), colSum = new Array<number>(k).fill(0);
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) {
        const v = this.m[t * k + p]!;
        total += v;
        rowSum[t]! += v;
        colSum[p]! += v;
        if (t === p) correct += v;
      }
    }
    const dice: (number | null)[] = [], iou: (number | null)[] = [];
    for (let c = 0; c < k; c++) {
      const tp = this.m[c * k + c]!, fn = rowSum[c]! - tp, fp = colSum[c]! - tp;
      const present = this.labeled.has(c) && tp + fn + fp > 0;
      dice.push(present ? (2 * tp) / (2 * tp + fp + fn) : null);
      iou.push(present ? tp / (tp + fp + fn) : null);
    }
    const fg = dice.slice(1).filter((d): d is number => d !== null);
    return {
      dice,
      iou,
      predictedFraction: colSum.map((v) => (total ? v / total : 0)),
      trueFraction: rowSum.map((v) => (total ? v / total : 0)),
      accuracy: total ? correct / total : 0,
      allBackgroundAccuracy: total ? rowSum[0]! / total : 0,
      meanForegroundDice: fg.length ? fg.reduce((a, b) => a + b, 0) / fg.length : 0,
    };
  }
}

/** fold table for a merge matrix [K x K] (row c has a single 1 at its target class). */
export function foldTable(merge: Float32Array, k: number): Uint8Array {
  const t = new Uint8Array(k);
  for (let c = 0; c < k; c++) for (let d = 0; d < k; d++) if (merge[c * k + d] === 1) t[c] = d;
  return t;
}
