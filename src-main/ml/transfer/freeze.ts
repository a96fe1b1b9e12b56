/**
 * Freezing that really freezes. tfjs ignores `trainable` until the var list is rebuilt (compile),
 * and a BatchNormalization layer with trainable=false still normalises with batch statistics and
 * still updates its moving mean/variance during training (unlike Keras 2 in TF2). Pretrained
 * BatchNorm layers are therefore pinned to inference mode for good (Keras' own fine-tuning advice):
 * their moving statistics never change; gamma/beta train only once their block is unfrozen.
 */
import type * as tf from '@tensorflow/tfjs';

type Kwargs = Record<string, unknown>;
type CallFn = (inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs) => tf.Tensor | tf.Tensor[];

const pinned = new WeakSet<tf.layers.Layer>();

export function pinInferenceMode(layer: tf.layers.Layer): void {
  if (pinned.has(layer)) return;
  const target = layer as unknown as { call: CallFn };
  const original = target.call.bind(layer) as CallFn;
  target.call = (inputs, kwargs) => original(inputs, { ...kwargs, training: false });
  pinned.add(layer);
}

export const isPinned = (layer: tf.layers.Layer) => pinned.has(layer);

export function pinBatchNorms(model: tf.LayersModel, names: Iterable<string>): string[] {
  const done: string[] = [];
  for (const n of names) {
    const l = model.getLayer(n);
    if (l.getClassName() === 'BatchNormalization') {
      pinInferenceMode(l);
      done.push(n);
    }
  }
  return done;
}

export function setTrainable(model: tf.LayersModel, names: Iterable<string>, trainable: boolean): void {
  for (const n of names) model.getLayer(n).trainable = trainable;
}

/** The variables an optimizer may touch right now: rebuilt after every freeze/unfreeze. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}


/**
 * Encoder layers split into unfreezing blocks, listed from the bottleneck outwards. A block ends at
 * each downsampling layer; a network without pooling (MeshNet) gets one block per convolution.
 */
export function encoderBlocks(model: tf.LayersModel, encoderLayers: string[]): string[][] {
  const order = model.layers.map((l) => l.name).filter((n) => encoderLayers.includes(n));
  const isPool = (n: string) => /Pooling/.test(model.getLayer(n).getClassName());
  const hasPool = order.some(isPool);
  const blocks: string[][] = [];
  let cur: string[] = [];
  for (const n of order) {
    const cls = model.getLayer(n).getClassName();
    const startsBlock = hasPool ? isPool(n) && cur.length > 0 : /Conv/.test(cls) && cur.length > 0;
    if (startsBlock) {
      blocks.push(cur);
      cur = [];
    }
    cur.push(n);
  }
  if (cur.length) blocks.push(cur);
  return blocks.filter((b) => b.some((n) => model.getLayer(n).weights.length > 0)).reverse();
}

/** Dilated convolutions have no gradient in tfjs-core: they can never leave the frozen set. */
export function dilatedLayers(model: tf.LayersModel, names: string[]): string[] {
  return names.filter((n) => {
    const cfg = model.getLayer(n).getConfig() as { dilationRate?: number | number[] };
    const d = cfg.dilationRate;
    return Array.isArray(d) ? d.some((x) => x > 1) : (d ?? 1) > 1;
  });
}
