import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmConvGradients } from './wasm-conv-grad.js';

interface Case {
  n: number; h: number; w: number; cin: number; cout: number; kh: number; kw: number;
  stride: [number, number]; pad: 'same' | 'valid';
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** Gradients of sum(conv(x, W) * r) for x and W, plus conv2dTranspose's forward output. */
async function grads(backend: string, c: Case, x: Float32Array, f: Float32Array, r: Float32Array) {
  await tf.setBackend(backend);
  const xt = tf.tensor4d(x, [c.n, c.h, c.w, c.cin]);
  const ft = tf.tensor4d(f, [c.kh, c.kw, c.cin, c.cout]);
  const outShape = tf.tidy(() => tf.conv2d(xt, ft, c.stride, c.pad).shape);
  const rt = tf.tensor(r.subarray(0, outShape.reduce((a, b) => a * b, 1)), outShape);
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(rt).sum());
  const [dx, dw] = g([xt, ft]);
  const tr = tf.conv2dTranspose(rt as tf.Tensor4D, ft, [c.n, c.h, c.w, c.cin], c.stride, c.pad);
  const out = { dx: await dx!.data(), dw: await dw!.data(), tr: await tr.data() };
  tf.dispose([xt, ft, rt, dx!, dw!, tr]);
  return out;
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

describe('wasm Conv2D gradient kernels', () => {
  beforeAll(async () => {
    registerWasmConvGradients(tf);
    await tf.setBackend('wasm');
    await tf.ready();
  });

  const rand = rng(7);
  const pick = (lo: number, hi: number) => lo + Math.floor(((rand() + 1) / 2) * (hi - lo + 1));
  const cases: Case[] = [
    { n: 1, h: 8, w: 8, cin: 3, cout: 4, kh: 3, kw: 3, stride: [1, 1], pad: 'same' },
    { n: 2, h: 7, w: 9, cin: 2, cout: 5, kh: 3, kw: 3, stride: [2, 2], pad: 'same' },
    { n: 1, h: 9, w: 7, cin: 3, cout: 2, kh: 2, kw: 2, stride: [2, 2], pad: 'valid' },
    { n: 1, h: 11, w: 10, cin: 4, cout: 3, kh: 3, kw: 2, stride: [2, 3], pad: 'valid' },
    { n: 2, h: 6, w: 6, cin: 1, cout: 1, kh: 1, kw: 1, stride: [1, 1], pad: 'valid' },
  ];
  for (let i = 0; i < 5; i++) {
    cases.push({
      n: pick(1, 2), h: pick(5, 13), w: pick(5, 13), cin: pick(1, 5), cout: pick(1, 5), kh: pick(1, 4), kw: pick(1, 4),
      stride: [pick(1, 3), pick(1, 3)], pad: rand() > 0 ? 'same' : 'valid',
    });
  }

  it.each(cases)('matches cpu: %o', async (c) => {
    const r = rng(c.h * 31 + c.w);
    const fill = (len: number) => Float32Array.from({ length: len }, r);
    const x = fill(c.n * c.h * c.w * c.cin);
    const f = fill(c.kh * c.kw * c.cin * c.cout);
    const dyr = fill(c.n * c.h * c.w * c.cout);
    const cpu = await grads('cpu', c, x, f, dyr);
    const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
    const wasm = await grads('wasm', c, x, f, dyr);
    expect(tf.memory().numTensors).toBe(before);
    expect(relErr(wasm.dx, cpu.dx)).toBeLessThan(1e-4);
    expect(relErr(wasm.dw, cpu.dw)).toBeLessThan(1e-4);
    expect(relErr(wasm.tr, cpu.tr)).toBeLessThan(1e-4);
  });

  it('frees its intermediates in the wasm heap', async () => {
    await tf.setBackend('wasm');
    const c = cases[1]!;
    const fill = (len: number) => Float32Array.from({ length: len }, rng(3));
    const args = [fill(c.n * c.h * c.w * c.cin), fill(c.kh * c.kw * c.cin * c.cout), fill(c.n * c.h * c.w * c.cout)] as const;
    await grads('wasm', c, ...args);
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 5; i++) await grads('wasm', c, ...args);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(tf.engine().backend.numDataIds()).toBeLessThanOrEqual(tf.memory().numTensors + 2);
  });
});
