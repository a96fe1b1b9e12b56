/** Per-epoch validation on the held-out patients, in inference mode, slice batch by slice batch. */
import type * as TF from '@tensorflow/tfjs';
import type { ValidationMetrics } from '../../../src-shared/contract/training.contract.js';
import type { TrainingCase } from '../data/cases.js';
import type { Plans } from '../plans.js';
import { Confusion } from './metrics.js';
import { picksOf, sampleOf } from './batches.js';

export async function validate(
  tf: typeof TF,
  model: TF.LayersModel,
  cases: TrainingCase[],
  plans: Plans,
  folds: Uint8Array[],
  labeled: number[][],
  batchSize: number,
  yieldFn: () => Promise<void>,
): Promise<ValidationMetrics> {
  const [h, w] = plans.inputSize;
  const c = plans.channelOffsets.length;
  const conf = new Confusion(plans.classes.length);
  const picks = picksOf(cases);
  for (let i = 0; i < picks.length; i += batchSize) {
    const group = picks.slice(i, i + batchSize);
    const samples = group.map((p) => sampleOf(p, plans));
    const xs = new Float32Array(group.length * h * w * c);
    samples.forEach((s, j) => xs.set(s.x, j * h * w * c));
    const pred = tf.tidy(() => (model.predict(tf.tensor4d(xs, [group.length, h, w, c])) as TF.Tensor4D).argMax(-1).toInt());
    const ids = (await pred.data()) as Int32Array;
    pred.dispose();
    group.forEach((p, j) => {
      const d = p.c.datasetIndex;
      conf.add(samples[j]!.y, ids.subarray(j * h * w, (j + 1) * h * w), folds[d]!, labeled[d]!);
    });
    await yieldFn();
  }
  return conf.metrics();
}
