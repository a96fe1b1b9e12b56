import { describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { initTf } from '../backend.js';
import { syntheticCase } from '../data/synthetic.js';
import { defaultPlans, mergeMatrix } from '../plans.js';
import { volumeSlices } from '../preprocess.js';
import { buildUNet } from '../unet.js';
import { makeBatch } from './batches.js';
import { segmentationLoss } from './loss.js';
import { Confusion } from './metrics.js';

describe('overfit one batch (wasm)', () => {
  it('a tiny U-Net reaches Dice > 0.9 on every present class within 200 steps', async () => {
    const { tf, name } = await initTf(['wasm']);
    expect(name).toBe('wasm');
    const plans = defaultPlans({ inputSize: [32, 32], architecture: { baseFilters: 8, depth: 2, batchNorm: false, convsPerBlock: 2 } });
    const ds = { id: 's', kind: 'synthetic' as const, source: 'ct' as const, codeMap: {}, labeledClasses: [0, 1, 2, 3, 5], mergedInto: {} };
    plans.datasets = [ds];
    const v = syntheticCase({ size: 32, slices: 8, seed: 11 });
    const n = 32 * 32;
    const c = { patientId: 'p', datasetIndex: 0, image: volumeSlices(v.dims, v.image, 'ct'), label: (z: number) => v.label.subarray(z * n, (z + 1) * n), zs: [3, 4] };
    const picks = c.zs.map((z) => ({ c, z }));
    const before = tf.memory().numTensors;
    const model = buildUNet(tf, plans.architecture, { inputSize: [32, 32], channels: 3, numClasses: 9 }, 3);
    const opt = tf.train.adam(1e-2);
    const batch = makeBatch(tf, picks, plans, [mergeMatrix(plans, ds)], [ds.labeledClasses], null);
    const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
    const dice = () => {
      const pred = tf.tidy(() => (model.predict(batch.x) as TF.Tensor).argMax(-1).dataSync() as Int32Array);
      const truth = tf.tidy(() => batch.target.argMax(-1).dataSync() as Int32Array);
      const conf = new Confusion(9);
      conf.add(truth, pred, [0, 1, 2, 3, 4, 5, 6, 7, 8], ds.labeledClasses);
      return conf.metrics().dice;
    };
    let steps = 0, d = dice();
    const present = [1, 2, 3, 5];
    while (steps < 200) {
      for (let i = 0; i < 10; i++, steps++) {
        tf.dispose(opt.minimize(() => segmentationLoss(tf, model.apply(batch.x, { training: true }) as TF.Tensor4D, batch.target, batch.merge, batch.diceMask, { crossEntropy: 1, dice: 1 }), true, vars) ?? []);
      }
      d = dice();
      if (present.every((cls) => (d[cls] ?? 0) > 0.9)) break;
    }
    for (const cls of present) expect(d[cls], `class ${cls} after ${steps} steps`).toBeGreaterThan(0.9);
    expect(steps).toBeLessThanOrEqual(200);
    tf.dispose([batch.x, batch.target, batch.merge, batch.diceMask]);
    model.dispose();
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
