/**
 * A dilated 'same' Conv2D re-expressed as spaceToBatchND -> undilated conv -> batchToSpaceND.
 * Exactly the same function, but every op on the way has a gradient in tfjs-core (a dilated conv
 * has none), so brainchop's dilated blocks can be unfrozen and trained.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';

type Act = 'linear' | 'relu' | 'elu' | 'sigmoid' | 'tanh';
const ACTS: Record<Act, (x: tf.Tensor) => tf.Tensor> = { linear: (x) => x, relu: tf.relu, elu: tf.elu, sigmoid: tf.sigmoid, tanh: tf.tanh };

export interface SpaceToBatchConv2DArgs {
  filters: number;
  kernelSize: [number, number];
  dilation: number;
  activation?: Act;
  useBias?: boolean;
  name?: string;
  trainable?: boolean;
}

export class SpaceToBatchConv2D extends tf.layers.Layer {
  static className = 'SpaceToBatchConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly dilation: number;
  readonly act: Act;
  readonly useBias: boolean;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: SpaceToBatchConv2DArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.dilation = args.dilation;
    this.act = args.activation ?? 'linear';
    this.useBias = args.useBias ?? true;
    if (!(this.act in ACTS)) throw new AppError('UNSUPPORTED', `SpaceToBatchConv2D: activation ${this.act} is not supported`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const cin = s[s.length - 1] as number;
    this.kernel = this.addWeight('kernel', [...this.kernelSize, cin, this.filters], 'float32', tf.initializers.glorotUniform({}));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...s.slice(0, -1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const d = this.dilation;
      const [, h, w] = x.shape;
      const pads = this.kernelSize.map((k, i) => {
        const total = d * (k - 1);
        const size = (i === 0 ? h : w) + total;
        const extra = (d - (size % d)) % d;
        return { before: Math.floor(total / 2), after: total - Math.floor(total / 2) + extra, extra };
      }) as [{ before: number; after: number; extra: number }, { before: number; after: number; extra: number }];
      const s2b = tf.spaceToBatchND(x, [d, d], pads.map((p) => [p.before, p.after]));
      let y: tf.Tensor4D = tf.conv2d(s2b as tf.Tensor4D, (this.kernel as tf.LayerVariable).read() as tf.Tensor4D, 1, 'valid');
      y = tf.batchToSpaceND(y, [d, d], pads.map((p) => [0, p.extra])) as tf.Tensor4D;
      if (this.bias) y = tf.add(y, this.bias.read());
      return ACTS[this.act](y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, dilation: this.dilation, activation: this.act, useBias: this.useBias };
  }
}
tf.serialization.registerClass(SpaceToBatchConv2D);

/** The space-to-batch twin of a dilated Conv2D layer (same name, so weights copy across), or null. */
export function spaceToBatchTwin(layer: tf.layers.Layer): SpaceToBatchConv2D | null {
  if (layer.getClassName() !== 'Conv2D') return null;
  const c = layer.getConfig() as { filters: number; kernelSize: number | number[]; dilationRate: number | number[]; strides: number | number[]; padding: string; activation: string; useBias: boolean; name: string };
  const dil = Array.isArray(c.dilationRate) ? c.dilationRate : [c.dilationRate, c.dilationRate];
  if (!dil.some((v) => v > 1)) return null;
  const strides = Array.isArray(c.strides) ? c.strides : [c.strides, c.strides];
  if (dil[0] !== dil[1] || strides.some((v) => v !== 1) || c.padding !== 'same') {
    throw new AppError('UNSUPPORTED', `Layer ${c.name}: only square dilation with stride 1 and 'same' padding can be re-expressed`);
  }
  const k = Array.isArray(c.kernelSize) ? c.kernelSize : [c.kernelSize, c.kernelSize];
  return new SpaceToBatchConv2D({ filters: c.filters, kernelSize: [k[0] as number, k[1] as number], dilation: dil[0] as number, activation: c.activation as Act, useBias: c.useBias, name: c.name });
}
