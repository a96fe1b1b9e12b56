/**
 * Keras model configs as tfjs-layers 4.22 reads them (Keras 2 layout). Keras 3 writes
 * `batch_shape`, dtype policies, `module`/`registered_name` wrappers and a new `inbound_nodes`
 * format (args holding `__keras_tensor__` objects); tfjs rejects all of these, so they are
 * rewritten here first. Layers tfjs cannot build are reported by name, all at once.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface LayerConfig {
  class_name: string;
  name: string;
  config: JsonObject;
  inbound_nodes: Json[];
}
export interface ModelConfig {
  class_name: string;
  config: { name?: string; layers: LayerConfig[]; input_layers: Json[]; output_layers: Json[]; [k: string]: unknown };
}
/** What tfjs calls modelTopology: `{keras_version, backend, model_config}`. */
export interface Topology {
  keras_version?: string;
  backend?: string;
  model_config: ModelConfig;
}

const isObj = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Accepts a modelTopology, a bare model_config, or a Keras 3 config.json, and returns a Keras-2 topology. */
export function normaliseTopology(raw: unknown): { topology: Topology; keras3: boolean } {
  if (!isObj(raw as Json)) throw new AppError('MODEL', 'Model config is not a JSON object');
  const obj = raw as JsonObject;
  const mc = (isObj(obj.model_config) ? obj.model_config : obj) as JsonObject;
  if (typeof mc.class_name !== 'string' || !isObj(mc.config)) throw new AppError('MODEL', 'Model config has no class_name/config');
  const cls = mc.class_name;
  if (cls !== 'Functional' && cls !== 'Model' && cls !== 'Sequential') throw new AppError('UNSUPPORTED', `Model class ${cls} is not supported (expected Functional or Sequential)`, { class_name: cls });
  const cfg = cls === 'Sequential' ? sequentialAsFunctional(mc.config) : mc.config;
  if (!Array.isArray(cfg.layers)) throw new AppError('MODEL', 'Model config has no layers list');
  let keras3 = false;
  const layers: LayerConfig[] = cfg.layers.map((l) => {
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) throw new AppError('MODEL', 'Malformed layer entry in model config');
    const config = stripWrappers(l.config) as JsonObject;
    if (Array.isArray(config.batch_shape)) {
      keras3 = true;
      config.batch_input_shape = config.batch_shape;
      delete config.batch_shape;
    }
    if (isObj(l.config.dtype)) keras3 = true;
    const name = typeof l.name === 'string' ? l.name : String(config.name);
    config.name = name;
    const nodes = Array.isArray(l.inbound_nodes) ? l.inbound_nodes : [];
    const converted = nodes.map((n) => {
      if (isObj(n)) {
        keras3 = true;
        return keras3Node(n);
      }
      return n;
    });
    return { class_name: l.class_name, name, config, inbound_nodes: converted };
  });
  const wrapRefs = (refs: Json | undefined): Json[] => {
    if (!Array.isArray(refs)) return [];
    // Keras 3 writes a single input/output as a flat [name, node, tensor].
    if (refs.length === 3 && typeof refs[0] === 'string' && typeof refs[1] === 'number') return [refs];
    return refs;
  };
  const topology: Topology = {
    keras_version: typeof obj.keras_version === 'string' ? obj.keras_version : undefined,
    backend: typeof obj.backend === 'string' ? obj.backend : 'tensorflow',
    model_config: {
      class_name: 'Functional',
      config: { ...cfg, name: typeof cfg.name === 'string' ? cfg.name : 'model', layers, input_layers: wrapRefs(cfg.input_layers), output_layers: wrapRefs(cfg.output_layers) },
    },
  };
  return { topology, keras3 };
}

/** A Sequential config as the equivalent functional graph: an InputLayer, then each layer on the previous one. */
function sequentialAsFunctional(c: Json): JsonObject {
  const layers = Array.isArray(c) ? c : isObj(c) && Array.isArray(c.layers) ? c.layers : null;
  if (!layers?.length) throw new AppError('MODEL', 'Sequential model config has no layers');
  const first = layers[0] as JsonObject;
  const fc = isObj(first.config) ? first.config : {};
  const out: JsonObject[] = [];
  let prev: string;
  if (first.class_name === 'InputLayer') {
    prev = String(fc.name ?? 'input_1');
    out.push({ ...first, name: prev, inbound_nodes: [] });
  } else {
    const shape = fc.batch_input_shape ?? fc.batch_shape;
    if (!Array.isArray(shape)) throw new AppError('MODEL', 'Sequential model has no input shape on its first layer');
    prev = 'input_1';
    out.push({ class_name: 'InputLayer', name: prev, config: { batch_input_shape: shape, dtype: 'float32', name: prev }, inbound_nodes: [] });
  }
  for (const l of layers) {
    if (!isObj(l) || l.class_name === 'InputLayer' || !isObj(l.config)) continue;
    const name = String(l.config.name);
    out.push({ class_name: l.class_name, name, config: l.config, inbound_nodes: [[[prev, 0, 0, {}]]] });
    prev = name;
  }
  return { name: isObj(c) && typeof c.name === 'string' ? c.name : 'sequential', layers: out, input_layers: [[String(out[0]?.name), 0, 0]], output_layers: [[prev, 0, 0]] };
}

/** Drop Keras 3 `module`/`registered_name` keys everywhere and turn dtype policies into their name. */
function stripWrappers(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripWrappers);
  if (!isObj(v)) return v;
  if (v.class_name === 'DTypePolicy' || v.class_name === 'FloatDTypePolicy') {
    const c = v.config;
    return isObj(c) && typeof c.name === 'string' ? c.name : 'float32';
  }
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'module' || k === 'registered_name' || k === 'shared_object_id' || k === 'build_config') continue;
    out[k] = stripWrappers(x);
  }
  return out;
}

/** `{args: [tensor | [tensors]], kwargs}` -> `[[layer, node, tensor, {}], ...]`. */
function keras3Node(n: JsonObject): Json {
  const refs: Json[] = [];
  const visit = (v: Json | undefined): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isObj(v)) return;
    if (v.class_name === '__keras_tensor__' && isObj(v.config) && Array.isArray(v.config.keras_history)) {
      const [layer, node, tensor] = v.config.keras_history;
      refs.push([layer ?? null, node ?? 0, tensor ?? 0, {}]);
    }
  };
  visit(n.args);
  if (isObj(n.kwargs)) Object.values(n.kwargs).forEach(visit);
  return refs;
}

function registeredClassNames(): Set<string> {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  return new Set(Object.keys(map));
}

/** Every layer class tfjs cannot build, with the layer names, in one error. */
export function assertSupported(topology: Topology): void {
  const known = registeredClassNames();
  const bad = topology.model_config.config.layers.filter((l) => !known.has(l.class_name));
  if (bad.length) {
    const list = bad.map((l) => `${l.name} (${l.class_name})`);
    throw new AppError('UNSUPPORTED', `Unsupported layers in the pretrained model: ${list.join(', ')}`, { layers: bad.map((l) => ({ name: l.name, className: l.class_name })) });
  }
  const cf = topology.model_config.config.layers.filter((l) => l.config.data_format === 'channels_first');
  if (cf.length) throw new AppError('UNSUPPORTED', `channels_first layers are not supported: ${cf.map((l) => l.name).join(', ')}`);
}

/** Same topology with every InputLayer's spatial size replaced (fully convolutional encoders). */
export function withInputSize(topology: Topology, spatial: number[]): Topology {
  const copy = JSON.parse(JSON.stringify(topology)) as Topology;
  for (const l of copy.model_config.config.layers) {
    if (l.class_name !== 'InputLayer') continue;
    const shape = l.config.batch_input_shape;
    if (!Array.isArray(shape) || shape.length !== spatial.length + 2) {
      throw new AppError('MODEL', `Input ${l.name} has shape ${JSON.stringify(shape)}; cannot set spatial size ${spatial.join('x')}`);
    }
    l.config.batch_input_shape = [null, ...spatial, shape[shape.length - 1] ?? null];
  }
  return copy;
}
