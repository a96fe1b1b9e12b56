/**
 * Re-creating a pretrained network's layers inside a new model: each layer is rebuilt from its
 * own config on the new input (so the input size may change) and receives the pretrained weights.
 * The result is one flat functional model (no nested model), which every exporter understands.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';
import { spaceToBatchTwin } from './space-to-batch.js';

type AnyLayer = tf.layers.Layer;

export function cloneLayer(layer: AnyLayer, rename?: string): AnyLayer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  if (!entry) throw new AppError('UNSUPPORTED', `Layer ${layer.name} (${layer.getClassName()}) cannot be rebuilt`);
  const [ctor, fromConfig] = entry;
  const config = { ...layer.getConfig() } as tf.serialization.ConfigDict;
  if (rename) config.name = rename;
  return fromConfig(ctor, config) as unknown as AnyLayer;
}

/** Names of every layer `targets` depend on, the targets included. */
export function ancestors(model: tf.LayersModel, targets: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...targets];
  while (stack.length) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const layer = model.getLayer(name);
    if (layer.inboundNodes.length > 1) throw new AppError('UNSUPPORTED', `Layer ${name} is shared (used ${layer.inboundNodes.length} times); cannot cut through it`);
    for (const l of layer.inboundNodes[0]?.inboundLayers ?? []) stack.push(l.name);
  }
  return seen;
}

export interface ClonedGraph {
  tensors: Map<string, tf.SymbolicTensor>;
  /** Pairs of (source layer, new layer) whose weights must be copied once the model is built. */
  pairs: [AnyLayer, AnyLayer][];
}

/**
 * Apply fresh copies of the layers `targets` need, in the source's topological order, starting
 * from `input` in place of the source's single InputLayer. With `spaceToBatch`, dilated Conv2D
 * layers become their trainable space-to-batch twins.
 */
export function cloneUpTo(src: tf.LayersModel, input: tf.SymbolicTensor, targets: string[], opts: { spaceToBatch?: boolean } = {}): ClonedGraph {
  if (src.inputs.length !== 1) throw new AppError('UNSUPPORTED', `Pretrained models with ${src.inputs.length} inputs are not supported`);
  const needed = ancestors(src, targets);
  const tensors = new Map<string, tf.SymbolicTensor>();
  const pairs: [AnyLayer, AnyLayer][] = [];
  for (const layer of src.layers) {
    if (!needed.has(layer.name)) continue;
    const node = layer.inboundNodes[0];
    if (layer.getClassName() === 'InputLayer' || !node || node.inboundLayers.length === 0) {
      tensors.set(layer.name, input);
      continue;
    }
    const ins = node.inboundLayers.map((l, i) => {
      if ((node.tensorIndices[i] ?? 0) !== 0) throw new AppError('UNSUPPORTED', `Layer ${l.name} has several outputs`);
      const t = tensors.get(l.name);
      if (!t) throw new AppError('INTERNAL', `Layer ${l.name} was not cloned before ${layer.name}`);
      return t;
    });
    const fresh = (opts.spaceToBatch ? spaceToBatchTwin(layer) : null) ?? cloneLayer(layer);
    const out = fresh.apply(ins.length === 1 ? (ins[0] as tf.SymbolicTensor) : ins) as tf.SymbolicTensor | tf.SymbolicTensor[];
    if (Array.isArray(out)) throw new AppError('UNSUPPORTED', `Layer ${layer.name} has several outputs`);
    tensors.set(layer.name, out);
    pairs.push([layer, fresh]);
  }
  return { tensors, pairs };
}

/** Copy weights pair by pair; fails with the layer name when shapes differ (e.g. a Dense after a size change). */
export function copyWeights(pairs: [AnyLayer, AnyLayer][]): void {
  for (const [from, to] of pairs) {
    const w = from.getWeights();
    if (!w.length) continue;
    const want = to.weights.map((v) => v.shape.join('x'));
    const have = w.map((t) => t.shape.join('x'));
    if (want.join() !== have.join()) {
      throw new AppError('MODEL', `Pretrained layer ${from.name} has weights ${have.join(', ')} but the rebuilt one needs ${want.join(', ')} (input size change through a Dense/Flatten?)`);
    }
    to.setWeights(w);
  }
}
