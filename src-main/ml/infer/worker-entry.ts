/**
 * Worker-thread side of segmentation: reading, preprocessing, the network (tfjs fallback
 * included) and the 3D post-processing all run here, so the app's main event loop stays free.
 * Messages: in {type:'cancel'}; out progress | done | error (see worker-host.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../../src-shared/errors.js';
import { runSegmentation, type ParsedSegmentationInput } from './pipeline.js';
import type { InferWorkerOut } from './worker-host.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');
const post = (m: InferWorkerOut, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const ac = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'cancel') ac.abort();
});

try {
  const out = await runSegmentation((workerData as { input: ParsedSegmentationInput }).input, { signal: ac.signal, progress: (p) => post({ type: 'progress', progress: p }) });
  // Hand the voxel buffers over instead of copying ~2 x 78 MB for a 512x512x300 CT.
  post({ type: 'done', output: out }, [out.labels.data.buffer as ArrayBuffer, out.confidence.data.buffer as ArrayBuffer]);
} catch (e) {
  post({ type: 'error', error: serializeError(e) });
} finally {
  port.close();
}
