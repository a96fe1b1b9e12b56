import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import type { TrainingResult } from '../../../src-shared/contract/training.contract.js';
import { isAppError } from '../../../src-shared/errors.js';
import { initTf } from '../backend.js';
import { loadModelFolder, saveModelFolder } from '../model-io.js';
import { defaultPlans, mergeMatrix } from '../plans.js';
import { loadDataset } from '../data/cases.js';
import { qualityGate } from '../guards.js';
import { buildUNet } from '../unet.js';
import { foldTable } from './metrics.js';
import { validate } from './validate.js';
import { checkHead, runTraining } from './trainer.js';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-train-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('training on a small synthetic set (wasm, in-process)', () => {
  let result: TrainingResult;
  const outDir = path.join(tmp, 'model');
  const epochs: number[] = [];

  it('reaches validation Dice > 0.8 on every class, split by patient', async () => {
    const { tf, name } = await initTf(['wasm']);
    const before = tf.memory().numTensors;
    result = await runTraining(
      tf,
      name,
      {
        datasets: [{ kind: 'synthetic', patients: 6, size: 32, slices: 10, seed: 3 }],
        outDir,
        epochs: 20,
        batchSize: 4,
        learningRate: 5e-3,
        architecture: { inputSize: [32, 32], baseFilters: 8, depth: 2, batchNorm: true },
        validationFraction: 0.34,
        earlyStoppingPatience: 6,
      },
      { onEpoch: (e) => epochs.push(e.epoch) },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(result.validationPatients.length).toBe(2);
    expect(result.trainPatients.some((p) => result.validationPatients.includes(p))).toBe(false);
    for (const c of [1, 2, 3, 5]) expect(result.validation.dice[c], `class ${c}: ${JSON.stringify(result.validation.dice)}`).toBeGreaterThan(0.8);
    expect(result.validation.dice[4]).toBeNull();
    expect(result.validation.accuracy).toBeGreaterThan(result.validation.allBackgroundAccuracy);
    expect(result.qualityGate.passed).toBe(true);
    expect(epochs[0]).toBe(1);
    expect(result.history.length).toBe(result.epochsRun);
  });

  it('save -> load gives identical predictions and no tensor growth over 100 calls', async () => {
    const { tf } = await initTf(['wasm']);
    const a = await loadModelFolder(tf, outDir);
    const copy = path.join(tmp, 'copy');
    await saveModelFolder(tf, a.model, a.plans, copy);
    const b = await loadModelFolder(tf, copy);
    expect(b.plans).toEqual(a.plans);
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 9);
    const pa = a.model.predict(x) as TF.Tensor;
    const pb = b.model.predict(x) as TF.Tensor;
    expect(Array.from(await pb.data())).toEqual(Array.from(await pa.data()));
    tf.dispose([pa, pb]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) tf.tidy(() => (a.model.predict(x) as TF.Tensor).argMax(-1)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    a.model.dispose();
    b.model.dispose();
  });

  it('refuses a model with a 1-channel sigmoid head (training start and model loading)', async () => {
    const { tf } = await initTf(['wasm']);
    const input = tf.input({ shape: [32, 32, 3] });
    const out = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(input) as TF.SymbolicTensor;
    const sigmoid = tf.model({ inputs: input, outputs: out });
    const plans = defaultPlans({ inputSize: [32, 32] });
    const headErr = (() => {
      try {
        checkHead(tf, sigmoid, plans);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(isAppError(headErr) && headErr.code).toBe('MODEL');
    expect(String((headErr as Error).message)).toMatch(/1 channels/);
    const dir = path.join(tmp, 'sigmoid');
    await saveModelFolder(tf, sigmoid, plans, dir);
    sigmoid.dispose();
    const err = await loadModelFolder(tf, dir).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('MODEL');
  });

  it('an all-background model scores the all-background accuracy and fails the quality gate', async () => {
    const { tf } = await initTf(['wasm']);
    const plans = defaultPlans({ inputSize: [32, 32], architecture: { baseFilters: 2, depth: 1, batchNorm: false, convsPerBlock: 1 } });
    const ds = await loadDataset({ kind: 'synthetic', patients: 2, size: 32, slices: 4, seed: 8 }, 0);
    plans.datasets = [ds.plan];
    const model = buildUNet(tf, plans.architecture, { inputSize: [32, 32], channels: 3, numClasses: 9 });
    // The origin report's model: background always wins.
    const logits = model.getLayer('logits');
    const [kernel] = logits.getWeights();
    const fixed = [tf.zerosLike(kernel!), tf.tensor1d([50, 0, 0, 0, 0, 0, 0, 0, 0])];
    logits.setWeights(fixed);
    tf.dispose(fixed);
    const merge = mergeMatrix(plans, ds.plan);
    const m = await validate(tf, model, ds.cases, plans, [foldTable(merge, 9)], [ds.plan.labeledClasses], 4, async () => undefined);
    model.dispose();
    expect(m.accuracy).toBe(m.allBackgroundAccuracy);
    expect(m.accuracy).toBeGreaterThan(0.85);
    expect(m.meanForegroundDice).toBe(0);
    const gate = qualityGate(m.predictedFraction, m.trueFraction, new Set(ds.plan.labeledClasses));
    expect(gate.passed).toBe(false);
    expect(gate.failures.map((f) => f.classId).sort()).toEqual([1, 2, 3, 5]);
  });

  it('stops early when validation stops improving', async () => {
    const { tf, name } = await initTf(['wasm']);
    const r = await runTraining(tf, name, {
      datasets: [{ kind: 'synthetic', patients: 2, size: 16, slices: 2 }],
      outDir: path.join(tmp, 'early'),
      epochs: 10,
      learningRate: 1e-12, // weights frozen in effect: no epoch can beat the first
      architecture: { inputSize: [16, 16], baseFilters: 2, depth: 1, batchNorm: false },
      earlyStoppingPatience: 2,
      augment: false,
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochsRun).toBe(3);
    expect(r.bestEpoch).toBe(1);
  });

  it('rejects a corrupt checkpoint state instead of silently restarting', async () => {
    const { tf, name } = await initTf(['wasm']);
    const dir = path.join(tmp, 'corrupt');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(dir, 'checkpoint'), { recursive: true }));
    await writeFile(path.join(dir, 'checkpoint', 'state.json'), JSON.stringify({ version: 1, epochsCompleted: 'two' }));
    const err = await runTraining(tf, name, {
      datasets: [{ kind: 'synthetic', patients: 2, size: 16, slices: 2 }],
      outDir: dir,
      epochs: 1,
      architecture: { inputSize: [16, 16] },
      resume: true,
    }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('DATA');
  });
});
