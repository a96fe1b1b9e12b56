/**
 * onnxruntime-node session for an exported U-Net. Two intra-op threads: the app's target machine
 * class has 2 cores and the UI thread must stay responsive; the bench measures against that.
 */
import type * as Ort from 'onnxruntime-node';
import { AppError } from '../../../src-shared/errors.js';
import { ONNX_INPUT, ONNX_OUTPUT } from './export.js';

export interface OrtRunner {
  /** NHWC float input -> NHWC float probabilities. */
  run(input: Float32Array, shape: [number, number, number, number]): Promise<{ data: Float32Array; shape: number[] }>;
  release(): Promise<void>;
}

export const DEFAULT_ORT_THREADS = 2;

export async function createOrtRunner(model: Uint8Array | string, opts: { threads?: number } = {}): Promise<OrtRunner> {
  let ort: typeof Ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    throw new AppError('UNSUPPORTED', `onnxruntime-node is not available: ${e instanceof Error ? e.message : String(e)}`);
  }
  const sessionOpts: Ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.threads ?? DEFAULT_ORT_THREADS,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // The arena keeps the largest batch's activations for good: ~120 MB more peak RSS, no measurable speed gain here.
    enableCpuMemArena: false,
  };
  let session: Ort.InferenceSession;
  try {
    session = typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOpts) : await ort.InferenceSession.create(model, sessionOpts);
  } catch (e) {
    throw new AppError('MODEL', `onnxruntime could not load the model: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    async run(input, shape) {
      const feeds = { [ONNX_INPUT]: new ort.Tensor('float32', input, shape) };
      let out: Ort.InferenceSession.ReturnType;
      try {
        out = await session.run(feeds);
      } catch (e) {
        // Typically an input size the exported graph does not accept (plans.json inputSize vs model.json).
        throw new AppError('MODEL', `onnxruntime failed on input [${shape.join(',')}]: ${e instanceof Error ? e.message : String(e)}`);
      }
      const t = out[ONNX_OUTPUT];
      if (!t) throw new AppError('MODEL', `ONNX model produced no '${ONNX_OUTPUT}' output`);
      const data = t.data as Float32Array;
      const dims = [...t.dims];
      t.dispose();
      return { data, shape: dims };
    },
    async release() {
      await session.release();
    },
  };
}
