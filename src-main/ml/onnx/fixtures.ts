/**
 * A configurable U-Net built with tf.layers (the reference architecture: conv-conv per level,
 * 2x2 max pooling, Conv2DTranspose 2x2 up with skip concatenation, 1x1 conv, softmax). Used by
 * the exporter/inference tests and the bench so they do not depend on a trained model; the
 * training side's own builder (src-main/ml/unet.ts) produces the same layer types.
 */
import type * as TF from '@tensorflow/tfjs';

export interface TestUnetOptions {
  inputSize: [number, number] | null;
  channels: number;
  classes: number;
  /** Filters per encoder level; the last entry is the bottleneck. */
  widths: number[];
  batchNorm: boolean;
  seed?: number;
}

export function buildTestUnet(tf: typeof TF, o: TestUnetOptions): TF.LayersModel {
  const seed = o.seed ?? 1;
  let n = 0;
  const init = () => tf.initializers.heNormal({ seed: seed * 1000 + n++ });
  const input = tf.input({ shape: [o.inputSize?.[0] ?? null, o.inputSize?.[1] ?? null, o.channels] as number[], name: 'image' });
  const block = (x: TF.SymbolicTensor, f: number): TF.SymbolicTensor => {
    for (let r = 0; r < 2; r++) {
      x = tf.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', useBias: !o.batchNorm, kernelInitializer: init(), activation: o.batchNorm ? 'linear' : 'relu' }).apply(x) as TF.SymbolicTensor;
      if (o.batchNorm) {
        x = tf.layers.batchNormalization({ axis: -1 }).apply(x) as TF.SymbolicTensor;
        x = tf.layers.activation({ activation: 'relu' }).apply(x) as TF.SymbolicTensor;
      }
    }
    return x;
  };
  const skips: TF.SymbolicTensor[] = [];
  let x = input;
  for (const f of o.widths.slice(0, -1)) {
    x = block(x, f);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as TF.SymbolicTensor;
  }
  x = block(x, o.widths[o.widths.length - 1] as number);
  for (let i = skips.length - 1; i >= 0; i--) {
    const f = o.widths[i] as number;
    x = tf.layers.conv2dTranspose({ filters: f, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: init() }).apply(x) as TF.SymbolicTensor;
    x = tf.layers.concatenate({ axis: -1 }).apply([x, skips[i] as TF.SymbolicTensor]) as TF.SymbolicTensor;
    x = block(x, f);
  }
  const out = tf.layers.conv2d({ filters: o.classes, kernelSize: 1, activation: 'softmax', kernelInitializer: init() }).apply(x) as TF.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: 'unet' });
  if (o.batchNorm) randomizeBatchNorm(tf, model, seed);
  return model;
}

/** Fresh BN layers are the identity (mean 0, var 1); random statistics make export tests bite. */
export function randomizeBatchNorm(tf: typeof TF, model: TF.LayersModel, seed: number): void {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const ws = layer.getWeights();
    const next = ws.map((w, i) => {
      const v = Float32Array.from({ length: w.size }, () => (i === 3 ? 0.5 + rnd() : i === 0 ? 0.5 + rnd() : rnd() - 0.5));
      return tf.tensor(v, w.shape);
    });
    layer.setWeights(next);
    next.forEach((t) => t.dispose());
  }
}
