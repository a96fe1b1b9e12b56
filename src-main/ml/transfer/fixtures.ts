/**
 * A small Keras-style "brain" U-Net built here (never third-party weights): the layer names and
 * shape of the origin report's pretrained model (conv2d..., batch_normalization..., activation_N,
 * max_pooling2d, conv2d_transpose, a 1-channel sigmoid head). Used by tests, contract samples and
 * the experiment as a stand-in pretrained model.
 */
import * as tf from '@tensorflow/tfjs';

export function buildBrainLikeUnet(size = 32, base = 4, channels = 3, seed = 3): tf.LayersModel {
  let s = seed;
  let conv = 0, bn = 0, act = 0;
  const n = (prefix: string, i: number) => (i === 0 ? prefix : `${prefix}_${i}`);
  const input = tf.input({ shape: [size, size, channels], name: 'input_1' });
  const cbr = (x: tf.SymbolicTensor, f: number) => {
    let y = tf.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.heNormal({ seed: s++ }), name: n('conv2d', conv++) }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({ name: n('batch_normalization', bn++), gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: s++ }), movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: s++ }), movingMeanInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: s++ }) }).apply(y) as tf.SymbolicTensor;
    return tf.layers.activation({ activation: 'relu', name: n('activation', act++) }).apply(y) as tf.SymbolicTensor;
  };
  const a1 = cbr(cbr(input, base), base);
  const p1 = tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pooling2d' }).apply(a1) as tf.SymbolicTensor;
  const a3 = cbr(cbr(p1, base * 2), base * 2);
  const p2 = tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pooling2d_1' }).apply(a3) as tf.SymbolicTensor;
  const a5 = cbr(cbr(p2, base * 4), base * 4);
  let u = tf.layers.conv2dTranspose({ filters: base * 2, kernelSize: 2, strides: 2, padding: 'same', name: 'conv2d_transpose' }).apply(a5) as tf.SymbolicTensor;
  u = tf.layers.concatenate({ name: 'concatenate' }).apply([u, a3]) as tf.SymbolicTensor;
  u = cbr(u, base * 2);
  u = tf.layers.conv2dTranspose({ filters: base, kernelSize: 2, strides: 2, padding: 'same', name: 'conv2d_transpose_1' }).apply(u) as tf.SymbolicTensor;
  u = tf.layers.concatenate({ name: 'concatenate_1' }).apply([u, a1]) as tf.SymbolicTensor;
  u = cbr(u, base);
  const out = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: n('conv2d', conv++) }).apply(u) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'model' });
}
