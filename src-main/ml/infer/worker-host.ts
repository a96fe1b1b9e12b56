/**
 * Main-thread side: run segmentation.run in a worker_threads worker, relay progress, cancel on
 * abort (the worker stops between batches and answers ABORTED).
 */
import type { SegmentationRunOutput } from '../../../src-shared/contract/segmentation.contract.js';
import { AppError, abortError, deserializeError, type SerializedError } from '../../../src-shared/errors.js';
import type { Progress } from '../../../src-shared/rpc/define.js';
import type { ParsedSegmentationInput, PipelineContext } from './pipeline.js';
import { spawnWorker } from '../../util/worker.js';

export type InferWorkerOut =
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; output: SegmentationRunOutput }
  | { type: 'error'; error: SerializedError };


export function runSegmentationInWorker(input: ParsedSegmentationInput, ctx: PipelineContext): Promise<SegmentationRunOutput> {
  if (ctx.signal.aborted) return Promise.reject(abortError());
  const worker = spawnWorker('infer', { workerData: { input } });
  return new Promise<SegmentationRunOutput>((resolve, reject) => {
    let settled = false;
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      f();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: InferWorkerOut) => {
      if (m.type === 'progress') ctx.progress(m.progress);
      else if (m.type === 'done') finish(() => resolve(m.output));
      else finish(() => reject(deserializeError(m.error)));
    });
    worker.on('error', (e) => finish(() => reject(new AppError('INTERNAL', `Segmentation worker crashed: ${e.message}`))));
    worker.on('exit', (code) => finish(() => reject(new AppError('INTERNAL', `Segmentation worker exited with code ${code} before answering`))));
  });
}
