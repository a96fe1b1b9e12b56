/**
 * tfjs-layers model -> ONNX (opset 13), in TypeScript, no Python. The graph keeps the model's
 * NHWC interface (input `input` [N,H,W,C], output `probabilities` [N,H,W,classes]) so ONNX and
 * tfjs engines are interchangeable, and runs NCHW inside (one Transpose in, one out) because
 * that is ONNX's native layout. BatchNormalization is emitted as an op; onnxruntime fuses
 * Conv+BN itself at session creation, so folding it here would only add a second code path.
 */
import type * as TF from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';
import { IR_VERSION, OPSET, floatTensor, node, onnx, transposeData, valueInfo, type NodeProto, type TensorProto } from './proto.js';

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'probabilities';
/** Bump when the exporter's output changes, so cached model.onnx files are rebuilt. */
export const EXPORTER_VERSION = 1;

/** Layers the exporter understands; anything else is a clear UNSUPPORTED error, never a guess. */
export const SUPPORTED_LAYERS = [
  'InputLayer', 'Conv2D', 'Conv2DTranspose', 'MaxPooling2D', 'Concatenate', 'BatchNormalization',
  'Activation', 'ReLU', 'Softmax', 'Dropout', 'SpatialDropout2D', 'Add',
] as const;

type Cfg = Record<string, unknown>;

class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly inits: TensorProto[] = [];
  private n = 0;
  fresh(base: string): string {
    return `${base}__${this.n++}`;
  }
  add(op: string, inputs: string[], attrs: Parameters<typeof node>[4] = {}, out?: string): string {
    const o = out ?? this.fresh(op.toLowerCase());
    this.nodes.push(node(op, inputs, [o], this.fresh(`n_${op}`), attrs));
    return o;
  }
  init(name: string, dims: number[], data: Float32Array): string {
    this.inits.push(floatTensor(name, dims, data));
    return name;
  }
}

const pair = (v: unknown, what: string): [number, number] => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0] as number, v[1] as number];
  throw new AppError('UNSUPPORTED', `ONNX export: cannot read ${what} = ${JSON.stringify(v)}`);
};

function weightsOf(layer: TF.layers.Layer): Map<string, { data: Float32Array; shape: number[] }> {
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const w of layer.weights) {
    // originalName survives reloads (`conv2d_9/kernel_1`); the suffix after the last '/' is the role.
    const role = (w.originalName.split('/').pop() ?? w.originalName).replace(/_\d+$/, '');
    out.set(role, { data: w.read().dataSync() as Float32Array, shape: w.shape.map((d) => d ?? -1) });
  }
  return out;
}

function activation(g: GraphBuilder, x: string, act: unknown, layer: string): string {
  const a = typeof act === 'string' ? act : act == null ? 'linear' : (act as { className?: string }).className?.toLowerCase();
  switch (a) {
    case 'linear':
    case undefined:
      return x;
    case 'relu':
      return g.add('Relu', [x]);
    case 'sigmoid':
      return g.add('Sigmoid', [x]);
    case 'tanh':
      return g.add('Tanh', [x]);
    case 'softmax':
      return g.add('Softmax', [x], { axis: 1 });
    default:
      throw new AppError('UNSUPPORTED', `ONNX export: activation '${String(a)}' of layer ${layer} is not supported`);
  }
}

function checkChannelsLast(cfg: Cfg, layer: string): void {
  if (cfg.dataFormat !== undefined && cfg.dataFormat !== 'channelsLast') {
    throw new AppError('UNSUPPORTED', `ONNX export: layer ${layer} uses ${String(cfg.dataFormat)}; only channelsLast models are exported`);
  }
}

/** TF 'same' padding with stride 1 is static: (k_eff-1) split with the extra pixel at the end. */
function samePads(kernel: [number, number], dilation: [number, number]): number[] {
  const tot = kernel.map((k, i) => (k - 1) * (dilation[i] as number));
  return [Math.floor(tot[0]! / 2), Math.floor(tot[1]! / 2), tot[0]! - Math.floor(tot[0]! / 2), tot[1]! - Math.floor(tot[1]! / 2)];
}

function convLayer(g: GraphBuilder, layer: TF.layers.Layer, cfg: Cfg, x: string, transpose: boolean): string {
  checkChannelsLast(cfg, layer.name);
  const k = pair(cfg.kernelSize, 'kernelSize');
  const s = pair(cfg.strides ?? 1, 'strides');
  const d = pair(cfg.dilationRate ?? 1, 'dilationRate');
  const w = weightsOf(layer);
  const kernel = w.get('kernel');
  if (!kernel) throw new AppError('MODEL', `ONNX export: layer ${layer.name} has no kernel weight`);
  // tfjs Conv2D kernel [kh,kw,in,out] -> ONNX [out,in,kh,kw]; Conv2DTranspose [kh,kw,out,in] -> ONNX [in,out,kh,kw].
  const t = transposeData(kernel.data, kernel.shape, [3, 2, 0, 1]);
  const inputs = [x, g.init(`${layer.name}/W`, t.shape, t.data)];
  const bias = w.get('bias');
  if (bias && cfg.useBias !== false) inputs.push(g.init(`${layer.name}/B`, bias.shape, bias.data));
  const attrs: Record<string, number[] | string> = { kernel_shape: k, strides: s, dilations: d };
  if (!transpose) {
    if (cfg.padding === 'same') {
      if (s[0] === 1 && s[1] === 1) attrs.pads = samePads(k, d);
      else attrs.auto_pad = 'SAME_UPPER'; // TF puts the odd pixel at the end, as SAME_UPPER does.
    } else if (cfg.padding !== 'valid') {
      throw new AppError('UNSUPPORTED', `ONNX export: padding '${String(cfg.padding)}' in ${layer.name}`);
    }
    return activation(g, g.add('Conv', inputs, attrs), cfg.activation, layer.name);
  }
  if (d[0] !== 1 || d[1] !== 1) throw new AppError('UNSUPPORTED', `ONNX export: dilated Conv2DTranspose ${layer.name}`);
  if (cfg.padding === 'same') {
    // TF's transposed 'same' output is in*stride, which crops (k - s) pixels: floor half at the start.
    const tot = k.map((kk, i) => kk - (s[i] as number));
    if (tot.some((v) => v < 0)) throw new AppError('UNSUPPORTED', `ONNX export: Conv2DTranspose ${layer.name} with kernel < stride`);
    attrs.pads = [Math.floor(tot[0]! / 2), Math.floor(tot[1]! / 2), tot[0]! - Math.floor(tot[0]! / 2), tot[1]! - Math.floor(tot[1]! / 2)];
  } else if (cfg.padding !== 'valid') {
    throw new AppError('UNSUPPORTED', `ONNX export: padding '${String(cfg.padding)}' in ${layer.name}`);
  }
  return activation(g, g.add('ConvTranspose', inputs, attrs), cfg.activation, layer.name);
}

function batchNorm(g: GraphBuilder, layer: TF.layers.Layer, cfg: Cfg, x: string): string {
  const axis = cfg.axis;
  const rank = layer.inputSpec?.[0]?.ndim ?? 4;
  if (!(axis === -1 || axis === rank - 1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3)))) {
    throw new AppError('UNSUPPORTED', `ONNX export: BatchNormalization ${layer.name} over axis ${JSON.stringify(axis)}`);
  }
  const w = weightsOf(layer);
  const mean = w.get('moving_mean');
  const variance = w.get('moving_variance');
  if (!mean || !variance) throw new AppError('MODEL', `ONNX export: ${layer.name} lacks moving statistics`);
  const c = mean.data.length;
  const gamma = w.get('gamma')?.data ?? new Float32Array(c).fill(1);
  const beta = w.get('beta')?.data ?? new Float32Array(c);
  const p = layer.name;
  return g.add('BatchNormalization', [x, g.init(`${p}/scale`, [c], gamma), g.init(`${p}/B`, [c], beta), g.init(`${p}/mean`, [c], mean.data), g.init(`${p}/var`, [c], variance.data)], {
    epsilon: { float: typeof cfg.epsilon === 'number' ? cfg.epsilon : 1e-3 },
  });
}

/** NHWC axis -> NCHW axis. */
const nchwAxis = (axis: number): number => [0, 2, 3, 1][axis < 0 ? axis + 4 : axis] as number;

function emitLayer(g: GraphBuilder, layer: TF.layers.Layer, ins: string[]): string {
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as Cfg;
  const x = ins[0] as string;
  switch (cls) {
    case 'Conv2D':
      return convLayer(g, layer, cfg, x, false);
    case 'Conv2DTranspose':
      return convLayer(g, layer, cfg, x, true);
    case 'MaxPooling2D': {
      checkChannelsLast(cfg, layer.name);
      const k = pair(cfg.poolSize, 'poolSize');
      const s = pair(cfg.strides ?? cfg.poolSize, 'strides');
      const attrs: Record<string, number[] | string> = { kernel_shape: k, strides: s };
      if (cfg.padding === 'same') attrs.auto_pad = 'SAME_UPPER';
      return g.add('MaxPool', [x], attrs);
    }
    case 'Concatenate':
      return g.add('Concat', ins, { axis: nchwAxis(typeof cfg.axis === 'number' ? cfg.axis : -1) });
    case 'Add':
      return ins.slice(1).reduce((acc, y) => g.add('Add', [acc, y]), x);
    case 'BatchNormalization':
      return batchNorm(g, layer, cfg, x);
    case 'Activation':
      return activation(g, x, cfg.activation, layer.name);
    case 'ReLU':
      if (cfg.maxValue != null) return g.add('Clip', [x, g.init(`${layer.name}/min`, [], new Float32Array([0])), g.init(`${layer.name}/max`, [], new Float32Array([Number(cfg.maxValue)]))]);
      return g.add('Relu', [x]);
    case 'Softmax': {
      const axis = Array.isArray(cfg.axis) ? cfg.axis[0] : cfg.axis;
      return g.add('Softmax', [x], { axis: nchwAxis(typeof axis === 'number' ? axis : -1) });
    }
    case 'Dropout':
    case 'SpatialDropout2D':
      return x; // inference: identity
    default:
      throw new AppError('UNSUPPORTED', `ONNX export: layer ${layer.name} of type ${cls} is not supported (supported: ${SUPPORTED_LAYERS.join(', ')})`);
  }
}

export interface ExportOptions {
  /** Written into the model's metadata so a cached file can be traced to its source weights. */
  sourceHash?: string;
  producer?: string;
}

/** Export a single-input, single-output 2D channels-last tfjs LayersModel to ONNX bytes. */
export function exportLayersModelToOnnx(model: TF.LayersModel, opts: ExportOptions = {}): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new AppError('UNSUPPORTED', `ONNX export needs one input and one output (model has ${model.inputs.length} and ${model.outputs.length})`);
  }
  const inShape = model.inputs[0]!.shape;
  if (inShape.length !== 4) throw new AppError('UNSUPPORTED', `ONNX export needs a 4D NHWC input, got [${inShape.join(',')}]`);
  const outShape = model.outputs[0]!.shape;
  const g = new GraphBuilder();
  const produced = new Map<string, string>();
  const inputLayer = model.inputLayers[0]!;
  produced.set(inputLayer.name, g.add('Transpose', [ONNX_INPUT], { perm: [0, 3, 1, 2] }));

  // model.layers is topologically ordered; each layer is called once in a U-Net (node 0).
  for (const layer of model.layers) {
    if (produced.has(layer.name)) continue;
    const inbound = layer.inboundNodes.find((nd) => nd.outboundLayer === layer) ?? layer.inboundNodes[0];
    if (!inbound) throw new AppError('MODEL', `ONNX export: layer ${layer.name} is not connected`);
    if (layer.inboundNodes.length > 1) throw new AppError('UNSUPPORTED', `ONNX export: layer ${layer.name} is shared (called ${layer.inboundNodes.length} times)`);
    const ins = inbound.inboundLayers.map((l) => {
      const t = produced.get(l.name);
      if (!t) throw new AppError('MODEL', `ONNX export: ${layer.name} consumes ${l.name} before it is computed`);
      return t;
    });
    produced.set(layer.name, emitLayer(g, layer, ins));
  }
  const last = produced.get(model.outputLayers[0]!.name);
  if (!last) throw new AppError('MODEL', 'ONNX export: the output layer was never reached');
  g.add('Transpose', [last], { perm: [0, 2, 3, 1] }, ONNX_OUTPUT);

  const dim = (d: number | null, sym: string) => (d == null ? sym : d);
  const m = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: opts.producer ?? 'cardioseg',
    producerVersion: String(EXPORTER_VERSION),
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: opts.sourceHash ? [{ key: 'cardioseg.sourceHash', value: opts.sourceHash }] : [],
    graph: {
      name: model.name || 'unet',
      node: g.nodes,
      initializer: g.inits,
      input: [valueInfo(ONNX_INPUT, [dim(inShape[0] ?? null, 'N'), dim(inShape[1] ?? null, 'H'), dim(inShape[2] ?? null, 'W'), dim(inShape[3] ?? null, 'C')])],
      output: [valueInfo(ONNX_OUTPUT, [dim(outShape[0] ?? null, 'N'), dim(outShape[1] ?? null, 'H'), dim(outShape[2] ?? null, 'W'), dim(outShape[3] ?? null, 'K')])],
    },
  });
  return onnx.ModelProto.encode(m).finish();
}
