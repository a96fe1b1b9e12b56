/**
 * The origin report's 2D U-Net in tfjs-layers, with width, depth, input size and BatchNorm
 * configurable: conv blocks (3x3, ReLU) with 2x2 max pooling down, Conv2DTranspose 2x2 stride 2
 * up with skip concatenation, 1x1 conv and a softmax over every class.
 */
import type * as TF from '@tensorflow/tfjs';
import type { UNetConfig } from './plans.js';

export interface UNetShape {
  inputSize: [number, number];
  channels: number;
  numClasses: number;
}

export function buildUNet(tf: typeof TF, cfg: UNetConfig, shape: UNetShape, seed = 42): TF.LayersModel {
  const [h, w] = shape.inputSize;
  const div = 2 ** cfg.depth;
  if (h % div || w % div) throw new Error(`input ${h}x${w} must be divisible by 2^depth = ${div}`);
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const input = tf.input({ shape: [h, w, shape.channels], name: 'image' });
  const block = (x: TF.SymbolicTensor, filters: number, name: string): TF.SymbolicTensor => {
    let y = x;
    for (let i = 0; i < cfg.convsPerBlock; i++) {
      y = tf.layers
        .conv2d({ filters, kernelSize: 3, padding: 'same', useBias: !cfg.batchNorm, kernelInitializer: init(), name: `${name}_conv${i}` })
        .apply(y) as TF.SymbolicTensor;
      if (cfg.batchNorm) y = tf.layers.batchNormalization({ momentum: 0.9, name: `${name}_bn${i}` }).apply(y) as TF.SymbolicTensor;
      y = tf.layers.reLU({ name: `${name}_relu${i}` }).apply(y) as TF.SymbolicTensor;
    }
    return y;
  };
  const skips: TF.SymbolicTensor[] = [];
  let x: TF.SymbolicTensor = input;
  for (let d = 0; d < cfg.depth; d++) {
    x = block(x, cfg.baseFilters * 2 ** d, `enc${d}`);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${d}` }).apply(x) as TF.SymbolicTensor;
  }
  x = block(x, cfg.baseFilters * 2 ** cfg.depth, 'bottleneck');
  for (let d = cfg.depth - 1; d >= 0; d--) {
    const f = cfg.baseFilters * 2 ** d;
    x = tf.layers
      .conv2dTranspose({ filters: f, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: init(), name: `up${d}` })
      .apply(x) as TF.SymbolicTensor;
    x = tf.layers.concatenate({ axis: -1, name: `skip${d}` }).apply([x, skips[d]!]) as TF.SymbolicTensor;
    x = block(x, f, `dec${d}`);
  }
  const logits = tf.layers
    .conv2d({ filters: shape.numClasses, kernelSize: 1, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }), name: 'logits' })
    .apply(x) as TF.SymbolicTensor;
  const probs = tf.layers.softmax({ axis: -1, name: 'probs' }).apply(logits) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: probs, name: 'cardioseg_unet' });
}
