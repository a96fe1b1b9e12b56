/** Worker-thread side of `transfer.train` (see worker-host.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { TransferTrainInput } from '../../../src-shared/contract/transfer.contract.js';
import { serializeError } from '../../../src-shared/errors.js';
import { runTransfer } from './run.js';
import type { TransferWorkerOut } from './worker-host.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');
const post = (m: TransferWorkerOut) => port.postMessage(m);
const ac = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'cancel') ac.abort();
});

try {
  const input = TransferTrainInput.parse((workerData as { input: unknown }).input);
  post({ type: 'done', result: await runTransfer(input, { signal: ac.signal, progress: (progress) => post({ type: 'progress', progress }) }) });
} catch (e) {
  post({ type: 'error', error: serializeError(e) });
} finally {
  port.close();
}
