import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type * as TF from '@tensorflow/tfjs';
import dicomParser from 'dicom-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../../tests/helpers/paths.js';
import { initTf } from '../backend.js';
import { defaultPlans } from '../plans.js';
import { preprocessSlices, volumeSlices } from '../preprocess.js';
import { exportLayersModelToOnnx } from './export.js';
import { buildUNet } from '../unet.js';
import { buildTestUnet, randomizeBatchNorm } from './fixtures.js';
import { createOrtRunner } from './runtime.js';
import { isAppError } from '../../../src-shared/errors.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = (await initTf()).tf;
});

async function maxDiff(model: TF.LayersModel, x: Float32Array, shape: [number, number, number, number]) {
  const runner = await createOrtRunner(exportLayersModelToOnnx(model));
  try {
    const onnxOut = await runner.run(x, shape);
    const y = tf.tidy(() => model.predict(tf.tensor4d(x, shape)) as TF.Tensor);
    const ref = y.dataSync() as Float32Array;
    expect(onnxOut.shape).toEqual(y.shape);
    y.dispose();
    expect(onnxOut.data.length).toBe(ref.length);
    let m = 0;
    for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i]! - onnxOut.data[i]!));
    return { max: m, onnx: onnxOut.data, ref };
  } finally {
    await runner.release();
  }
}

const random = (n: number, seed: number) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  });
};

describe('tfjs U-Net -> ONNX', () => {
  it.each([false, true])('matches tfjs on random input (batchNorm=%s, batch 2, non-square)', async (batchNorm) => {
    const model = buildTestUnet(tf, { inputSize: null, channels: 3, classes: 9, widths: [8, 16, 32], batchNorm, seed: 3 });
    const shape: [number, number, number, number] = [2, 64, 48, 3];
    const { max, onnx } = await maxDiff(model, random(2 * 64 * 48 * 3, 11), shape);
    expect(max).toBeLessThan(1e-4);
    // Softmax over classes: every pixel's 9 probabilities sum to 1 (catches a wrong Softmax axis).
    for (let p = 0; p < 50; p++) expect(onnx.slice(p * 9, p * 9 + 9).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('exports the training builder\'s U-Net (src-main/ml/unet.ts: BN + ReLU layers + Softmax layer head)', async () => {
    const model = buildUNet(tf, { baseFilters: 4, depth: 3, batchNorm: true, convsPerBlock: 2 }, { inputSize: [64, 64], channels: 3, numClasses: 9 });
    randomizeBatchNorm(tf, model, 9);
    const { max } = await maxDiff(model, random(3 * 64 * 64 * 3, 21), [3, 64, 64, 3]);
    expect(max).toBeLessThan(1e-4);
    model.dispose();
  });

  const ct = dataPath('dicom', 'ct-transfer-syntaxes', 'testImages', 'CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm');
  it.skipIf(!existsSync(ct))('matches tfjs on a real CT slice through the shared preprocess', async () => {
    const bytes = new Uint8Array(await readFile(ct));
    const ds = dicomParser.parseDicom(bytes);
    const px = ds.elements.x7fe00010!;
    const rows = ds.uint16('x00280010')!;
    const cols = ds.uint16('x00280011')!;
    const raw = new Int16Array(bytes.buffer.slice(bytes.byteOffset + px.dataOffset, bytes.byteOffset + px.dataOffset + px.length));
    const slope = ds.floatString('x00281053') ?? 1;
    const icpt = ds.floatString('x00281052') ?? 0;
    const hu = Int16Array.from(raw, (v) => v * slope + icpt);
    const plans = defaultPlans({ inputSize: [128, 128] });
    const x = preprocessSlices(volumeSlices([cols, rows, 1], hu, 'ct'), [0], plans);
    expect(new Set(x).size).toBeGreaterThan(100); // a real image, not a constant
    const model = buildTestUnet(tf, { inputSize: [128, 128], channels: 3, classes: 9, widths: [8, 16, 32], batchNorm: true, seed: 5 });
    const { max } = await maxDiff(model, x, [1, 128, 128, 3]);
    expect(max).toBeLessThan(1e-4);
    model.dispose();
  });

  it('covers strided/dilated/odd-size conv, same-padded pooling, k3 s2 transposed conv, Add, ReLU, Softmax layer', async () => {
    const input = tf.input({ shape: [null, null, 2] as unknown as number[] });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(input) as TF.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 4, kernelSize: [3, 5], dilationRate: 2, padding: 'same', activation: 'tanh' }).apply(a) as TF.SymbolicTensor;
    const c = tf.layers.add().apply([a, b]) as TF.SymbolicTensor;
    const d = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(c) as TF.SymbolicTensor;
    const e = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' }).apply(d) as TF.SymbolicTensor;
    const f = tf.layers.reLU({ maxValue: 0.6 }).apply(e) as TF.SymbolicTensor;
    const g = tf.layers.dropout({ rate: 0.5 }).apply(f) as TF.SymbolicTensor;
    const h = tf.layers.conv2d({ filters: 5, kernelSize: 2, padding: 'valid' }).apply(g) as TF.SymbolicTensor;
    const out = tf.layers.softmax({ axis: -1 }).apply(h) as TF.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const shape: [number, number, number, number] = [1, 23, 17, 2];
    const { max } = await maxDiff(model, random(23 * 17 * 2, 5).map((v) => v * 4 - 2), shape);
    expect(max).toBeLessThan(1e-4);
    model.dispose();
  });

  it('refuses a layer it cannot translate, naming it', () => {
    const input = tf.input({ shape: [8, 8, 1] });
    const up = tf.layers.upSampling2d({ size: [2, 2], name: 'the_upsampler' }).apply(input) as TF.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: up });
    let err: unknown;
    try {
      exportLayersModelToOnnx(model);
    } catch (e) {
      err = e;
    }
    expect(isAppError(err) && err.code === 'UNSUPPORTED' && err.message.includes('the_upsampler')).toBe(true);
    model.dispose();
  });
});
