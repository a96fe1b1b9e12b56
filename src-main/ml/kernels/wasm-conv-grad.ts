/**
 * Conv2D gradients for the tfjs wasm backend, composed from wasm's own (XNNPACK) kernels.
 * wasm 4.22 has no Conv2DBackpropFilter (training a Conv2D model throws) and its
 * Conv2DBackpropInput is a naive loop that also runs every Conv2DTranspose forward pass.
 * Both are rewritten as ordinary forward convolutions:
 *   dx = conv(zero-insert(dy, stride) padded, flip(W) with in/out swapped), stride 1
 *   dW = conv(x^T as [Cin,H,W,N], dy^T as filter [Ho,Wo,N,Cout], dilation = stride)
 * Intermediates are disposed here because a kernel's temporaries are invisible to tf.tidy.
 */
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof TF;
interface Info {
  dataId: object;
  shape: number[];
  dtype: TF.DataType;
}
interface WasmLike {
  disposeData(dataId: object, force?: boolean): boolean;
}
type KernelFn = (args: { inputs: Record<string, Info>; backend: WasmLike; attrs: Record<string, unknown> }) => Info;

/** A reshaped view that shares storage: never disposed on its own. */
const view = (t: Info, shape: number[]): Info => ({ dataId: t.dataId, shape, dtype: t.dtype });

function kernels(tf: Tf) {
  const get = (name: string): KernelFn => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`wasm kernel ${name} missing`);
    return k.kernelFunc as unknown as KernelFn;
  };
  return { conv2d: get('Conv2D'), pad: get('PadV2'), slice: get('Slice'), transpose: get('Transpose'), reverse: get('Reverse') };
}

type K = ReturnType<typeof kernels>;

/** Pad (positive) or crop (negative) the H and W axes of an NHWC tensor; returns x itself if no-op. */
function padCrop(k: K, backend: WasmLike, x: Info, top: number, bottom: number, left: number, right: number): Info {
  let cur = x;
  const owned: Info[] = [];
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = cur.shape as [number, number, number, number];
    const t0 = Math.max(0, -top), l0 = Math.max(0, -left);
    const size = [n, h - t0 - Math.max(0, -bottom), w - l0 - Math.max(0, -right), c];
    cur = k.slice({ inputs: { x: cur }, backend, attrs: { begin: [0, t0, l0, 0], size } });
    owned.push(cur);
  }
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    const paddings = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]];
    const next = k.pad({ inputs: { x: cur }, backend, attrs: { paddings, constantValue: 0 } });
    for (const o of owned) backend.disposeData(o.dataId);
    cur = next;
  }
  return cur;
}

/** Insert stride-1 zeros after every row/column: [N,h,w,C] -> [N,h*sh,w*sw,C]. */
function zeroInsert(k: K, backend: WasmLike, dy: Info, sh: number, sw: number): Info {
  const [n, h, w, c] = dy.shape as [number, number, number, number];
  let cur = dy;
  let owned = false;
  if (sw > 1) {
    const next = k.pad({ inputs: { x: view(cur, [n * h * w, 1, c]) }, backend, attrs: { paddings: [[0, 0], [0, sw - 1], [0, 0]], constantValue: 0 } });
    cur = view(next, [n, h, w * sw, c]);
    owned = true;
  }
  if (sh > 1) {
    const ww = cur.shape[2]!;
    const next = k.pad({ inputs: { x: view(cur, [n * h, 1, ww * c]) }, backend, attrs: { paddings: [[0, 0], [0, sh - 1], [0, 0]], constantValue: 0 } });
    if (owned) backend.disposeData(cur.dataId);
    cur = view(next, [n, h * sh, ww, c]);
    owned = true;
  }
  return cur;
}

function convInfo(tf: Tf, xShape: number[], filterShape: number[], attrs: Record<string, unknown>) {
  const pad = attrs.pad as 'same' | 'valid' | number | TF.backend_util.ExplicitPadding;
  const strides = attrs.strides as number | [number, number];
  const rounding = attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') throw new Error('wasm conv gradients support NHWC only');
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    rounding,
  );
}

export function makeBackpropInputKernel(tf: Tf): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const k = kernels(tf);
    const dy = inputs.dy!;
    const filter = inputs.filter!;
    const inputShape = attrs.inputShape as number[];
    const info = convInfo(tf, inputShape, filter.shape, attrs);
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
    const [, H, W] = inputShape as [number, number, number, number];
    const dil = zeroInsert(k, backend, dy, sh, sw);
    const lh = dil.shape[1]!, lw = dil.shape[2]!;
    const padded = padCrop(k, backend, dil, kh - 1 - info.padInfo.top, H + info.padInfo.top - lh, kw - 1 - info.padInfo.left, W + info.padInfo.left - lw);
    if (padded !== dil && dil !== dy) backend.disposeData(dil.dataId);
    const flipped = k.reverse({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } });
    const swapped = k.transpose({ inputs: { x: flipped }, backend, attrs: { perm: [0, 1, 3, 2] } });
    backend.disposeData(flipped.dataId);
    const out = k.conv2d({ inputs: { x: padded, filter: swapped }, backend, attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] } });
    backend.disposeData(swapped.dataId);
    if (padded !== dy) backend.disposeData(padded.dataId);
    return out;
  };
}

export function makeBackpropFilterKernel(tf: Tf): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const k = kernels(tf);
    const x = inputs.x!;
    const dy = inputs.dy!;
    const filterShape = attrs.filterShape as number[];
    const info = convInfo(tf, x.shape, filterShape, attrs);
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: ho, outWidth: wo } = info;
    const [, H, W] = x.shape as [number, number, number, number];
    const top = info.padInfo.top, left = info.padInfo.left;
    // Exactly the rows the forward pass read: (ho-1)*sh + kh, which may crop a stride's leftover.
    const xp = padCrop(k, backend, x, top, (ho - 1) * sh + kh - H - top, left, (wo - 1) * sw + kw - W - left);
    const xt = k.transpose({ inputs: { x: xp }, backend, attrs: { perm: [3, 1, 2, 0] } });
    if (xp !== x) backend.disposeData(xp.dataId);
    const dyt = k.transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
    const g = k.conv2d({ inputs: { x: xt, filter: dyt }, backend, attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw] } });
    backend.disposeData(xt.dataId);
    backend.disposeData(dyt.dataId);
    const out = k.transpose({ inputs: { x: g }, backend, attrs: { perm: [1, 2, 0, 3] } });
    backend.disposeData(g.dataId);
    return out;
  };
}

let registered = false;

/** Replace/add the two kernels; call after importing tfjs-backend-wasm, before setBackend('wasm'). */
export function registerWasmConvGradients(tf: Tf): void {
  if (registered) return;
  registered = true;
  for (const [name, make] of [
    ['Conv2DBackpropInput', makeBackpropInputKernel],
    ['Conv2DBackpropFilter', makeBackpropFilterKernel],
  ] as const) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: make(tf) as unknown as TF.KernelFunc });
  }
}
