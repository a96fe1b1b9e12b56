import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchEvent, EpochEvent } from '../../src-shared/contract/training.contract.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import { createLocalClient } from '../../src-main/core.js';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-train-svc-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('training service through the typed client', () => {
  it('streams batch/epoch events and progress, lists the run, and cancels it by id', async () => {
    const client = createLocalClient();
    const epochs: EpochEvent[] = [], batches: BatchEvent[] = [], progress: Progress[] = [];
    const offE = client.training.on('epoch', (e) => epochs.push(e));
    const offB = client.training.on('batch', (b) => batches.push(b));
    const base = {
      datasets: [{ kind: 'synthetic' as const, patients: 3, size: 16, slices: 4, seed: 1 }],
      batchSize: 2,
      architecture: { inputSize: [16, 16] as [number, number], baseFilters: 4, depth: 1 },
    };
    const r = await client.training.start({ ...base, outDir: path.join(tmp, 'a'), epochs: 2 }, { onProgress: (p) => progress.push(p) });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1]!.validation.dice.length).toBe(9);
    expect(typeof epochs[1]!.validation.allBackgroundAccuracy).toBe('number');
    expect(batches.length).toBe(2 * batches[0]!.batches);
    expect(progress.at(-1)).toMatchObject({ stage: 'train', done: progress.at(-1)!.total });
    expect(r.runId).toBe(epochs[0]!.runId);

    // A long run: wait for its first batch, find it in status, cancel it by id.
    let firstBatch: () => void = () => undefined;
    const started = new Promise<void>((res) => (firstBatch = res));
    const offB2 = client.training.on('batch', () => firstBatch());
    const long = client.training.start({ ...base, outDir: path.join(tmp, 'b'), epochs: 500 }).catch((e: unknown) => e);
    await started;
    const { runs } = await client.training.status({});
    expect(runs.length).toBe(1);
    expect(await client.training.cancel({ runId: runs[0]!.runId })).toEqual({ cancelled: true });
    const err = (await long) as { code?: string };
    expect(err.code).toBe('ABORTED');
    expect((await client.training.status({})).runs).toEqual([]);
    offE();
    offB();
    offB2();
    client.close();
  });
});
