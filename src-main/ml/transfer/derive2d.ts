/**
 * A 2D encoder from a 3D network (brainchop's MeshNet): each Conv3D kernel is summed over its depth
 * axis. On a slice repeated along z, a 'same'-padded 3D convolution sees the same value at every
 * depth tap, so sum-over-depth is exact there (away from the z borders); keeping only the centre
 * depth tap is not.
 */
import { AppError } from '../../../src-shared/errors.js';
import type { Pretrained, StoredWeight, WeightStore } from './import.js';
import type { Json, JsonObject, LayerConfig, Topology } from './keras-config.js';

const RENAME: Record<string, string> = {
  Conv3D: 'Conv2D',
  MaxPooling3D: 'MaxPooling2D',
  AveragePooling3D: 'AveragePooling2D',
  UpSampling3D: 'UpSampling2D',
  Conv3DTranspose: 'Conv2DTranspose',
  SpatialDropout3D: 'SpatialDropout2D',
};
const KEEP = new Set(['InputLayer', 'Activation', 'BatchNormalization', 'Concatenate', 'Add', 'Dropout', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax']);
const DROP_FIRST = ['kernel_size', 'strides', 'dilation_rate', 'pool_size', 'size'];

export function is3dTopology(t: Topology): boolean {
  return t.model_config.config.layers.some((l) => l.class_name in RENAME);
}

function layer2d(l: LayerConfig): LayerConfig {
  const cls = RENAME[l.class_name] ?? (KEEP.has(l.class_name) ? l.class_name : null);
  if (!cls) throw new AppError('UNSUPPORTED', `Cannot derive a 2D layer from ${l.name} (${l.class_name})`);
  const config: JsonObject = { ...l.config };
  for (const k of DROP_FIRST) {
    const v = config[k];
    if (Array.isArray(v) && v.length === 3) config[k] = v.slice(1);
  }
  if (cls === 'InputLayer') {
    const s = config.batch_input_shape;
    if (!Array.isArray(s) || s.length !== 5) throw new AppError('MODEL', `3D input ${l.name} must be 5-D`);
    config.batch_input_shape = [null, s[2] ?? null, s[3] ?? null, s[4] ?? null] as Json[];
  }
  if (cls === 'BatchNormalization' || cls === 'Concatenate') {
    const a = config.axis;
    if (a === 4 || (Array.isArray(a) && a[0] === 4)) config.axis = -1;
  }
  return { ...l, class_name: cls, config };
}

/** [kd, kh, kw, cin, cout] summed over kd -> [kh, kw, cin, cout]. */
export function sumOverDepth(w: StoredWeight): StoredWeight {
  const [kd, kh, kw, cin, cout] = w.shape as [number, number, number, number, number];
  const plane = kh * kw * cin * cout;
  const out = new Float32Array(plane);
  for (let d = 0; d < kd; d++) {
    const off = d * plane;
    for (let i = 0; i < plane; i++) out[i] = (out[i] as number) + (w.data[off + i] as number);
  }
  return { key: w.key, shape: [kh, kw, cin, cout], data: out };
}

export function derive2d(pre: Pretrained): Pretrained {
  if (!is3dTopology(pre.topology)) throw new AppError('VALIDATION', 'The model has no 3D layers to derive from');
  const layers = pre.topology.model_config.config.layers;
  const kinds = new Map(layers.map((l) => [l.name, l.class_name]));
  const topology: Topology = {
    ...pre.topology,
    model_config: { ...pre.topology.model_config, config: { ...pre.topology.model_config.config, layers: layers.map(layer2d) } },
  };
  const weights: WeightStore = new Map();
  for (const [layer, ws] of pre.weights) {
    const cls = kinds.get(layer);
    const conv = cls === 'Conv3D' || cls === 'Conv3DTranspose';
    weights.set(layer, ws.map((w) => (conv && w.shape.length === 5 ? sumOverDepth(w) : w)));
  }
  return { ...pre, topology, weights, warnings: [...pre.warnings, { code: 'DERIVED_2D', message: '2D encoder derived from a 3D model by summing kernels over depth' }] };
}
