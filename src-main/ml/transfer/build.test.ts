import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-shared/errors.js';
import { saveModelFolder } from '../model-io.js';
import { DEFAULT_UNET, defaultPlans } from '../plans.js';
import { buildUNet } from '../unet.js';
import { buildTransferModel } from './build.js';
import { buildBrainLikeUnet } from './fixtures.js';
import { importPretrained, instantiate } from './import.js';
import { inspectModel } from './inspect.js';
import { fsSaver } from './io-fs.js';
import { loadPretrained } from './pretrained-loader.js';
import { saveTransferModel } from './run.js';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

describe('building transfer models', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(path.join(os.tmpdir(), 'transfer-build-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('inspect honours overrides by name and rejects unknown or late skips', () => {
    const m = buildBrainLikeUnet(16, 2);
    const o = inspectModel(m, { cut: 'activation_3', skips: ['activation_1'] });
    expect([o.cut, o.skips, o.reason.startsWith('override')]).toEqual(['activation_3', ['activation_1'], true]);
    expect(o.layers.find((l) => l.name === 'activation_3')?.outputShape).toEqual([null, 8, 8, 4]);
    const unknown = (() => { try { inspectModel(m, { cut: 'nope' }); } catch (e) { return e; } })();
    expect(isAppError(unknown) && unknown.code).toBe('NOT_FOUND');
    const late = (() => { try { inspectModel(m, { cut: 'activation_3', skips: ['activation_5'] }); } catch (e) { return e; } })();
    expect(isAppError(late) && late.code).toBe('VALIDATION');
  });

  it('feeds a 1-channel encoder the centre of 3 slices, at another input size, with its intensity scale', async () => {
    const src = buildBrainLikeUnet(16, 2, 1);
    const folder = path.join(dir, 'mono');
    await src.save(fsSaver(folder));
    const tm = await buildTransferModel(await importPretrained(folder), { inputSize: [32, 32], encoderInput: { scale: 255, offset: -10, note: 'expects 0..255' } });
    expect(tm.meta.adapter).toMatchObject({ layer: 'transfer_adapter', from: 3, to: 1, trainable: false });
    const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 9);
    const enc = tf.model({ inputs: tm.model.inputs, outputs: tm.model.getLayer('activation_5').output as tf.SymbolicTensor });
    const ref = await instantiate(await importPretrained(folder), [32, 32]);
    const refEnc = tf.model({ inputs: ref.inputs, outputs: ref.getLayer('activation_5').output as tf.SymbolicTensor });
    const centre = x.slice([0, 0, 0, 1], [1, 32, 32, 1]).mul(255).sub(10);
    expect(maxDiff(enc.predict(x) as tf.Tensor, refEnc.predict(centre) as tf.Tensor)).toBeLessThan(1e-3);
    const y = tm.model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 32, 32, 9]);
    expect(Math.abs(tf.sum(y, -1).mean().dataSync()[0]! - 1)).toBeLessThan(1e-5);
  });

  it('fine-tunes a CardioSeg model folder whole, keeping its plan, and saves transfer.json', async () => {
    const plans = defaultPlans({ inputSize: [16, 16] });
    plans.normalization.ct = { kind: 'hu-window', min: -100, max: 400 };
    const unet = buildUNet(tf, { ...DEFAULT_UNET, baseFilters: 4 }, { inputSize: [16, 16], channels: 3, numClasses: 9 }, 3);
    const own = path.join(dir, 'own');
    await saveModelFolder(tf, unet, plans, own);
    const pre = await importPretrained(own);
    expect(pre.kind).toBe('cardioseg');
    const tm = await buildTransferModel(pre, { inputSize: [16, 16] });
    expect(tm.meta.mode).toBe('finetune');
    expect(tm.meta.cut).toBe('bottleneck_relu1');
    expect(tm.meta.skips).toEqual(['enc0_relu1', 'enc1_relu1']);
    expect(tm.plans.normalization.ct).toEqual({ kind: 'hu-window', min: -100, max: 400 });
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 4);
    expect(maxDiff(tm.model.predict(x) as tf.Tensor, unet.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    const out = path.join(dir, 'out');
    await saveTransferModel(tm, out);
    const meta = JSON.parse(await readFile(path.join(out, 'transfer.json'), 'utf8')) as { mode: string; blocks: string[][] };
    expect(meta.mode).toBe('finetune');
    expect(meta.blocks.length).toBe(3);
  });

  it('imports a Sequential tfjs model as the equivalent functional graph', async () => {
    const seq = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }),
        tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2' }),
        tf.layers.upSampling2d({ size: [2, 2], name: 'u1' }),
        tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'head' }),
      ],
    });
    const folder = path.join(dir, 'seq');
    await seq.save(fsSaver(folder));
    const pre = await importPretrained(folder);
    const m = await instantiate(pre);
    const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 2);
    expect(maxDiff(m.predict(x) as tf.Tensor, seq.predict(x) as tf.Tensor)).toBeLessThan(1e-6);
    const o = inspectModel(m);
    expect([o.cut, o.skips]).toEqual(['c2', ['c1']]);
  });

  it('serves the trainer\'s --from hook with a frozen encoder and a 9-class softmax head', async () => {
    const folder = path.join(dir, 'brain');
    await buildBrainLikeUnet(16, 2).save(fsSaver(folder));
    const model = await loadPretrained(tf, folder, defaultPlans({ inputSize: [16, 16] }));
    expect(model.outputs[0]!.shape).toEqual([null, 16, 16, 9]);
    expect(model.getLayer('conv2d_4').trainable).toBe(false);
    expect(model.getLayer('logits').trainable).toBe(true);
  });
});
