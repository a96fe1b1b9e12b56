import type { TransferInspectOutput, TransferTrainInput, TransferTrainOutput } from '../../../src-shared/contract/transfer.contract.js';
import { app } from './app.svelte.js';
import { Task } from './task.svelte.js';
import { training } from './training.svelte.js';

/** Transfer learning from a pretrained model: inspect, choose the cut, train frozen -> unfrozen. */
class TransferState {
  from = $state('');
  inspected = $state.raw<TransferInspectOutput | null>(null);
  inspectTask = new Task<TransferInspectOutput>('Inspecting the model');
  cut = $state('');
  featureShare = $state(0.5);
  fineTuneFactor = $state(0.1);
  maxBlocks = $state<number | null>(null);
  task = new Task<TransferTrainOutput>('Transfer training');
  /** Loss per epoch as the run reports it (progress messages), for the live curve. */
  losses = $state.raw<{ epoch: number; stage: string; loss: number }[]>([]);

  async inspect(): Promise<void> {
    const api = app.need();
    const path = this.from.trim();
    const r = await this.inspectTask.run((o) => api.transfer.inspect({ path }, o));
    if (r) {
      this.inspected = r;
      this.cut = r.cut;
    }
  }

  input(): TransferTrainInput {
    const base = training.input(false);
    return {
      from: this.from.trim(),
      ...(this.cut && this.inspected && this.cut !== this.inspected.cut ? { cut: this.cut } : {}),
      datasets: base.datasets,
      outDir: base.outDir,
      inputSize: [training.inputSize, training.inputSize],
      schedule: {
        epochs: training.epochs,
        learningRate: training.learningRate,
        fineTuneFactor: this.fineTuneFactor,
        featureShare: this.featureShare,
        ...(this.maxBlocks !== null && this.maxBlocks >= 0 ? { maxBlocks: this.maxBlocks } : {}),
      },
      batchSize: training.batchSize,
      augment: training.augment,
      validationFraction: training.validationFraction,
      maxSlicesPerEpoch: training.maxSlices,
    };
  }

  async run(): Promise<void> {
    const api = app.need();
    const input = this.input();
    this.losses = [];
    await this.task.run((o) =>
      api.transfer.train(input, {
        signal: o.signal,
        onProgress: (p) => {
          o.onProgress(p);
          const m = /loss ([\d.eE+-]+)/.exec(p.message ?? '');
          if (m?.[1]) this.losses = [...this.losses.filter((x) => x.epoch !== p.done), { epoch: p.done, stage: p.stage, loss: Number(m[1]) }];
        },
      }),
    );
  }
}

export const transfer = new TransferState();
