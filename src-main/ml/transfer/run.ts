/**
 * `transfer.inspect` and `transfer.train` end to end: import, build, split by patient, run the
 * schedule, save the model folder (model.json + weights.bin + plans.json) plus transfer.json.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { TransferInspectOutput, TransferTrainInput, TransferTrainOutput } from '../../../src-shared/contract/transfer.contract.js';
import { AppError } from '../../../src-shared/errors.js';
import type { Progress } from '../../../src-shared/rpc/define.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { initTf } from '../backend.js';
import { loadDataset, splitByPatient, type TrainingCase } from '../data/cases.js';
import { saveModelFolder } from '../model-io.js';
import { buildTransferModel, type TransferModel } from './build.js';
import { fitTransfer } from './fit.js';
import { importPretrained, instantiate } from './import.js';
import { inspectModel } from './inspect.js';
import { planStages } from './schedule.js';

type TrainInput = z.output<typeof import('../../../src-shared/contract/transfer.contract.js').TransferTrainInput>;

export async function inspectPretrained(input: { path: string; cut?: string; skips?: string[] }): Promise<TransferInspectOutput> {
  await initTf();
  const pre = await importPretrained(input.path);
  const model = await instantiate(pre);
  try {
    const ins = inspectModel(model, { cut: input.cut, skips: input.skips });
    return {
      kind: pre.kind,
      keras3: pre.keras3,
      inputShape: ins.inputShape,
      spatialDims: ins.spatialDims,
      layers: ins.layers.map(({ name, className, outputShape, params, dilated }) => ({ name, className, outputShape, params, dilated })),
      cut: ins.cut,
      skips: ins.skips,
      reason: ins.reason,
      warnings: pre.warnings,
    };
  } finally {
    model.dispose();
  }
}

/**
 * Saved models contain only stock layers: each SpaceToBatchConv2D is written back as the dilated
 * Conv2D it equals (same weight names), so inference and the ONNX export never meet our class.
 */
export async function saveTransferModel(tm: TransferModel, dir: string): Promise<void> {
  const { tf } = await initTf();
  await saveModelFolder(tf, tm.model, tm.plans, dir);
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(await readFile(file, 'utf8')) as { modelTopology: { model_config?: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }; config?: { layers: { class_name: string; config: Record<string, unknown> }[] } } };
  const layers = (json.modelTopology.model_config ?? json.modelTopology).config?.layers ?? [];
  let changed = 0;
  for (const l of layers) {
    if (l.class_name !== 'SpaceToBatchConv2D') continue;
    const c = l.config;
    const d = Number(c.dilation);
    l.class_name = 'Conv2D';
    l.config = { name: c.name, trainable: c.trainable, dtype: c.dtype ?? 'float32', filters: c.filters, kernel_size: c.kernel_size, strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [d, d], activation: c.activation, use_bias: c.use_bias };
    changed++;
  }
  if (changed) await writeFileAtomic(file, JSON.stringify(json));
  await writeFileAtomic(path.join(dir, 'transfer.json'), JSON.stringify(tm.meta, null, 2));
}

const patientsOf = (cases: TrainingCase[]) => [...new Set(cases.map((c) => c.patientId))].sort();

export async function runTransfer(input: TrainInput, hooks: { signal?: AbortSignal; progress?: (p: Progress) => void } = {}): Promise<TransferTrainOutput> {
  const t0 = performance.now();
  const { name: backend } = await initTf();
  const loaded = [];
  for (const [i, spec] of input.datasets.entries()) loaded.push(await loadDataset(spec, i));
  const cases = loaded.flatMap((d) => d.cases);
  const split = input.schedule.epochs > 0 ? splitByPatient(cases, input.validationFraction, input.seed) : { train: cases, val: [] };
  const pre = await importPretrained(input.from);
  const tm = await buildTransferModel(pre, {
    inputSize: input.inputSize,
    channelOffsets: input.channelOffsets,
    cut: input.cut,
    skips: input.skips,
    mode: input.mode,
    decoderFilters: input.decoderFilters,
    encoderInput: input.encoderInput,
    adapterTrainable: input.adapterTrainable,
    dilation: input.dilation,
    seed: input.seed,
  });
  const warnings = [...tm.warnings];
  try {
    tm.plans = { ...tm.plans, datasets: loaded.map((d) => d.plan) };
    const { stages, warnings: w } = planStages(tm.meta, { epochs: input.schedule.epochs, learningRate: input.schedule.learningRate, fineTuneFactor: input.schedule.fineTuneFactor, featureShare: input.schedule.featureShare, maxBlocks: input.schedule.maxBlocks });
    warnings.push(...w);
    const total = stages.reduce((s, x) => s + x.epochs, 0);
    const results =
      total > 0
        ? await fitTransfer(tm, { train: split.train, val: split.val, datasets: loaded.map((d) => d.plan) }, {
            stages,
            batchSize: input.batchSize,
            augment: input.augment,
            seed: input.seed,
            maxSlicesPerEpoch: input.maxSlicesPerEpoch,
            signal: hooks.signal,
            onEpoch: (e) => hooks.progress?.({ stage: `transfer stage ${e.stage}`, done: e.epoch, total, message: `loss ${e.loss.toFixed(4)}, ${e.trainableParams} trainable parameters` }),
          })
        : [];
    const last = results.at(-1);
    if (last) {
      const fg = 1 - (last.validation.predictedFraction[0] ?? 1);
      const truth = 1 - (last.validation.trueFraction[0] ?? 1);
      if (truth > 0 && fg < truth / 2) warnings.push({ code: 'QUALITY_GATE', message: `Predicted foreground ${fg.toFixed(4)} is below half the truth ${truth.toFixed(4)} on validation` });
    }
    await saveTransferModel(tm, input.outDir);
    return {
      modelDir: input.outDir,
      backend,
      mode: tm.meta.mode,
      cut: tm.meta.cut,
      skips: tm.meta.skips,
      encoderBlocks: tm.meta.blocks.length,
      pinnedBatchNorm: tm.meta.pinnedBatchNorm,
      dilated: tm.meta.dilated,
      derived2d: tm.meta.source.derived2d,
      trainPatients: patientsOf(split.train),
      validationPatients: patientsOf(split.val),
      stages: results,
      validation: last?.validation ?? null,
      seconds: (performance.now() - t0) / 1000,
      warnings,
    };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('MODEL', `Transfer training failed: ${(e as Error).message}`);
  } finally {
    tm.model.dispose();
  }
}

export type { TransferTrainInput };
