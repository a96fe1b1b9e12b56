/**
 * Main-thread side: run segmentation.run in a worker_threads worker, relay progress, cancel on
 * abort (the worker stops between batches and answers ABORTED).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SegmentationRunOutput } from '../../../src-shared/contract/segmentation.contract.js';
import { AppError, abortError, deserializeError, type SerializedError } from '../../../src-shared/errors.js';
import type { Progress } from '../../../src-shared/rpc/define.js';
import type { ParsedSegmentationInput, PipelineContext } from './pipeline.js';

export type InferWorkerOut =
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; output: SegmentationRunOutput }
  | { type: 'error'; error: SerializedError };

/** From sources (tsx: CLI, tests, dev) a small eval'd bootstrap registers tsx first; a build ships worker-entry.js. */
function spawnWorker(workerData: unknown): Worker {
  const ts = new URL('./worker-entry.ts', import.meta.url);
  if (import.meta.url.endsWith('.ts') && existsSync(fileURLToPath(ts))) {
    const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); });`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL('./worker-entry.js', import.meta.url), { workerData });
}

export function runSegmentationInWorker(input: ParsedSegmentationInput, ctx: PipelineContext): Promise<SegmentationRunOutput> {
  if (ctx.signal.aborted) return Promise.reject(abortError());
  const worker = spawnWorker({ input });
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
