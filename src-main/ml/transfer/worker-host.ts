/**
 * `transfer.train` in a worker_threads worker, so TensorFlow.js never blocks the main event loop.
 * Messages out: progress | done | error; in: cancel (stops after the current batch).
 */
import type { TransferTrainOutput } from '../../../src-shared/contract/transfer.contract.js';
import { AppError, deserializeError, type SerializedError } from '../../../src-shared/errors.js';
import type { Progress } from '../../../src-shared/rpc/define.js';
import { spawnWorker } from '../../util/worker.js';

export type TransferWorkerOut = { type: 'progress'; progress: Progress } | { type: 'done'; result: TransferTrainOutput } | { type: 'error'; error: SerializedError };

export function runTransferInWorker(input: unknown, opts: { signal?: AbortSignal; progress?: (p: Progress) => void } = {}): Promise<TransferTrainOutput> {
  const worker = spawnWorker('transfer', { workerData: { input } });
  const cancel = () => worker.postMessage({ type: 'cancel' });
  return new Promise<TransferTrainOutput>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', cancel);
      f();
    };
    worker.on('message', (m: TransferWorkerOut) => {
      if (m.type === 'progress') opts.progress?.(m.progress);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(deserializeError(m.error)));
    });
    worker.on('error', (e) => finish(() => reject(new AppError('INTERNAL', `Transfer worker crashed: ${e.message}`))));
    worker.on('exit', (code) => finish(() => reject(new AppError('INTERNAL', `Transfer worker exited with code ${code}`))));
    if (opts.signal?.aborted) cancel();
    else opts.signal?.addEventListener('abort', cancel, { once: true });
  });
}
