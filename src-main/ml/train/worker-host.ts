/**
 * Main-thread side: start training in a worker_threads worker and expose its events, a graceful
 * cancel (finishes the current batch, keeps the last checkpoint) and a hard terminate.
 */
import { randomUUID } from 'node:crypto';
import type { BatchEvent, EpochEvent, TrainingResult } from '../../../src-shared/contract/training.contract.js';
import { AppError, abortError, deserializeError, type SerializedError } from '../../../src-shared/errors.js';
import { spawnWorker } from '../../util/worker.js';

export type WorkerOut =
  | { type: 'batch'; event: BatchEvent }
  | { type: 'epoch'; event: EpochEvent }
  | { type: 'done'; result: TrainingResult }
  | { type: 'error'; error: SerializedError };

export interface TrainingHandle {
  runId: string;
  result: Promise<TrainingResult>;
  /** Graceful: the worker stops after the current batch and rejects with ABORTED. */
  cancel(): void;
  /** Hard stop, like a crash or kill: no cleanup runs in the worker. */
  terminate(): Promise<void>;
}


export function startTrainingWorker(
  input: unknown,
  opts: { onBatch?(e: BatchEvent): void; onEpoch?(e: EpochEvent): void; signal?: AbortSignal; runId?: string } = {},
): TrainingHandle {
  const runId = opts.runId ?? randomUUID();
  const worker = spawnWorker('train', { workerData: { input, runId } });
  let terminated = false;
  let settled = false;
  const result = new Promise<TrainingResult>((resolve, reject) => {
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    worker.on('message', (m: WorkerOut) => {
      if (m.type === 'batch') opts.onBatch?.(m.event);
      else if (m.type === 'epoch') opts.onEpoch?.(m.event);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else if (m.type === 'error') finish(() => reject(deserializeError(m.error)));
    });
    worker.on('error', (e) => finish(() => reject(new AppError('INTERNAL', `Training worker crashed: ${e.message}`))));
    worker.on('exit', (code) =>
      finish(() => reject(terminated ? abortError('Training was terminated') : new AppError('INTERNAL', `Training worker exited with code ${code}`))),
    );
  });
  const cancel = () => worker.postMessage({ type: 'cancel' });
  const onAbort = () => cancel();
  if (opts.signal?.aborted) cancel();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    runId,
    result,
    cancel,
    async terminate() {
      terminated = true;
      await worker.terminate();
    },
  };
}
