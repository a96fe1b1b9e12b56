/**
 * What a pretrained network looks like and where to cut it: the encoder ends at the deepest layer
 * before the first upsampling (or before the classification head when there is none), and the skip
 * connections are the last activation before each pooling. Callers may override both by name.
 */
import type * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';

export interface LayerInfo {
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
  inbound: string[];
  /** Dilation > 1: tfjs has no gradient for these. */
  dilated: boolean;
}
export interface CutProposal {
  cut: string;
  skips: string[];
  reason: string;
}
export interface Inspection extends CutProposal {
  layers: LayerInfo[];
  inputShape: (number | null)[];
  spatialDims: number;
}

const UPSAMPLING = new Set(['UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'Conv2DTranspose', 'Conv3DTranspose']);
const POOLING = new Set(['MaxPooling2D', 'MaxPooling3D', 'AveragePooling2D', 'AveragePooling3D', 'MaxPool2D', 'AvgPool2D']);
const PASS_THROUGH = new Set(['Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout']);
const ACTIVATIONS = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU', 'Softmax']);

type LayerLike = tf.layers.Layer & { getConfig(): Record<string, unknown> };

function inboundNames(layer: tf.layers.Layer): string[] {
  const nodes = layer.inboundNodes;
  const first = nodes[0];
  return first ? first.inboundLayers.map((l) => l.name) : [];
}

function shapeOf(layer: tf.layers.Layer): (number | null)[] {
  const s = layer.outputShape;
  return (Array.isArray(s[0]) ? s[0] : s) as (number | null)[];
}

function isDilated(cfg: Record<string, unknown>): boolean {
  const d = cfg.dilation_rate ?? cfg.dilationRate;
  return Array.isArray(d) ? d.some((x) => Number(x) > 1) : Number(d) > 1;
}

function isStrided(cfg: Record<string, unknown>): boolean {
  const s = cfg.strides;
  return Array.isArray(s) ? s.some((x) => Number(x) > 1) : Number(s) > 1;
}

export function describeLayers(model: tf.LayersModel): LayerInfo[] {
  return model.layers.map((l) => {
    const cfg = (l as LayerLike).getConfig();
    return { name: l.name, className: l.getClassName(), outputShape: shapeOf(l), params: l.countParams(), inbound: inboundNames(l), dilated: isDilated(cfg) };
  });
}

function hasActivation(model: tf.LayersModel, info: LayerInfo): boolean {
  if (ACTIVATIONS.has(info.className)) return true;
  const act = (model.getLayer(info.name) as LayerLike).getConfig().activation;
  return typeof act === 'string' && act !== 'linear';
}

export function proposeCut(model: tf.LayersModel, layers = describeLayers(model)): CutProposal {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const back = (name: string): LayerInfo => {
    let cur = byName.get(name);
    while (cur && PASS_THROUGH.has(cur.className) && cur.inbound[0]) cur = byName.get(cur.inbound[0]);
    if (!cur) throw new AppError('MODEL', `Layer ${name} not found`);
    return cur;
  };
  const upIdx = layers.findIndex((l) => UPSAMPLING.has(l.className));
  let cut: string;
  let reason: string;
  if (upIdx >= 0) {
    const up = layers[upIdx] as LayerInfo;
    const src = up.inbound[0];
    if (!src) throw new AppError('MODEL', `Upsampling layer ${up.name} has no input`);
    cut = back(src).name;
    reason = `deepest layer before the first upsampling (${up.name})`;
  } else {
    // No decoder: drop the classification head (final activation + the layer that makes logits).
    let head = layers[layers.length - 1] as LayerInfo;
    if (ACTIVATIONS.has(head.className) && head.inbound[0]) head = back(head.inbound[0]);
    const src = head.inbound[0];
    if (!src) throw new AppError('MODEL', 'The model is a single layer: nothing to cut');
    cut = back(src).name;
    reason = `no upsampling: the layer before the classification head (${head.name})`;
  }
  const cutIdx = layers.findIndex((l) => l.name === cut);
  const skips: string[] = [];
  for (const l of layers.slice(0, cutIdx + 1)) {
    const downsamples = POOLING.has(l.className) || (l.className.startsWith('Conv') && isStrided((model.getLayer(l.name) as LayerLike).getConfig()));
    if (!downsamples || !l.inbound[0]) continue;
    let s = back(l.inbound[0]);
    // "Last activation": walk back over BatchNorm/pass-through to a layer that applies one.
    while (!hasActivation(model, s) && s.className === 'BatchNormalization' && s.inbound[0]) s = back(s.inbound[0]);
    if (!skips.includes(s.name)) skips.push(s.name);
  }
  return { cut, skips, reason };
}

export function inspectModel(model: tf.LayersModel, override: { cut?: string; skips?: string[] } = {}): Inspection {
  const layers = describeLayers(model);
  const names = new Set(layers.map((l) => l.name));
  const unknown = [override.cut, ...(override.skips ?? [])].filter((n): n is string => n !== undefined && !names.has(n));
  if (unknown.length) throw new AppError('NOT_FOUND', `No layer named ${unknown.join(', ')} in the pretrained model`, { available: [...names] });
  const proposal = proposeCut(model, layers);
  const cut = override.cut ?? proposal.cut;
  const cutIdx = layers.findIndex((l) => l.name === cut);
  const skips = override.skips ?? proposal.skips.filter((s) => layers.findIndex((l) => l.name === s) < cutIdx);
  const late = skips.filter((s) => layers.findIndex((l) => l.name === s) > cutIdx);
  if (late.length) throw new AppError('VALIDATION', `Skip layers must come before the cut (${cut}): ${late.join(', ')}`);
  const input = model.inputs[0];
  if (!input) throw new AppError('MODEL', 'Model has no input');
  const reason = override.cut || override.skips ? `override (proposal: ${proposal.reason})` : proposal.reason;
  return { layers, cut, skips, reason, inputShape: input.shape, spatialDims: input.shape.length - 2 };
}
