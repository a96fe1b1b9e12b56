/**
 * One entry point for every pretrained source: a tfjs layers model (model.json + shards), a Keras 2
 * HDF5 file, a Keras config JSON (2 or 3; weights optional from a sibling .h5), or a CardioSeg model
 * folder (model.json + plans.json). Everything becomes a Keras-2 topology plus weights keyed by
 * layer and weight name, so the same model can be rebuilt at another input size.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AppError, type Warning } from '../../../src-shared/errors.js';
import { loadArtifacts, readModelJson } from './io-fs.js';
import { assertSupported, normaliseTopology, withInputSize, type Topology } from './keras-config.js';
import { readKerasH5, weightKey } from './keras-h5.js';

export type PretrainedKind = 'tfjs' | 'keras-h5' | 'keras-config' | 'cardioseg';

export interface StoredWeight {
  /** Weight name without layer (`kernel`, `moving_mean`); null when only the order is known. */
  key: string | null;
  shape: number[];
  data: Float32Array;
}
export type WeightStore = Map<string, StoredWeight[]>;

export interface Pretrained {
  kind: PretrainedKind;
  path: string;
  topology: Topology;
  weights: WeightStore;
  keras3: boolean;
  /** The CardioSeg plan when the source is a CardioSeg model folder. */
  plan: Record<string, unknown> | null;
  warnings: Warning[];
}

const exists = async (p: string) => stat(p).then(() => true, () => false);

export async function detectKind(p: string): Promise<{ kind: PretrainedKind; file: string }> {
  let st;
  try {
    st = await stat(p);
  } catch {
    throw new AppError('NOT_FOUND', `Pretrained model not found: ${p}`);
  }
  if (st.isDirectory()) {
    const mj = path.join(p, 'model.json');
    if (!(await exists(mj))) throw new AppError('NOT_FOUND', `${p} holds no model.json`);
    return { kind: (await exists(path.join(p, 'plans.json'))) ? 'cardioseg' : 'tfjs', file: mj };
  }
  const ext = path.extname(p).toLowerCase();
  if (ext === '.h5' || ext === '.hdf5') return { kind: 'keras-h5', file: p };
  if (ext === '.keras') throw new AppError('UNSUPPORTED', `${p}: Keras 3 .keras archives must be unzipped first (config.json + model.weights.h5)`);
  if (ext === '.json') {
    const j = await readModelJson(p);
    if (j.modelTopology) return { kind: (await exists(path.join(path.dirname(p), 'plans.json'))) ? 'cardioseg' : 'tfjs', file: p };
    return { kind: 'keras-config', file: p };
  }
  throw new AppError('UNSUPPORTED', `Unknown pretrained model format: ${p} (expected a folder, model.json, .h5 or a Keras config .json)`);
}

function storeFromNamedTensors(named: tf.NamedTensorMap): WeightStore {
  const store: WeightStore = new Map();
  for (const [name, t] of Object.entries(named)) {
    const cut = name.lastIndexOf('/');
    const layer = cut > 0 ? name.slice(0, cut) : name;
    const list = store.get(layer) ?? [];
    list.push({ key: weightKey(name), shape: t.shape, data: t.dataSync() as Float32Array });
    store.set(layer, list);
    t.dispose();
  }
  return store;
}

async function storeFromH5(file: string): Promise<{ store: WeightStore; config: unknown; kerasVersion: string | null }> {
  const h5 = await readKerasH5(file);
  const store: WeightStore = new Map();
  for (const [layer, ws] of h5.weights) {
    const numeric = ws.every((w) => /^\d+$/.test(w.name));
    store.set(layer, ws.map((w) => ({ key: numeric ? null : weightKey(w.name), shape: w.shape, data: w.data })));
  }
  return { store, config: h5.modelConfig, kerasVersion: h5.kerasVersion };
}

export async function importPretrained(p: string): Promise<Pretrained> {
  const { kind, file } = await detectKind(p);
  const warnings: Warning[] = [];
  let raw: unknown;
  let store: WeightStore;
  let plan: Record<string, unknown> | null = null;
  if (kind === 'tfjs' || kind === 'cardioseg') {
    const art = await loadArtifacts(file);
    raw = art.modelTopology;
    const data = art.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(art.weightData);
    store = storeFromNamedTensors(tf.io.decodeWeights(data, art.weightSpecs ?? []));
    if (kind === 'cardioseg') plan = JSON.parse(await readFile(path.join(path.dirname(file), 'plans.json'), 'utf8')) as Record<string, unknown>;
  } else if (kind === 'keras-h5') {
    const h = await storeFromH5(file);
    if (!h.config) throw new AppError('MODEL', `${file} holds weights only (no model_config): pass the model's config .json instead`);
    raw = { model_config: h.config, keras_version: h.kerasVersion ?? undefined };
    store = h.store;
  } else {
    raw = JSON.parse(await readFile(file, 'utf8')) as unknown;
    const base = file.replace(/\.json$/i, '');
    const sibling = [`${base}.weights.h5`, `${base}.h5`, path.join(path.dirname(file), 'model.weights.h5')];
    store = new Map();
    let found = false;
    for (const s of sibling) {
      if (await exists(s)) {
        store = (await storeFromH5(s)).store;
        found = true;
        break;
      }
    }
    if (!found) warnings.push({ code: 'NO_WEIGHTS', message: `No weights found next to ${file}; the model starts from its initialisers`, file });
  }
  const { topology, keras3 } = normaliseTopology(raw);
  assertSupported(topology);
  const frozenInSource = topology.model_config.config.layers.filter((l) => l.config.trainable === false).map((l) => l.name);
  if (frozenInSource.length) warnings.push({ code: 'SOURCE_FROZEN', message: `${frozenInSource.length} layers ship with trainable:false; the transfer schedule decides instead`, details: frozenInSource });
  return { kind, path: p, topology, weights: store, keras3, plan, warnings };
}

/** Copy stored weights into a built model, matching by layer name and weight key (originalName). */
export function assignWeights(model: tf.LayersModel, store: WeightStore, opts: { allowMissing?: boolean } = {}): void {
  const missing: string[] = [];
  for (const layer of model.layers) {
    if (!layer.weights.length) continue;
    const stored = store.get(layer.name);
    if (!stored) {
      missing.push(layer.name);
      continue;
    }
    const values = layer.weights.map((v, i) => {
      const key = weightKey(v.originalName);
      const w = stored.some((s) => s.key !== null) ? stored.find((s) => s.key === key) : stored[i];
      if (!w) throw new AppError('MODEL', `Weight ${layer.name}/${key} is missing in the pretrained file`);
      if (w.shape.join('x') !== v.shape.join('x')) {
        throw new AppError('MODEL', `Weight ${layer.name}/${key} has shape ${w.shape.join('x')}, the layer expects ${v.shape.join('x')}`);
      }
      return tf.tensor(w.data, w.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
  if (missing.length && !opts.allowMissing) throw new AppError('MODEL', `No pretrained weights for layers: ${missing.join(', ')}`, { layers: missing });
}

/** Build the pretrained network (optionally at another spatial input size) with its weights. */
export async function instantiate(pre: Pretrained, spatial?: number[]): Promise<tf.LayersModel> {
  const topology = spatial ? withInputSize(pre.topology, spatial) : pre.topology;
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: topology } as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  } catch (e) {
    throw new AppError('MODEL', `tfjs could not build the pretrained model: ${(e as Error).message}`);
  }
  assignWeights(model, pre.weights, { allowMissing: pre.weights.size === 0 });
  return model;
}
