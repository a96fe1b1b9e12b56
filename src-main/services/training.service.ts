import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import { startTrainingWorker, type TrainingHandle } from '../ml/train/worker-host.js';

interface Run {
  handle: TrainingHandle;
  outDir: string;
  epoch: number;
  epochs: number;
}

/** Training runs in a worker thread; this service only relays its events and keeps the run list. */
export function createTrainingService(): ServiceImpl<Contract['training']> {
  const runs = new Map<string, Run>();
  return {
    async start(input, { signal, progress, emit }) {
      const run: Run = { handle: undefined as unknown as TrainingHandle, outDir: input.outDir, epoch: 0, epochs: input.epochs };
      run.handle = startTrainingWorker(input, {
        signal,
        onBatch(e) {
          emit('batch', e);
          progress({
            stage: 'train',
            done: (e.epoch - 1) * e.batches + e.batch,
            total: e.batches * input.epochs,
            message: `epoch ${e.epoch}/${input.epochs} batch ${e.batch}/${e.batches} loss ${e.loss.toFixed(4)} eta ${Math.round(e.etaSeconds)}s`,
          });
        },
        onEpoch(e) {
          run.epoch = e.epoch;
          emit('epoch', e);
        },
      });
      runs.set(run.handle.runId, run);
      try {
        return await run.handle.result;
      } finally {
        runs.delete(run.handle.runId);
      }
    },
    async status() {
      return { runs: [...runs.entries()].map(([runId, r]) => ({ runId, outDir: r.outDir, epoch: r.epoch, epochs: r.epochs })) };
    },
    async cancel({ runId }) {
      const r = runs.get(runId);
      r?.handle.cancel();
      return { cancelled: r !== undefined };
    },
  };
}
