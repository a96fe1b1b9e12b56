/**
 * Worker-thread side of training: TensorFlow.js runs here so the main event loop never blocks.
 * Messages: in {type:'cancel'}; out batch | epoch | done | error (see worker-host.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../../src-shared/errors.js';
import { initTf } from '../backend.js';
import { runTraining } from './trainer.js';
import type { WorkerOut } from './worker-host.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');
const post = (m: WorkerOut) => port.postMessage(m);
const ac = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'cancel') ac.abort();
});

const { input, runId } = workerData as { input: unknown; runId: string };
try {
  const { tf, name } = await initTf();
  const result = await runTraining(tf, name, input, {
    runId,
    signal: ac.signal,
    onBatch: (event) => post({ type: 'batch', event }),
    onEpoch: (event) => post({ type: 'epoch', event }),
  });
  post({ type: 'done', result });
} catch (e) {
  post({ type: 'error', error: serializeError(e) });
} finally {
  port.close();
}
