/**
 * The one place that decides which TensorFlow.js backend runs: native GPU, native CPU, WASM,
 * then pure JS. Native packages are optionalDependencies and usually absent on these machines.
 */
import type * as TF from '@tensorflow/tfjs';
import { registerWasmConvGradients } from './kernels/wasm-conv-grad.js';

export type TfBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export interface BackendAttempt {
  name: TfBackendName;
  ok: boolean;
  error?: string;
}
export interface BackendChoice {
  tf: typeof TF;
  name: TfBackendName;
  attempts: BackendAttempt[];
}

type Hook = (tf: typeof TF) => void | Promise<void>;
const beforeWasmHooks: Hook[] = [];

/** Kernels must be registered before `setBackend('wasm')` initialises the backend. */
export function registerBeforeWasm(hook: Hook): void {
  beforeWasmHooks.push(hook);
}

// Training on wasm needs Conv2DBackpropFilter (missing) and a fast Conv2DBackpropInput.
registerBeforeWasm(registerWasmConvGradients);

let chosen: Promise<BackendChoice> | undefined;

const msg = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] ?? e.message : String(e));

export function initTf(preferred: TfBackendName[] = backendOrderFromEnv()): Promise<BackendChoice> {
  chosen ??= (async () => {
    const attempts: BackendAttempt[] = [];
    for (const name of preferred) {
      try {
        if (name === 'tensorflow-gpu' || name === 'tensorflow') {
          const pkg = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
          const mod = (await import(/* @vite-ignore */ pkg)) as typeof TF;
          await mod.ready();
          if (mod.getBackend() !== 'tensorflow') throw new Error(`${pkg} loaded but backend is ${mod.getBackend()}`);
          attempts.push({ name, ok: true });
          return { tf: mod, name, attempts };
        }
        const tf = await import('@tensorflow/tfjs');
        if (name === 'wasm') {
          await import('@tensorflow/tfjs-backend-wasm');
          for (const h of beforeWasmHooks) await h(tf);
        }
        if (!(await tf.setBackend(name))) throw new Error(`setBackend('${name}') returned false`);
        await tf.ready();
        attempts.push({ name, ok: true });
        return { tf, name, attempts };
      } catch (e) {
        attempts.push({ name, ok: false, error: msg(e) });
      }
    }
    throw new Error(`No TensorFlow.js backend could start: ${attempts.map((a) => `${a.name}: ${a.error}`).join('; ')}`);
  })();
  return chosen;
}

/** CARDIOSEG_TF_BACKEND=wasm (or a comma list) narrows the order, e.g. for benchmarks. */
export function backendOrderFromEnv(): TfBackendName[] {
  const all: TfBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
  const env = process.env.CARDIOSEG_TF_BACKEND;
  if (!env) return all;
  const wanted = env.split(',').map((s) => s.trim()) as TfBackendName[];
  return wanted.filter((w) => all.includes(w));
}

export type InferenceEngineName = 'onnxruntime-node' | 'tfjs';

let engine: Promise<{ name: InferenceEngineName; error?: string }> | undefined;

/** onnxruntime-node ships its CPU binaries in the npm package; tfjs is the fallback. */
export function detectInferenceEngine(): Promise<{ name: InferenceEngineName; error?: string }> {
  engine ??= (async () => {
    if (process.env.CARDIOSEG_ENGINE === 'tfjs') return { name: 'tfjs' as const, error: 'disabled by CARDIOSEG_ENGINE=tfjs' };
    try {
      const ort = await import('onnxruntime-node');
      if (typeof ort.InferenceSession?.create !== 'function') throw new Error('onnxruntime-node has no InferenceSession');
      return { name: 'onnxruntime-node' as const };
    } catch (e) {
      return { name: 'tfjs' as const, error: msg(e) };
    }
  })();
  return engine;
}
