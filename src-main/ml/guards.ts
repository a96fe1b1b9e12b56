/**
 * Checks that make the origin report's silent failure (100 % accuracy, all-black masks) loud.
 * Each one throws an AppError; the quality gate is reported in the training result instead.
 */
import { AppError } from '../../src-shared/errors.js';

/** Every label must be an integer class id in [0, numClasses). Catches /255, RGB and raw codes. */
export function assertLabelRange(label: ArrayLike<number>, numClasses: number, stage: string, expectedLength?: number): void {
  if (expectedLength !== undefined && label.length !== expectedLength) {
    throw new AppError('DATA', `Label map at "${stage}" has ${label.length} values, expected ${expectedLength} (an RGB mask instead of class ids?)`, {
      stage,
      length: label.length,
      expectedLength,
    });
  }
  for (let i = 0; i < label.length; i++) {
    const v = label[i]!;
    if (!(v >= 0 && v < numClasses && Number.isInteger(v))) {
      throw new AppError('DATA', `Label value ${v} at "${stage}" is not a class id in [0, ${numClasses - 1}]`, { stage, index: i, value: v, numClasses });
    }
  }
}

export function classCounts(label: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < label.length; i++) counts[label[i]!]!++;
  return counts;
}

/**
 * A class present in the raw mask must survive preprocessing, and none may appear from nowhere
 * (interpolating a mask invents in-between ids along boundaries).
 */
export function assertClassesKept(raw: number[], after: number[], stage: string, areaScale = 1): void {
  for (let c = 0; c < raw.length; c++) {
    // Downsizing may legitimately drop a structure of a pixel or two; a real one must survive.
    if (raw[c]! * areaScale >= 4 && after[c] === 0) throw new AppError('DATA', `Class ${c} is in the raw mask but missing after ${stage}`, { stage, classId: c, raw, after });
    if (raw[c] === 0 && after[c]! > 0) {
      throw new AppError('DATA', `Class ${c} appeared after ${stage} but is not in the raw mask (interpolated labels?)`, { stage, classId: c, raw, after });
    }
  }
}

/** One-hot targets: every pixel's row sums to exactly 1. */
export function assertOneHotRows(rowSums: Float32Array | Int32Array, stage: string): void {
  for (let i = 0; i < rowSums.length; i++) {
    if (Math.abs(rowSums[i]! - 1) > 1e-5) throw new AppError('DATA', `One-hot row ${i} sums to ${rowSums[i]} at ${stage}, not 1`, { stage, index: i, sum: rowSums[i] });
  }
}

/** The network must end in a softmax over every class (a 1-channel sigmoid head cannot segment 9 classes). */
export function assertSoftmaxHead(outputShape: readonly (number | null)[], numClasses: number, probeRowSums?: Float32Array): void {
  const c = outputShape[outputShape.length - 1];
  if (c !== numClasses) {
    throw new AppError('MODEL', `Model outputs ${c} channels but the plan has ${numClasses} classes (a 1-channel sigmoid head?)`, { outputShape, numClasses });
  }
  if (probeRowSums) {
    for (let i = 0; i < probeRowSums.length; i++) {
      if (Math.abs(probeRowSums[i]! - 1) > 1e-3) {
        throw new AppError('MODEL', `Model output does not sum to 1 over classes (pixel ${i}: ${probeRowSums[i]}); the head must be a softmax`, { index: i });
      }
    }
  }
}

export interface GateFailure {
  classId: number;
  predictedFraction: number;
  trueFraction: number;
  /** Set when the failure is on one validation dataset (the pooled metrics may still pass). */
  dataset?: string;
}

/** Predicted foreground below half the truth on validation patients fails the model. */
export function qualityGate(predFraction: number[], trueFraction: number[], labeled: Set<number>): { passed: boolean; failures: GateFailure[] } {
  const failures: GateFailure[] = [];
  for (let c = 1; c < trueFraction.length; c++) {
    if (!labeled.has(c) || trueFraction[c]! <= 0) continue;
    if (predFraction[c]! < 0.5 * trueFraction[c]!) failures.push({ classId: c, predictedFraction: predFraction[c]!, trueFraction: trueFraction[c]! });
  }
  return { passed: failures.length === 0, failures };
}

/**
 * The gate on each validation dataset alone: a large easy dataset (phantoms) must not hide an
 * all-background prediction on a small real one, which pooled metrics would average away.
 */
export function datasetGateFailures(
  byDataset: Record<string, { predictedFraction: number[]; trueFraction: number[] }>,
  labeledById: Record<string, Set<number>>,
): GateFailure[] {
  return Object.entries(byDataset).flatMap(([id, m]) =>
    qualityGate(m.predictedFraction, m.trueFraction, labeledById[id] ?? new Set()).failures.map((f) => ({ ...f, dataset: id })),
  );
}
