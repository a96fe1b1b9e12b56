import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Volume } from '../../../src-shared/volume/volume.js';
import { initTf } from '../backend.js';
import { defaultPlans } from '../plans.js';
import { createTfjsEngine } from './engines.js';
import { writeTinyModelDir } from './tiny-model.js';
import { openModel } from './open-model.js';
import { segmentVolume } from './segment-volume.js';

let tf: typeof TF;
let dir: string;
const plans = defaultPlans({ inputSize: [32, 32] });

function phantom(nx: number, ny: number, nz: number): Volume<Int16Array> {
  const data = new Int16Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const r = Math.hypot(i - nx / 2, j - ny / 2, (k - nz / 2) * 3);
        data[i + nx * (j + ny * k)] = r < nx / 4 ? 300 + ((i * 7 + j * 3) % 50) : r < nx / 2.5 ? 40 : -900;
      }
  return { dims: [nx, ny, nz], spacingMm: [0.8, 0.8, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data };
}

const writeModel = (target: string, seed: number) => writeTinyModelDir(target, { seed, inputSize: [32, 32] });

beforeAll(async () => {
  tf = (await initTf()).tf;
  dir = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-infer-'));
  await writeModel(dir, 7);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openModel + segmentVolume with the real engines', () => {
  it('exports ONNX once, caches it next to the model, and re-exports when the weights change', async () => {
    const first = await openModel(dir);
    expect(first.engine.name).toBe('onnxruntime-node');
    expect(first.onnxExported).toBe(true);
    expect(first.onnxPath).toBe(path.join(dir, 'model.onnx'));
    const stamp = JSON.parse(await readFile(path.join(dir, 'model.onnx.json'), 'utf8')) as { sourceHash: string };
    expect(stamp.sourceHash).toBe(first.sourceHash);
    await first.engine.dispose();

    const mtime = (await stat(path.join(dir, 'model.onnx'))).mtimeMs;
    const second = await openModel(dir);
    expect(second.onnxExported).toBe(false);
    expect((await stat(path.join(dir, 'model.onnx'))).mtimeMs).toBe(mtime);
    await second.engine.dispose();

    await writeFile(path.join(dir, 'model.onnx'), new Uint8Array(0)); // a truncated export with a valid stamp
    const repaired = await openModel(dir);
    expect(repaired.onnxExported).toBe(true);
    await repaired.engine.dispose();

    const other = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-infer-b-'));
    try {
      await writeModel(other, 8);
      await writeFile(path.join(other, 'model.onnx'), await readFile(path.join(dir, 'model.onnx')));
      await writeFile(path.join(other, 'model.onnx.json'), await readFile(path.join(dir, 'model.onnx.json')));
      const third = await openModel(other); // stale stamp copied from another model
      expect(third.onnxExported).toBe(true);
      expect(third.sourceHash).not.toBe(first.sourceHash);
      await third.engine.dispose();
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('onnxruntime-node and tfjs give the same labels and confidence on a whole volume', async () => {
    const vol = phantom(48, 40, 7);
    const ort = await openModel(dir, { engine: 'onnxruntime-node' });
    const tfm = await openModel(dir, { engine: 'tfjs' });
    expect(tfm.engine.name).toBe('tfjs');
    const pp = { largestComponent: false, fillHoles: false };
    const a = await segmentVolume(vol, { plans: ort.plans, engine: ort.engine, batchSize: 3, postprocess: pp });
    const b = await segmentVolume(vol, { plans: tfm.plans, engine: tfm.engine, batchSize: 3, postprocess: pp });
    await ort.engine.dispose();
    await tfm.engine.dispose();
    let same = 0;
    let confDiff = 0;
    for (let n = 0; n < a.labels.data.length; n++) {
      if (a.labels.data[n] === b.labels.data[n]) same++;
      confDiff = Math.max(confDiff, Math.abs(a.confidence.data[n]! - b.confidence.data[n]!));
    }
    // Random weights: several classes win somewhere, so agreement is not trivially "all background".
    expect(new Set(a.labels.data).size).toBeGreaterThan(1);
    expect(same / a.labels.data.length).toBeGreaterThan(0.999);
    expect(confDiff).toBeLessThanOrEqual(1);
  });

  it('leaks no tensors over 100 tfjs inference calls', async () => {
    const { loadLayersModelFromDir } = await import('./model-folder.js');
    const engine = createTfjsEngine(tf, await loadLayersModelFromDir(tf, dir), 'test');
    const vol = phantom(32, 32, 2);
    // Warm up once: tfjs creates some lazily-built state on the first predict.
    await segmentVolume(vol, { plans, engine, batchSize: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await segmentVolume(vol, { plans, engine, batchSize: 2, postprocess: { largestComponent: false, fillHoles: false } });
    expect(tf.memory().numTensors).toBe(before);
    await engine.dispose();
  });

  it.each(['onnxruntime-node', 'tfjs'] as const)('reports a plan/model input-size mismatch as a MODEL error (%s)', async (engine) => {
    const m = await openModel(dir, { engine });
    const wrongPlan = { ...m.plans, inputSize: [48, 48] as [number, number] };
    try {
      await expect(segmentVolume(phantom(48, 48, 2), { plans: wrongPlan, engine: m.engine })).rejects.toMatchObject({ code: 'MODEL' });
    } finally {
      await m.engine.dispose();
    }
  });

  it('fails clearly on a folder without plans.json', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-infer-c-'));
    try {
      await expect(openModel(empty)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
