/**
 * The training loop (runs inside the worker): load datasets, split by patient, build or resume
 * the model, train with CE + soft Dice, validate per class every epoch, checkpoint atomically,
 * stop early, and judge the result with the quality gate.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { z } from 'zod';
import {
  TrainingStartInput,
  type BatchEvent,
  type EpochEvent,
  type TrainingResult,
  type ValidationMetrics,
} from '../../../src-shared/contract/training.contract.js';
import { AppError, abortError, type Warning } from '../../../src-shared/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { loadDataset, splitByPatient, type TrainingCase } from '../data/cases.js';
import { mulberry32 } from '../data/synthetic.js';
import { assertSoftmaxHead, datasetGateFailures, qualityGate } from '../guards.js';
import { saveModelFolder } from '../model-io.js';
import { DEFAULT_UNET, REFERENCE_UNET, defaultPlans, mergeMatrix, type Plans, type UNetConfig } from '../plans.js';
import { buildUNet } from '../unet.js';
import { makeBatch, picksOf, shuffle } from './batches.js';
import { loadCheckpoint, readCheckpointState, writeCheckpoint, type CheckpointState } from './checkpoint.js';
import { segmentationLoss } from './loss.js';
import { foldTable } from './metrics.js';
import { loadPretrained } from './pretrained.js';
import { validate } from './validate.js';

export type TrainInput = z.output<typeof TrainingStartInput>;

export interface TrainHooks {
  signal?: AbortSignal;
  onBatch?(e: BatchEvent): void;
  onEpoch?(e: EpochEvent): void;
  runId?: string;
}

const yieldNow = (signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => setImmediate(() => (signal?.aborted ? reject(abortError()) : resolve())));

function architectureOf(input: TrainInput): UNetConfig {
  const a = input.architecture;
  const base = a.preset === 'reference' ? REFERENCE_UNET : DEFAULT_UNET;
  return { ...base, ...(a.baseFilters !== undefined && { baseFilters: a.baseFilters }), ...(a.depth !== undefined && { depth: a.depth }), ...(a.batchNorm !== undefined && { batchNorm: a.batchNorm }) };
}

/** Forward a zero batch: the output must have K channels that sum to 1 (softmax head). */
export function checkHead(tf: typeof TF, model: TF.LayersModel, plans: Plans): void {
  const [h, w] = plans.inputSize;
  assertSoftmaxHead(model.outputs[0]!.shape, plans.classes.length);
  const sums = tf.tidy(() => (model.predict(tf.zeros([1, h, w, plans.channelOffsets.length])) as TF.Tensor).sum(-1).dataSync() as Float32Array);
  assertSoftmaxHead(model.outputs[0]!.shape, plans.classes.length, sums);
}

export async function runTraining(tf: typeof TF, backend: string, rawInput: unknown, hooks: TrainHooks = {}): Promise<TrainingResult> {
  const input = TrainingStartInput.parse(rawInput);
  const t0 = performance.now();
  const runId = hooks.runId ?? randomUUID();
  const signal = hooks.signal;
  const warnings: Warning[] = [];
  await mkdir(input.outDir, { recursive: true });

  const loaded = [];
  for (const [i, spec] of input.datasets.entries()) loaded.push(await loadDataset(spec, i));
  const cases: TrainingCase[] = loaded.flatMap((d) => d.cases);
  const prior: CheckpointState | null = input.resume ? await readCheckpointState(input.outDir) : null;
  if (input.resume && !prior) warnings.push({ code: 'NO_CHECKPOINT', message: `No checkpoint in ${input.outDir}; starting from scratch` });

  const split = splitByPatient(cases, input.validationFraction, input.seed);
  if (prior && (prior.validationPatients.join() !== split.val.map((c) => c.patientId).filter((v, i, a) => a.indexOf(v) === i).sort().join())) {
    throw new AppError('DATA', 'The datasets differ from the checkpoint (validation patients changed); cannot resume', { checkpoint: prior.validationPatients });
  }
  const a = input.architecture;
  const plans0 = defaultPlans({
    ...(a.inputSize && { inputSize: a.inputSize }),
    ...(a.channelOffsets && { channelOffsets: a.channelOffsets }),
    architecture: architectureOf(input),
    datasets: loaded.map((d) => d.plan),
  });
  const k = plans0.classes.length;

  const opt = tf.train.adam(input.learningRate);
  let model: TF.LayersModel;
  let plans = plans0;
  if (prior) {
    ({ model, plans } = await loadCheckpoint(tf, input.outDir, prior, opt));
  } else if (input.from) {
    model = await loadPretrained(tf, input.from, plans0);
  } else {
    model = buildUNet(tf, plans0.architecture, { inputSize: plans0.inputSize, channels: plans0.channelOffsets.length, numClasses: k }, input.seed);
  }
  checkHead(tf, model, plans);

  const merges = plans.datasets.map((d) => mergeMatrix(plans, d));
  const folds = merges.map((m) => foldTable(m, k));
  const labeled = plans.datasets.map((d) => d.labeledClasses);
  const allLabeled = new Set(labeled.flat());
  const trainPatients = [...new Set(split.train.map((c) => c.patientId))].sort();
  const validationPatients = [...new Set(split.val.map((c) => c.patientId))].sort();

  const history = prior ? [...prior.history] : [];
  let bestScore = prior?.bestScore ?? -1, bestEpoch = prior?.bestEpoch ?? 0, badEpochs = prior?.badEpochs ?? 0;
  let bestMetrics: ValidationMetrics | null = null;
  const startEpoch = prior?.epochsCompleted ?? 0;
  const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
  const allPicks = picksOf(split.train);
  let stoppedEarly = false;
  let epochsRun = 0;
  const epochTimes: number[] = [];

  for (let epoch = startEpoch + 1; epoch <= input.epochs; epoch++) {
    const te = performance.now();
    const rnd = mulberry32(input.seed * 7919 + epoch);
    let picks = shuffle(allPicks, rnd);
    if (input.maxSlicesPerEpoch > 0) picks = picks.slice(0, input.maxSlicesPerEpoch);
    const batches = Math.ceil(picks.length / input.batchSize);
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const batch = makeBatch(tf, picks.slice(b * input.batchSize, (b + 1) * input.batchSize), plans, merges, labeled, input.augment ? rnd : null);
      const loss = opt.minimize(
        () => segmentationLoss(tf, model.apply(batch.x, { training: true }) as TF.Tensor4D, batch.target, batch.merge, batch.diceMask, input.loss),
        true,
        vars,
      );
      const lv = (await loss!.data())[0]!;
      tf.dispose([loss!, batch.x, batch.target, batch.merge, batch.diceMask]);
      if (!Number.isFinite(lv)) throw new AppError('MODEL', `Training loss became ${lv} at epoch ${epoch}, batch ${b + 1}`, { epoch, batch: b + 1 });
      lossSum += lv;
      const elapsed = (performance.now() - te) / 1000;
      const perBatch = elapsed / (b + 1);
      hooks.onBatch?.({ runId, epoch, batch: b + 1, batches, loss: lv, etaSeconds: perBatch * (batches - b - 1) + perBatch * batches * (input.epochs - epoch) });
      await yieldNow(signal);
    }
    const metrics = await validate(tf, model, split.val, plans, folds, labeled, input.batchSize, () => yieldNow(signal));
    const trainLoss = lossSum / Math.max(1, batches);
    history.push({ epoch, trainLoss, meanForegroundDice: metrics.meanForegroundDice });
    const improved = metrics.meanForegroundDice > bestScore;
    if (improved) {
      bestScore = metrics.meanForegroundDice;
      bestEpoch = epoch;
      bestMetrics = metrics;
      badEpochs = 0;
      await saveModelFolder(tf, model, plans, input.outDir);
    } else badEpochs++;
    await writeCheckpoint(tf, input.outDir, model, opt, plans, { epochsCompleted: epoch, bestScore, bestEpoch, badEpochs, history, trainPatients, validationPatients });
    epochsRun++;
    const seconds = (performance.now() - te) / 1000;
    epochTimes.push(seconds);
    const avg = epochTimes.reduce((x, y) => x + y, 0) / epochTimes.length;
    hooks.onEpoch?.({ runId, epoch, epochs: input.epochs, trainLoss, validation: metrics, seconds, etaSeconds: avg * (input.epochs - epoch), improved });
    if (input.earlyStoppingPatience > 0 && badEpochs >= input.earlyStoppingPatience && epoch < input.epochs) {
      stoppedEarly = true;
      break;
    }
  }

  // The saved model is the best epoch's: measure it again per dataset, because pooled metrics
  // let a big easy dataset hide an all-background prediction on a small real one.
  const { loadModelFolder } = await import('../model-io.js');
  const best = await loadModelFolder(tf, input.outDir).catch(() => null);
  const bestModel = best?.model ?? model;
  bestMetrics ??= await validate(tf, bestModel, split.val, plans, folds, labeled, input.batchSize, () => yieldNow(signal));
  const byDataset: Record<string, ValidationMetrics> = {};
  const labeledById: Record<string, Set<number>> = {};
  for (const id of new Set(plans.datasets.map((d) => d.id))) {
    const cases = split.val.filter((c) => plans.datasets[c.datasetIndex]?.id === id);
    if (!cases.length) continue;
    byDataset[id] = await validate(tf, bestModel, cases, plans, folds, labeled, input.batchSize, () => yieldNow(signal));
    labeledById[id] = new Set(plans.datasets.filter((d) => d.id === id).flatMap((d) => d.labeledClasses));
  }
  const pooled = qualityGate(bestMetrics.predictedFraction, bestMetrics.trueFraction, allLabeled);
  const failures = [...pooled.failures, ...datasetGateFailures(byDataset, labeledById)];
  const gate = { passed: failures.length === 0, failures };
  if (best) best.model.dispose();
  model.dispose();
  opt.dispose();
  const result: TrainingResult = {
    runId,
    modelDir: input.outDir,
    backend,
    epochsRun,
    startEpoch,
    bestEpoch,
    stoppedEarly,
    trainPatients,
    validationPatients,
    classes: plans.classes.map((c) => ({ id: c.id, key: c.key, name: c.name })),
    validation: bestMetrics,
    validationByDataset: byDataset,
    qualityGate: gate,
    history,
    seconds: (performance.now() - t0) / 1000,
    warnings,
  };
  // Beside the model, so a model folder always says how it was validated and whether it passed.
  await writeFileAtomic(path.join(input.outDir, 'training-result.json'), JSON.stringify(result, null, 1));
  return result;
}
