/**
 * The transfer model: [input adapter] -> pretrained encoder (rebuilt flat, weights copied) ->
 * CardioSeg decoder with the pretrained skips -> 1x1 conv -> softmax over every class. Or, for a
 * CardioSeg model, the whole network kept ("finetune"). The encoder starts frozen with its
 * BatchNorm pinned to inference mode; `meta` says which layers are which for the schedule.
 */
import * as tf from '@tensorflow/tfjs';
import { CLASSES } from '../../../src-shared/classes.js';
import { AppError, type Warning } from '../../../src-shared/errors.js';
import { assertSoftmaxHead } from '../guards.js';
import { defaultPlans, parsePlans, type Plans } from '../plans.js';
import { ancestors, cloneUpTo, copyWeights } from './clone.js';
import { derive2d, is3dTopology } from './derive2d.js';
import { instantiate, type Pretrained } from './import.js';
import { inspectModel } from './inspect.js';
import { dilatedLayers, encoderBlocks, pinBatchNorms, setTrainable } from './freeze.js';

export interface EncoderInput {
  /** encoderInput = scale * planIntensity + offset, planIntensity being [0,1] after the plan's normalisation. */
  scale: number;
  offset: number;
  note: string;
}

export interface BuildOptions {
  inputSize: [number, number];
  channelOffsets?: number[];
  cut?: string;
  skips?: string[];
  numClasses?: number;
  mode?: 'auto' | 'new-decoder' | 'finetune';
  decoderFilters?: number;
  decoderBatchNorm?: boolean;
  encoderInput?: EncoderInput;
  adapterTrainable?: boolean;
  /** Dilated convolutions: re-expressed through space-to-batch (trainable, default) or kept native (frozen for good). */
  dilation?: 'space-to-batch' | 'frozen';
  seed?: number;
}

export interface TransferMeta {
  version: 1;
  source: { kind: string; path: string; derived2d: boolean };
  mode: 'new-decoder' | 'finetune';
  cut: string;
  skips: string[];
  encoderLayers: string[];
  /** Unfreezing order: bottleneck first. */
  blocks: string[][];
  pinnedBatchNorm: string[];
  dilated: string[];
  adapter: { layer: string | null; trainable: boolean; from: number; to: number };
  encoderInput: EncoderInput;
}

export interface TransferModel {
  model: tf.LayersModel;
  plans: Plans;
  meta: TransferMeta;
  warnings: Warning[];
}

const ADAPTER = 'transfer_adapter';

/** 1x1 conv weights: channel selection/replication, then the encoder's intensity scale/offset. */
export function adapterWeights(from: number, to: number, centre: number, enc: EncoderInput): { kernel: Float32Array; bias: Float32Array } {
  const kernel = new Float32Array(from * to);
  for (let co = 0; co < to; co++) {
    if (from === to) kernel[co * to + co] = enc.scale;
    else if (to === 1) kernel[centre * to + co] = enc.scale;
    else if (from === 1) kernel[co] = enc.scale;
    else for (let ci = 0; ci < from; ci++) kernel[ci * to + co] = enc.scale / from;
  }
  return { kernel, bias: new Float32Array(to).fill(enc.offset) };
}

function spatial(t: tf.SymbolicTensor): [number, number] {
  const [, h, w] = t.shape;
  if (typeof h !== 'number' || typeof w !== 'number') throw new AppError('MODEL', `Tensor ${t.name} has no static spatial size`);
  return [h, w];
}

export async function buildTransferModel(pre0: Pretrained, o: BuildOptions): Promise<TransferModel> {
  const warnings: Warning[] = [...pre0.warnings];
  const derived = is3dTopology(pre0.topology);
  const pre = derived ? derive2d(pre0) : pre0;
  const src = await instantiate(pre);
  const numClasses = o.numClasses ?? CLASSES.length;
  const mode = o.mode && o.mode !== 'auto' ? o.mode : pre.kind === 'cardioseg' && !o.cut ? 'finetune' : 'new-decoder';
  const ins = inspectModel(src, { cut: o.cut, skips: o.skips });
  if (ins.spatialDims !== 2) throw new AppError('UNSUPPORTED', `Encoder must be 2D after derivation (got ${ins.spatialDims}D)`);
  const plans = pre.plan ? { ...parsePlans(pre.plan) } : defaultPlans({ inputSize: o.inputSize, channelOffsets: o.channelOffsets });
  plans.inputSize = o.inputSize;
  if (o.channelOffsets) plans.channelOffsets = o.channelOffsets;
  const channels = plans.channelOffsets.length;
  const encChannels = src.inputs[0]?.shape[3];
  if (typeof encChannels !== 'number') throw new AppError('MODEL', 'Pretrained input has no channel count');
  const enc: EncoderInput = o.encoderInput ?? { scale: 1, offset: 0, note: pre.plan ? 'CardioSeg plan (unchanged)' : 'assumed [0,1] input' };
  if (!o.encoderInput && !pre.plan && !derived) warnings.push({ code: 'ASSUMED_NORMALISATION', message: 'The pretrained model\'s input range is unknown; assuming [0,1]. Pass encoderInput {scale, offset} if it expects another range.' });

  const input = tf.input({ shape: [o.inputSize[0], o.inputSize[1], channels], name: 'image' });
  const needAdapter = channels !== encChannels || enc.scale !== 1 || enc.offset !== 0 || o.adapterTrainable === true;
  let x: tf.SymbolicTensor = input;
  let adapter: tf.layers.Layer | null = null;
  if (needAdapter) {
    adapter = tf.layers.conv2d({ filters: encChannels, kernelSize: 1, useBias: true, name: ADAPTER });
    x = adapter.apply(x) as tf.SymbolicTensor;
  }
  const outLayer = src.outputLayers[0];
  if (!outLayer) throw new AppError('MODEL', 'Pretrained model has no output layer');
  const targets = mode === 'finetune' ? [outLayer.name] : [ins.cut, ...ins.skips];
  const cloned = cloneUpTo(src, x, targets, { spaceToBatch: (o.dilation ?? 'space-to-batch') === 'space-to-batch' });
  let probs: tf.SymbolicTensor;
  if (mode === 'finetune') {
    probs = cloned.tensors.get(outLayer.name) as tf.SymbolicTensor;
    assertSoftmaxHead(probs.shape, numClasses);
  } else {
    probs = decoder(cloned.tensors.get(ins.cut) as tf.SymbolicTensor, ins.skips.map((s) => cloned.tensors.get(s) as tf.SymbolicTensor), o, numClasses);
  }
  const model = tf.model({ inputs: input, outputs: probs, name: 'cardioseg_transfer' });
  copyWeights(cloned.pairs);
  if (adapter) {
    const centre = Math.max(0, plans.channelOffsets.indexOf(0));
    const w = adapterWeights(channels, encChannels, centre, enc);
    adapter.setWeights([tf.tensor4d(w.kernel, [1, 1, channels, encChannels]), tf.tensor1d(w.bias)]);
  }
  const encoderNames = [...ancestors(src, [ins.cut])].filter((n) => src.getLayer(n).getClassName() !== 'InputLayer');
  const encoderLayers = model.layers.map((l) => l.name).filter((n) => encoderNames.includes(n));
  setTrainable(model, encoderLayers, false);
  if (adapter) adapter.trainable = o.adapterTrainable === true;
  const pinned = pinBatchNorms(model, encoderLayers);
  const dilated = dilatedLayers(model, encoderLayers);
  if (dilated.length && o.adapterTrainable) {
    throw new AppError('UNSUPPORTED', `The adapter cannot train through dilated convolutions (${dilated.join(', ')}): tfjs has no gradient for them`);
  }
  src.dispose();
  const meta: TransferMeta = {
    version: 1,
    source: { kind: pre.kind, path: pre.path, derived2d: derived },
    mode,
    cut: ins.cut,
    skips: ins.skips,
    encoderLayers,
    blocks: encoderBlocks(model, encoderLayers),
    pinnedBatchNorm: pinned,
    dilated,
    adapter: { layer: adapter ? ADAPTER : null, trainable: o.adapterTrainable === true, from: channels, to: encChannels },
    encoderInput: enc,
  };
  return { model, plans, meta, warnings };
}

function convBlock(x: tf.SymbolicTensor, filters: number, name: string, bn: boolean, seed: number): tf.SymbolicTensor {
  let y = x;
  for (let i = 0; i < 2; i++) {
    y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: !bn, kernelInitializer: tf.initializers.heNormal({ seed: seed + i }), name: `${name}_conv${i}` }).apply(y) as tf.SymbolicTensor;
    // Momentum 0.9, not 0.99: with small transfer batches the moving statistics must catch up within a few hundred steps.
    if (bn) y = tf.layers.batchNormalization({ momentum: 0.9, name: `${name}_bn${i}` }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reLU({ name: `${name}_relu${i}` }).apply(y) as tf.SymbolicTensor;
  }
  return y;
}

function upsample(x: tf.SymbolicTensor, factor: number, filters: number, name: string, seed: number): tf.SymbolicTensor {
  if (!Number.isInteger(factor) || factor < 1) throw new AppError('MODEL', `Decoder step ${name} needs an integer upsampling factor, got ${factor}`);
  if (factor === 1) return x;
  return tf.layers.conv2dTranspose({ filters, kernelSize: factor, strides: factor, padding: 'same', kernelInitializer: tf.initializers.heNormal({ seed }), name }).apply(x) as tf.SymbolicTensor;
}

/** Deepest skip first; each step upsamples to the skip's size, concatenates it, and convolves. */
function decoder(cut: tf.SymbolicTensor, skips: tf.SymbolicTensor[], o: BuildOptions, numClasses: number): tf.SymbolicTensor {
  const base = o.decoderFilters ?? 16;
  const bn = o.decoderBatchNorm ?? true;
  let seed = o.seed ?? 7;
  const ordered = [...skips].sort((a, b) => spatial(a)[0] - spatial(b)[0]);
  let y = cut;
  ordered.forEach((s, i) => {
    const [sh, sw] = spatial(s);
    const [yh, yw] = spatial(y);
    if (sh % yh || sw % yw || sh / yh !== sw / yw) throw new AppError('MODEL', `Skip ${s.name} (${sh}x${sw}) is not an integer multiple of ${yh}x${yw}`);
    const f = Math.min(4 * base, Math.max(base, (s.shape[3] as number) ?? base));
    y = upsample(y, sh / yh, f, `tdec${i}_up`, seed++);
    y = tf.layers.concatenate({ axis: -1, name: `tdec${i}_concat` }).apply([y, s]) as tf.SymbolicTensor;
    y = convBlock(y, f, `tdec${i}`, bn, (seed += 2));
  });
  const [yh] = spatial(y);
  const [h] = o.inputSize;
  if (yh !== h || ordered.length === 0) {
    y = upsample(y, h / yh, base, 'tdec_final_up', seed++);
    y = convBlock(y, base, 'tdec_final', bn, (seed += 2));
  }
  const logits = tf.layers.conv2d({ filters: numClasses, kernelSize: 1, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), name: 'logits' }).apply(y) as tf.SymbolicTensor;
  return tf.layers.softmax({ axis: -1, name: 'probs' }).apply(logits) as tf.SymbolicTensor;
}
