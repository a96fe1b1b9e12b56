import type { BatchEvent, EpochEvent, TrainingResult, TrainingStartInput } from '../../../src-shared/contract/training.contract.js';
import type { PngDatasetInfo } from '../../../src-shared/contract/dicom.contract.js';
import { app } from './app.svelte.js';
import { Task } from './task.svelte.js';

export type DatasetRow =
  | { kind: 'png'; path: string; info: PngDatasetInfo | null; inspecting: boolean }
  | { kind: 'synthetic'; patients: number; size: number; slices: number }
  | { kind: 'nifti'; image: string; label: string };

/** The training form, the live run (events -> curves) and its result. */
class TrainingState {
  datasets = $state<DatasetRow[]>([{ kind: 'synthetic', patients: 4, size: 64, slices: 6 }]);
  outDir = $state('');
  start: 'scratch' | 'model' = $state('scratch');
  preset = $state<'default' | 'reference'>('default');
  baseFilters = $state(8);
  depth = $state(2);
  inputSize = $state(64);
  epochs = $state(6);
  batchSize = $state(4);
  learningRate = $state(0.003);
  validationFraction = $state(0.25);
  patience = $state(10);
  maxSlices = $state(0);
  augment = $state(false);
  task = new Task<TrainingResult>('Training');
  epochsSeen = $state.raw<EpochEvent[]>([]);
  lastBatch = $state.raw<BatchEvent | null>(null);
  runId = $state<string | null>(null);
  /** True between Cancel and the service confirming the worker has stopped. */
  stopping = $state(false);
  private off: (() => void)[] = [];

  listen(): void {
    if (this.off.length) return;
    const api = app.need();
    this.off.push(
      api.training.on('epoch', (e) => {
        // Epochs the worker finishes while stopping still land in its checkpoint: keep them.
        if (!(this.task.running || this.stopping) || (this.runId && e.runId !== this.runId)) return;
        this.runId = e.runId;
        this.epochsSeen = [...this.epochsSeen.filter((x) => x.epoch !== e.epoch), e].sort((a, b) => a.epoch - b.epoch);
      }),
      api.training.on('batch', (b) => {
        if (!this.task.running || (this.runId && b.runId !== this.runId)) return;
        this.runId = b.runId;
        this.lastBatch = b;
      }),
    );
  }

  stopListening(): void {
    for (const f of this.off) f();
    this.off = [];
  }

  async defaultOutDir(): Promise<void> {
    if (this.outDir) return;
    try {
      const base = (await app.need().host.workDir({ study: 'training' })).path;
      // The user may have typed a folder while we asked: never overwrite it.
      this.outDir ||= `${base}/run-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
    } catch (e) {
      app.report(e, 'Could not choose a training folder');
    }
  }

  input(resume: boolean): TrainingStartInput {
    const datasets: TrainingStartInput['datasets'] = this.datasets.map((d) => {
      if (d.kind === 'png') return { kind: 'png' as const, path: d.path.trim() };
      if (d.kind === 'nifti') return { kind: 'nifti' as const, pairs: [{ image: d.image.trim(), label: d.label.trim() }] };
      return { kind: 'synthetic' as const, patients: d.patients, size: d.size, slices: d.slices, seed: 1 };
    });
    return {
      datasets,
      outDir: this.outDir.trim(),
      epochs: this.epochs,
      batchSize: this.batchSize,
      learningRate: this.learningRate,
      architecture: { preset: this.preset, baseFilters: this.baseFilters, depth: this.depth, inputSize: [this.inputSize, this.inputSize] },
      augment: this.augment,
      validationFraction: this.validationFraction,
      earlyStoppingPatience: this.patience,
      maxSlicesPerEpoch: this.maxSlices,
      resume,
    };
  }

  async run(resume: boolean): Promise<void> {
    const api = app.need();
    this.listen();
    if (!resume) this.epochsSeen = [];
    this.runId = null;
    this.lastBatch = null;
    const input = this.input(resume);
    await this.task.run((o) => api.training.start(input, o));
  }

  async cancel(): Promise<void> {
    const id = this.runId;
    const api = app.need();
    this.stopping = true;
    // Cancelling the call aborts the run; the explicit cancel also stops a run started elsewhere.
    this.task.cancel();
    try {
      if (id) await api.training.cancel({ runId: id });
      // The worker finishes its current step and writes its checkpoint: wait until it is gone
      // so that Resume starts from that checkpoint, not beside a run that is still going.
      for (let n = 0; n < 300; n++) {
        const { runs } = await api.training.status({});
        if (!runs.some((r) => r.runId === id || r.outDir === this.outDir.trim())) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (e) {
      app.report(e, 'Could not cancel the training run');
    } finally {
      this.stopping = false;
    }
  }

  async inspect(row: DatasetRow & { kind: 'png' }): Promise<void> {
    row.inspecting = true;
    try {
      row.info = await app.need().dicom.inspectPngDataset({ path: row.path.trim(), maxSlices: 400 });
    } catch (e) {
      row.info = null;
      app.report(e, 'Dataset check failed');
    } finally {
      row.inspecting = false;
    }
  }
}

export const training = new TrainingState();
