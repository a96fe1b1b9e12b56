/**
 * The real brainchop MeshNet (MIT, ../shared/models/brainchop): loads, its 2D derivation equals
 * the 3D model on a slice repeated along z, and it labels the bundled T1 plausibly.
 * Plausible here means: grey/(grey+white) between 0.30 and 0.80 (adult brain tissue is roughly
 * 40-60 % grey matter), white matter brighter than grey matter on T1, and a brain-sized label area.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_MODELS } from '../../../tests/helpers/paths.js';
import { readNifti } from '../../io/nifti/index.js';
import { initTf } from '../backend.js';
import { loadModelFolder } from '../model-io.js';
import { buildTransferModel } from './build.js';
import { derive2d } from './derive2d.js';
import { importPretrained, instantiate, type Pretrained } from './import.js';
import { inspectModel } from './inspect.js';
import { saveTransferModel } from './run.js';

const DIR = path.join(SHARED_MODELS, 'brainchop');
const have = existsSync(path.join(DIR, 'model5_gw_ae', 'model.json'));
if (!have) console.warn(`SKIP brainchop tests: ${DIR} not found`);

/** Label counts and mean intensity per label (0 background, 1 white, 2 grey). */
function stats(labels: ArrayLike<number>, image: ArrayLike<number>) {
  const n = [0, 0, 0], sum = [0, 0, 0];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as number;
    n[l]! += 1;
    sum[l]! += image[i] as number;
  }
  return { n, mean: sum.map((s, i) => s / Math.max(1, n[i]!)), greyShare: n[2]! / Math.max(1, n[1]! + n[2]!), tissue: (n[1]! + n[2]!) / labels.length };
}

/** Zero every depth tap but the middle one of a [3, ...] kernel: summing over depth then keeps the centre only. */
function centreTapOnly(d: Float32Array): Float32Array {
  const third = d.length / 3;
  const out = new Float32Array(d.length);
  out.set(d.subarray(third, 2 * third), third);
  return out;
}

describe.skipIf(!have)('brainchop MeshNet as a pretrained encoder', () => {
  let pre: Pretrained;
  let vol: tf.Tensor3D;
  beforeAll(async () => {
    await initTf(['wasm', 'cpu']);
    pre = await importPretrained(path.join(DIR, 'model5_gw_ae'));
    const v = await readNifti(path.join(DIR, 't1_crop.nii.gz'));
    let max = 0;
    for (let i = 0; i < v.data.length; i++) max = Math.max(max, v.data[i] as number);
    // brainchop: min-max to [0,1], then transpose so the tensor axes are (i, j, k).
    const [nx, ny, nz] = v.dims;
    vol = tf.tidy(() => tf.tensor3d(Float32Array.from(v.data, (x) => x / max), [nz, ny, nx]).transpose([2, 1, 0]) as tf.Tensor3D);
  });

  it('loads, and proposes the layer before the logits as the cut', async () => {
    const m = await instantiate(pre, [8, 8, 8]);
    expect(m.layers.filter((l) => l.getClassName() === 'Conv3D')).toHaveLength(10);
    const ins = inspectModel(m);
    expect(ins.cut).toBe('38');
    expect(ins.layers.filter((l) => l.dilated).map((l) => l.name)).toEqual(['23', '25', '27', '29', '31', '33', '35']);
    m.dispose();
  });

  it('its 2D derivation reproduces the 3D model on a slice repeated along z', async () => {
    const D = 93; // receptive field 2*46+1: the centre slice never sees the z padding
    const H = 20;
    const m3 = await instantiate(pre, [D, H, H]);
    const m2 = await instantiate(derive2d(pre), [H, H]);
    const slice = vol.slice([128, 100, 100], [1, H, H]).reshape([1, H, H, 1]);
    const y3 = tf.tidy(() => (m3.predict(tf.tile(slice.reshape([1, 1, H, H, 1]), [1, D, 1, 1, 1])) as tf.Tensor).slice([0, 46, 0, 0, 0], [1, 1, H, H, 3]).reshape([1, H, H, 3]));
    const y2 = m2.predict(slice) as tf.Tensor;
    const scale = tf.max(tf.abs(y3)).dataSync()[0]!;
    const diff = tf.max(tf.abs(tf.sub(y2, y3))).dataSync()[0]!;
    expect(scale).toBeGreaterThan(0.1);
    expect(diff / scale).toBeLessThan(1e-4);
    // Control: keeping only the centre depth tap is NOT equivalent.
    const centre: Pretrained = {
      ...pre,
      weights: new Map([...pre.weights].map(([k, ws]) => [k, ws.map((w) => (w.shape.length === 5 ? { ...w, data: centreTapOnly(w.data) } : w))])),
    };
    const mc = await instantiate(derive2d(centre), [H, H]);
    const diffCentre = tf.max(tf.abs(tf.sub(mc.predict(slice) as tf.Tensor, y3))).dataSync()[0]!;
    expect(diffCentre / scale).toBeGreaterThan(1e-2);
    tf.dispose([m3, m2, mc].flatMap((m) => m.weights.map((w) => w.read())));
  });

  it('re-expresses dilated layers through space-to-batch exactly, and they then train', async () => {
    const H = 40;
    const native = await buildTransferModel(pre, { inputSize: [H, H], channelOffsets: [0], dilation: 'frozen' });
    const s2b = await buildTransferModel(pre, { inputSize: [H, H], channelOffsets: [0] });
    expect(native.meta.dilated).toHaveLength(7);
    expect(s2b.meta.dilated).toHaveLength(0);
    expect(s2b.model.getLayer('31').getClassName()).toBe('SpaceToBatchConv2D');
    const x = vol.slice([128, 100, 100], [1, H, H]).reshape([1, H, H, 1]);
    const feat = (m: tf.LayersModel) => tf.model({ inputs: m.inputs, outputs: m.getLayer('38').output as tf.SymbolicTensor }).predict(x) as tf.Tensor;
    const a = feat(native.model), b = feat(s2b.model);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / tf.max(tf.abs(a)).dataSync()[0]!).toBeLessThan(1e-5);
    // A gradient now reaches the dilated (dilation 16) layer; natively tfjs has none.
    s2b.model.getLayer('31').trainable = true;
    native.model.getLayer('31').trainable = true;
    const w = s2b.model.getLayer('31').weights[0]!.read() as tf.Variable;
    const grads = tf.variableGrads(() => tf.sum(s2b.model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, [w]);
    expect(tf.max(tf.abs(grads.grads[w.name]!)).dataSync()[0]).toBeGreaterThan(0);
    const nativeErr = (() => {
      const v = native.model.getLayer('31').weights[0]!.read() as tf.Variable;
      try {
        tf.variableGrads(() => tf.sum(native.model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, [v]);
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(nativeErr?.message ?? '').toMatch(/dilation|not yet supported|gradient/i);
    // Saved with stock layers only: the engine's own loader reads it back with the same output.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'transfer-s2b-'));
    try {
      await saveTransferModel(s2b, dir);
      const { model: loaded } = await loadModelFolder(tf, dir);
      expect(loaded.getLayer('31').getClassName()).toBe('Conv2D');
      const diff = tf.max(tf.abs(tf.sub(loaded.predict(x) as tf.Tensor, s2b.model.predict(x) as tf.Tensor))).dataSync()[0]!;
      expect(diff).toBeLessThan(1e-5);
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    native.model.dispose();
    s2b.model.dispose();
  });

  it('segments the T1 plausibly: 3D on a central 64^3 block, 2D derivation on axial planes', async () => {
    const B = 64;
    const block = vol.slice([96, 96, 96], [B, B, B]);
    const m3 = await instantiate(pre, [B, B, B]);
    const lab3 = tf.tidy(() => (m3.predict(block.reshape([1, B, B, B, 1])) as tf.Tensor).argMax(-1)).dataSync();
    const s3 = stats(lab3, block.dataSync());
    expect(s3.greyShare).toBeGreaterThan(0.3);
    expect(s3.greyShare).toBeLessThan(0.8);
    expect(s3.mean[1]).toBeGreaterThan(s3.mean[2]!); // T1: white brighter than grey
    expect(s3.tissue).toBeGreaterThan(0.2);

    const m2 = await instantiate(derive2d(pre), [256, 256]);
    const planes = tf.stack([112, 128, 144].map((i) => vol.slice([i, 0, 0], [1, 256, 256]).reshape([256, 256, 1])));
    const lab2 = tf.tidy(() => (m2.predict(planes) as tf.Tensor).argMax(-1)).dataSync();
    const s2 = stats(lab2, planes.dataSync());
    expect(s2.greyShare).toBeGreaterThan(0.3);
    expect(s2.greyShare).toBeLessThan(0.8);
    expect(s2.mean[1]).toBeGreaterThan(s2.mean[2]!);
    expect(s2.mean[2]).toBeGreaterThan(s2.mean[0]!);
    expect(s2.tissue).toBeGreaterThan(0.05);
    console.log(`brainchop model5 on t1_crop: 3D block grey share ${s3.greyShare.toFixed(3)}, tissue ${s3.tissue.toFixed(3)}; 2D planes grey share ${s2.greyShare.toFixed(3)}, tissue ${s2.tissue.toFixed(3)}`);
  });
});
