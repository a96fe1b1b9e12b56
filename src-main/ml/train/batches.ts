/** Turning (case, slice) picks into guarded, augmented network batches. */
import type * as TF from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';
import type { TrainingCase } from '../data/cases.js';
import { assertOneHotRows } from '../guards.js';
import type { Plans } from '../plans.js';
import { preprocessLabel, preprocessSlice } from '../preprocess.js';
import { augment } from './augment.js';

export interface Pick {
  c: TrainingCase;
  z: number;
}

export function picksOf(cases: TrainingCase[]): Pick[] {
  return cases.flatMap((c) => c.zs.map((z) => ({ c, z })));
}

export function shuffle<T>(a: T[], rnd: () => number): T[] {
  const b = [...a];
  for (let i = b.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [b[i], b[j]] = [b[j]!, b[i]!];
  }
  return b;
}

export function sampleOf(p: Pick, plans: Plans): { x: Float32Array; y: Uint8Array } {
  const label = p.c.label(p.z);
  if (!label) throw new AppError('DATA', `Patient ${p.c.patientId} has no label for slice ${p.z}`);
  return { x: preprocessSlice(p.c.image, p.z, plans), y: preprocessLabel(label, p.c.image.width, p.c.image.height, plans) };
}

export interface BatchTensors {
  x: TF.Tensor4D;
  target: TF.Tensor4D;
  merge: TF.Tensor3D;
  diceMask: TF.Tensor1D;
}

/**
 * Build one training batch. `merges[d]` is dataset d's [K*K] merge matrix and `labeled[d]` its
 * labelled classes; the one-hot rows are checked to sum to 1 before they reach the loss.
 */
export function makeBatch(tf: typeof TF, picks: Pick[], plans: Plans, merges: Float32Array[], labeled: number[][], rnd: (() => number) | null): BatchTensors {
  const [h, w] = plans.inputSize;
  const c = plans.channelOffsets.length;
  const k = plans.classes.length;
  const b = picks.length;
  const xs = new Float32Array(b * h * w * c);
  const ys = new Int32Array(b * h * w);
  const mg = new Float32Array(b * k * k);
  const mask = new Float32Array(k);
  picks.forEach((p, i) => {
    let s = sampleOf(p, plans);
    if (rnd) s = augment(s, h, w, c, k, rnd);
    xs.set(s.x, i * h * w * c);
    ys.set(s.y, i * h * w);
    mg.set(merges[p.c.datasetIndex]!, i * k * k);
    for (const cls of labeled[p.c.datasetIndex]!) if (cls > 0) mask[cls] = 1;
  });
  return tf.tidy(() => {
    const target = tf.oneHot(tf.tensor1d(ys, 'int32'), k).toFloat().reshape([b, h, w, k]) as TF.Tensor4D;
    assertOneHotRows(tf.sum(target, -1).dataSync() as Float32Array, 'training batch');
    return {
      x: tf.tensor4d(xs, [b, h, w, c]),
      target,
      merge: tf.tensor3d(mg, [b, k, k]),
      diceMask: tf.tensor1d(mask),
    };
  });
}
