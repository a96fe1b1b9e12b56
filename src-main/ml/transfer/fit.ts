/**
 * Runs a transfer schedule with the engine's own batches, loss and validation
 * (src-main/ml/train/*): the same guards and metrics as training from scratch.
 */
import * as tf from '@tensorflow/tfjs';
import type { ValidationMetrics } from '../../../src-shared/contract/training.contract.js';
import { AppError } from '../../../src-shared/errors.js';
import { yieldToLoop } from '../../util/abort.js';
import type { TrainingCase } from '../data/cases.js';
import { mulberry32 } from '../data/synthetic.js';
import { mergeMatrix, type DatasetPlan } from '../plans.js';
import { makeBatch, picksOf, shuffle } from '../train/batches.js';
import { segmentationLoss, type LossWeights } from '../train/loss.js';
import { foldTable } from '../train/metrics.js';
import { validate } from '../train/validate.js';
import type { TransferModel } from './build.js';
import { trainableVariables } from './freeze.js';
import { applyStage, type Stage } from './schedule.js';

export interface TransferData {
  train: TrainingCase[];
  val: TrainingCase[];
  datasets: DatasetPlan[];
}

export interface FitOptions {
  stages: Stage[];
  batchSize?: number;
  augment?: boolean;
  seed?: number;
  loss?: LossWeights;
  maxSlicesPerEpoch?: number;
  signal?: AbortSignal;
  onEpoch?(e: { stage: number; epoch: number; loss: number; trainableParams: number }): void;
}

export interface StageResult {
  stage: number;
  unfrozenBlocks: number;
  learningRate: number;
  epochs: number;
  trainableParams: number;
  trainLoss: number[];
  validation: ValidationMetrics;
  seconds: number;
}

export async function fitTransfer(tm: TransferModel, data: TransferData, o: FitOptions): Promise<StageResult[]> {
  const { model, meta } = tm;
  const plans = { ...tm.plans, datasets: data.datasets };
  tm.plans = plans;
  const k = plans.classes.length;
  const merges = plans.datasets.map((d) => mergeMatrix(plans, d));
  const folds = merges.map((m) => foldTable(m, k));
  const labeled = plans.datasets.map((d) => d.labeledClasses);
  const batchSize = o.batchSize ?? 4;
  const lossW = o.loss ?? { crossEntropy: 1, dice: 1 };
  const picksAll = picksOf(data.train);
  if (!picksAll.length) throw new AppError('DATA', 'No training slices');
  const results: StageResult[] = [];
  let epochNo = 0;
  for (const [si, stage] of o.stages.entries()) {
    const t0 = performance.now();
    applyStage(model, meta, stage.unfrozenBlocks);
    const vars = trainableVariables(model);
    const trainableParams = vars.reduce((s, v) => s + v.size, 0);
    const opt = tf.train.adam(stage.learningRate);
    const losses: number[] = [];
    try {
      for (let e = 0; e < stage.epochs; e++) {
        epochNo++;
        const rnd = mulberry32((o.seed ?? 1) * 7919 + epochNo);
        let picks = shuffle(picksAll, rnd);
        if (o.maxSlicesPerEpoch) picks = picks.slice(0, o.maxSlicesPerEpoch);
        let sum = 0;
        let n = 0;
        for (let b = 0; b < picks.length; b += batchSize) {
          const batch = makeBatch(tf, picks.slice(b, b + batchSize), plans, merges, labeled, o.augment ? rnd : null);
          const loss = opt.minimize(
            () => segmentationLoss(tf, model.apply(batch.x, { training: true }) as tf.Tensor4D, batch.target, batch.merge, batch.diceMask, lossW),
            true,
            vars,
          );
          const lv = loss ? ((await loss.data())[0] ?? NaN) : NaN;
          if (loss) loss.dispose();
          tf.dispose([batch.x, batch.target, batch.merge, batch.diceMask]);
          if (!Number.isFinite(lv)) throw new AppError('MODEL', `Transfer training loss became ${lv} (stage ${si}, epoch ${e + 1})`);
          sum += lv;
          n++;
          await yieldToLoop(o.signal);
        }
        losses.push(sum / Math.max(1, n));
        o.onEpoch?.({ stage: si, epoch: epochNo, loss: sum / Math.max(1, n), trainableParams });
      }
    } finally {
      opt.dispose();
    }
    const validation = data.val.length
      ? await validate(tf, model, data.val, plans, folds, labeled, batchSize, () => yieldToLoop(o.signal))
      : emptyMetrics(k);
    results.push({ stage: si, unfrozenBlocks: stage.unfrozenBlocks, learningRate: stage.learningRate, epochs: stage.epochs, trainableParams, trainLoss: losses, validation, seconds: (performance.now() - t0) / 1000 });
  }
  return results;
}

function emptyMetrics(k: number): ValidationMetrics {
  const z = new Array<number>(k).fill(0);
  return { dice: new Array(k).fill(null), iou: new Array(k).fill(null), predictedFraction: z, trueFraction: z, accuracy: 0, allBackgroundAccuracy: 0, meanForegroundDice: 0 };
}
