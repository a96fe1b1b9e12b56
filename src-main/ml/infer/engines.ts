/**
 * The two ways to run a U-Net on a batch of preprocessed slices. Both take NHWC float input and
 * return NHWC probabilities, so the volume loop never knows which one ran.
 */
import type * as TF from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';
import { createOrtRunner, DEFAULT_ORT_THREADS, type OrtRunner } from '../onnx/runtime.js';

export type EngineName = 'onnxruntime-node' | 'tfjs';

export interface SliceEngine {
  name: EngineName;
  /** e.g. 'cpu (2 threads)' or the tfjs backend name. */
  detail: string;
  predict(input: Float32Array, shape: [number, number, number, number]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export async function createOrtEngine(onnxModel: Uint8Array | string, threads = DEFAULT_ORT_THREADS): Promise<SliceEngine> {
  const runner: OrtRunner = await createOrtRunner(onnxModel, { threads });
  return {
    name: 'onnxruntime-node',
    detail: `cpu (${threads} intra-op threads)`,
    async predict(input, shape) {
      return (await runner.run(input, shape)).data;
    },
    dispose: () => runner.release(),
  };
}

/**
 * tfjs engine. The model is owned by the engine (disposed with it). Every tensor made per call
 * is released before returning: the 100-call numTensors test holds this to account.
 */
export function createTfjsEngine(tf: typeof TF, model: TF.LayersModel, backend: string): SliceEngine {
  return {
    name: 'tfjs',
    detail: backend,
    async predict(input, shape) {
      let y: TF.Tensor;
      try {
        y = tf.tidy(() => {
          const out = model.predict(tf.tensor4d(input, shape));
          if (Array.isArray(out)) throw new AppError('MODEL', 'The model has several outputs; a U-Net has one');
          return out as TF.Tensor;
        });
      } catch (e) {
        if (e instanceof AppError) throw e;
        throw new AppError('MODEL', `tfjs failed on input [${shape.join(',')}]: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        const expected = shape[0] * shape[1] * shape[2];
        if (y.shape.length !== 4 || y.shape[0] !== shape[0] || y.shape[1] !== shape[1] || y.shape[2] !== shape[2] || y.size % expected !== 0) {
          throw new AppError('MODEL', `Model output [${y.shape.join(',')}] does not match input [${shape.join(',')}]`);
        }
        return (await y.data()) as Float32Array;
      } finally {
        y.dispose();
      }
    },
    async dispose() {
      model.dispose();
    },
  };
}
