import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EpochEvent } from '../../../src-shared/contract/training.contract.js';
import { isAppError } from '../../../src-shared/errors.js';
import { readCheckpointState } from './checkpoint.js';
import { startTrainingWorker } from './worker-host.js';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-worker-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const input = (outDir: string, epochs: number, resume = false) => ({
  datasets: [{ kind: 'synthetic' as const, patients: 3, size: 32, slices: 8, seed: 2 }],
  outDir,
  epochs,
  batchSize: 2,
  architecture: { inputSize: [32, 32] as [number, number], baseFilters: 4, depth: 2 },
  earlyStoppingPatience: 0,
  resume,
});

/** Largest gap between 10 ms ticks while `p` runs: the main loop's worst stall. */
async function maxStall<T>(p: Promise<T>): Promise<{ value: T | unknown; stallMs: number }> {
  let last = performance.now(), worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 10);
  const value = await p.catch((e: unknown) => e);
  clearInterval(timer);
  return { value, stallMs: worst };
}

describe('training worker', () => {
  it('keeps the main loop free, and resumes after a kill at the right epoch with optimizer state', async () => {
    const outDir = path.join(tmp, 'resume');
    const seen: EpochEvent[] = [];
    const first = startTrainingWorker(input(outDir, 4), {
      onEpoch: (e) => {
        seen.push(e);
        if (e.epoch === 2) void first.terminate(); // like kill -9 mid-run
      },
    });
    const { value: err, stallMs } = await maxStall(first.result);
    // One training step of this model takes seconds on the main thread; on a loaded 2-core CI
    // box scheduler hiccups alone reach ~250 ms, so the bound separates the two cases.
    expect(stallMs).toBeLessThan(1000);
    expect(isAppError(err) && err.code).toBe('ABORTED');
    const state = await readCheckpointState(outDir);
    expect(state).not.toBeNull();
    const done = state!.epochsCompleted;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(4);

    const resumed: EpochEvent[] = [];
    const second = startTrainingWorker(input(outDir, 4, true), { onEpoch: (e) => resumed.push(e) });
    const result = await second.result;
    expect(result.startEpoch).toBe(done);
    expect(resumed[0]!.epoch).toBe(done + 1);
    expect(result.epochsRun).toBe(4 - done);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    // The epoch-1 and -2 history entries come from the checkpoint, not re-training.
    expect(result.history[0]!.trainLoss).toBeCloseTo(seen[0]!.trainLoss, 10);
    // Adam's step count continued from the checkpoint: 4 epochs x 8 batches, not 8 x (4 - done).
    const final = await readCheckpointState(outDir);
    expect(final!.optimizerSpecs[0]).toMatchObject({ name: 'iter', dtype: 'int32' });
    const opt = await readFile(path.join(outDir, 'checkpoint', `${final!.prefix}optimizer.bin`));
    expect(opt.readInt32LE(0)).toBe(4 * 8);
  });

  it('cancels through an AbortSignal with ABORTED', async () => {
    const ac = new AbortController();
    const h = startTrainingWorker(input(path.join(tmp, 'cancel'), 50), { signal: ac.signal, onBatch: () => ac.abort() });
    const err = await h.result.catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('ABORTED');
  });
});
