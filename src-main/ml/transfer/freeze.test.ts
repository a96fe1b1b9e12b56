import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTf } from '../backend.js';
import { loadDataset, splitByPatient } from '../data/cases.js';
import { buildTransferModel, type TransferModel } from './build.js';
import { fitTransfer, type TransferData } from './fit.js';
import { buildBrainLikeUnet } from './fixtures.js';
import { pinInferenceMode } from './freeze.js';
import { importPretrained } from './import.js';
import { fsSaver } from './io-fs.js';
import { planStages } from './schedule.js';

type Snapshot = Map<string, Float32Array[]>;
const snapshot = (m: tf.LayersModel): Snapshot => new Map(m.layers.map((l) => [l.name, l.getWeights().map((w) => w.dataSync().slice() as Float32Array)]));
const same = (a: Float32Array[] | undefined, b: Float32Array[] | undefined) => !!a && !!b && a.length === b.length && a.every((x, i) => Buffer.from(x.buffer).equals(Buffer.from((b[i] as Float32Array).buffer)));

describe('transfer freezing', () => {
  let dir: string;
  let tm: TransferModel;
  let data: TransferData;
  beforeAll(async () => {
    await initTf(['wasm', 'cpu']);
    dir = await mkdtemp(path.join(os.tmpdir(), 'transfer-freeze-'));
    await buildBrainLikeUnet(16, 4).save(fsSaver(dir));
    tm = await buildTransferModel(await importPretrained(dir), { inputSize: [16, 16], decoderFilters: 4 });
    const ds = await loadDataset({ kind: 'synthetic', patients: 3, size: 16, slices: 4, seed: 2 }, 0);
    const split = splitByPatient(ds.cases, 0.34, 1);
    data = { train: split.train, val: split.val, datasets: [ds.plan] };
  });
  afterAll(async () => {
    tm?.model.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps frozen weights and BatchNorm statistics bit-identical, then trains the unfrozen block', async () => {
    const { meta, model } = tm;
    expect(meta.cut).toBe('activation_5');
    expect(meta.skips).toEqual(['activation_1', 'activation_3']);
    expect(meta.pinnedBatchNorm).toHaveLength(6);
    const before = snapshot(model);
    const [s0] = await fitTransfer(tm, data, { stages: [{ unfrozenBlocks: 0, epochs: 2, learningRate: 1e-2 }], batchSize: 4 });
    const mid = snapshot(model);
    for (const l of meta.encoderLayers) expect(same(before.get(l), mid.get(l)), `${l} must be unchanged while frozen`).toBe(true);
    for (const l of ['tdec0_conv0', 'tdec1_conv1', 'logits']) expect(same(before.get(l), mid.get(l)), `${l} must train`).toBe(false);
    // Decoder BatchNorm is not pinned: its moving statistics do move.
    expect(same(before.get('tdec0_bn0'), mid.get('tdec0_bn0'))).toBe(false);
    expect(s0?.trainableParams).toBeGreaterThan(0);

    const deepest = meta.blocks[0] as string[];
    const [s1] = await fitTransfer(tm, data, { stages: [{ unfrozenBlocks: 1, epochs: 1, learningRate: 1e-3 }], batchSize: 4 });
    const after = snapshot(model);
    expect(s1!.trainableParams).toBeGreaterThan(s0!.trainableParams);
    expect(same(mid.get('conv2d_5'), after.get('conv2d_5')), 'unfrozen bottleneck conv must change').toBe(false);
    expect(same(mid.get('conv2d_4'), after.get('conv2d_4'))).toBe(false);
    for (const l of meta.encoderLayers.filter((n) => !deepest.includes(n))) expect(same(mid.get(l), after.get(l)), `${l} still frozen`).toBe(true);
    // Unfrozen BatchNorm trains gamma/beta but its moving statistics stay (inference mode).
    const bnMid = mid.get('batch_normalization_5') as Float32Array[];
    const bnAfter = after.get('batch_normalization_5') as Float32Array[];
    expect(same(bnMid.slice(2), bnAfter.slice(2)), 'moving mean/variance unchanged').toBe(true);
    expect(same(bnMid.slice(0, 2), bnAfter.slice(0, 2)), 'gamma/beta trained').toBe(false);
  });

  it('plans stages from the bottleneck outwards with a lower learning rate', () => {
    const { stages } = planStages(tm.meta, { epochs: 8, learningRate: 1e-3 });
    expect(stages.map((s) => s.unfrozenBlocks)).toEqual([0, 1, 2, 3]);
    expect(stages.reduce((a, s) => a + s.epochs, 0)).toBe(8);
    expect(stages[1]!.learningRate).toBeLessThan(stages[0]!.learningRate);
  });

  it('control: an unpinned trainable=false BatchNorm still moves its statistics in tfjs', () => {
    const input = tf.input({ shape: [4, 4, 2] });
    const bn = tf.layers.batchNormalization({ trainable: false });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1 });
    const m = tf.model({ inputs: input, outputs: bn.apply(conv.apply(input)) as tf.SymbolicTensor });
    const x = tf.randomNormal([2, 4, 4, 2], 3, 2, 'float32', 1);
    const step = () => {
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      tf.train.sgd(0.1).minimize(() => tf.mean(tf.square(m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, false, vars);
      return bn.getWeights()[2]!.dataSync().slice();
    };
    const mean0 = bn.getWeights()[2]!.dataSync().slice();
    expect(Array.from(step())).not.toEqual(Array.from(mean0));
    pinInferenceMode(bn);
    const mean1 = bn.getWeights()[2]!.dataSync().slice();
    expect(Array.from(step())).toEqual(Array.from(mean1));
  });
});
