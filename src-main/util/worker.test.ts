import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKER_ENTRIES, spawnWorker, workerEntryPath, type WorkerName } from './worker.js';

describe('worker entries', () => {
  it('every entry exists in the sources, with a unique bundled name', () => {
    for (const name of Object.keys(WORKER_ENTRIES) as WorkerName[]) expect(existsSync(workerEntryPath(name)), name).toBe(true);
    const bundled = Object.values(WORKER_ENTRIES).map((e) => e.bundled);
    expect(new Set(bundled).size).toBe(bundled.length);
  });

  it('starts a TypeScript worker from sources (tsx bootstrap) that answers', async () => {
    const w = spawnWorker('decode');
    const reply = await new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage('ping');
    });
    await w.terminate();
    expect(reply).toBe('pong');
  });
});
