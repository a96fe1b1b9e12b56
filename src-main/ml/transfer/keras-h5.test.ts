import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-shared/errors.js';
import { buildBrainLikeUnet } from './fixtures.js';
import { importPretrained, instantiate } from './import.js';
import type { Json, JsonObject } from './keras-config.js';

/**
 * Write the model as keras.Model.save(h5) lays it out (Keras 2): a `model_config` JSON attribute
 * and model_weights/<layer>/<layer>/<weight>:0 datasets listed by `layer_names`/`weight_names`.
 * Written with h5wasm, from weights of a model this test built and trained itself.
 */
async function writeH5(model: tf.LayersModel, dir: string, name: string, configOf: (c: JsonObject) => JsonObject = (c) => c): Promise<string> {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const out = path.join(dir, `${name}.h5`);
  const f = new h5.File(out, 'w');
  try {
    f.create_attribute('model_config', JSON.stringify(configOf(model.toJSON(null, false) as unknown as JsonObject)));
    f.create_attribute('keras_version', '2.15.0');
    f.create_attribute('backend', 'tensorflow');
    const g = f.create_group('model_weights');
    g.create_attribute('layer_names', model.layers.map((l) => l.name));
    for (const l of model.layers) {
      const lg = g.create_group(l.name);
      const values = l.getWeights();
      const names = l.weights.map((v) => `${v.originalName}:0`);
      lg.create_attribute('weight_names', names);
      names.forEach((n, i) => {
        const parts = n.split('/');
        let grp = lg;
        for (const p of parts.slice(0, -1)) grp = (grp.get(p) as typeof lg | null) ?? grp.create_group(p);
        grp.create_dataset({ name: parts.at(-1)!, data: values[i]!.dataSync() as Float32Array, shape: values[i]!.shape });
      });
    }
  } finally {
    f.close();
  }
  return out;
}

/** Rewrite a Keras 2 config the way Keras 3 writes it. */
function toKeras3(cfg: JsonObject): JsonObject {
  const c = JSON.parse(JSON.stringify(cfg)) as { class_name: string; config: { layers: JsonObject[]; input_layers: Json[][]; output_layers: Json[][] } };
  const tensor = (ref: Json[]) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [ref[0], ref[1], ref[2]] } });
  for (const l of c.config.layers) {
    const lc = l.config as JsonObject;
    if (lc.batch_input_shape) {
      lc.batch_shape = lc.batch_input_shape;
      delete lc.batch_input_shape;
    }
    lc.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    l.module = 'keras.layers';
    l.registered_name = null;
    l.build_config = { input_shape: [null, 16, 16, 3] };
    const nodes = l.inbound_nodes as Json[][][];
    l.inbound_nodes = nodes.map((node) => ({ args: node.length > 1 ? [node.map((r) => tensor(r))] : [tensor(node[0]!)], kwargs: {} }));
  }
  (c.config as { input_layers: Json }).input_layers = c.config.input_layers[0] as Json[];
  return { module: 'keras', class_name: 'Functional', config: c.config as unknown as JsonObject, registered_name: 'Functional' };
}

describe('Keras HDF5 import', () => {
  let dir: string;
  let model: tf.LayersModel;
  const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 5);
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(path.join(os.tmpdir(), 'transfer-h5-'));
    model = buildBrainLikeUnet(16, 4);
    // A few real training steps so the fixture is a trained model, BatchNorm statistics included.
    model.compile({ optimizer: tf.train.adam(1e-2), loss: 'binaryCrossentropy' });
    await model.fit(x, tf.cast(tf.greater(x.slice([0, 0, 0, 0], [2, 16, 16, 1]), 0.5), 'float32'), { epochs: 2, batchSize: 2, verbose: 0 });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('rebuilds a Keras 2 .h5 with the same output as the tfjs model it was written from', async () => {
    const file = await writeH5(model, dir, 'keras2');
    const pre = await importPretrained(file);
    expect(pre.kind).toBe('keras-h5');
    expect(pre.keras3).toBe(false);
    const rebuilt = await instantiate(pre);
    const diff = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, rebuilt.predict(x) as tf.Tensor))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
    // Loading twice renames variables (kernel_1); weights must still land by original name.
    const again = await instantiate(pre);
    const diff2 = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, again.predict(x) as tf.Tensor))).dataSync()[0]!;
    expect(diff2).toBeLessThan(1e-6);
  });

  it('normalises a Keras 3 config (batch_shape, dict inbound_nodes, dtype policies)', async () => {
    const file = await writeH5(model, dir, 'keras3', toKeras3);
    const pre = await importPretrained(file);
    expect(pre.keras3).toBe(true);
    const rebuilt = await instantiate(pre);
    const diff = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, rebuilt.predict(x) as tf.Tensor))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
  });

  it('names every unsupported layer in one error', async () => {
    const file = await writeH5(model, dir, 'lambda', (c) => {
      const copy = JSON.parse(JSON.stringify(c)) as { config: { layers: { class_name: string; name: string }[] } };
      copy.config.layers[3]!.class_name = 'Lambda';
      copy.config.layers[7]!.class_name = 'TFOpLambda';
      return copy as unknown as JsonObject;
    });
    const err = await importPretrained(file).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('UNSUPPORTED');
    expect((err as Error).message).toMatch(/activation \(Lambda\).*\(TFOpLambda\)/);
  });
});
