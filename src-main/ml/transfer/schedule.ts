/**
 * The transfer schedule: stage 0 trains only the new parts (encoder frozen: feature extraction),
 * then each further stage unfreezes one more encoder block, from the bottleneck outwards, at a
 * lower learning rate. Every change of the frozen set rebuilds the variable list and the optimizer
 * (the custom-loop equivalent of Keras' recompile: tfjs ignores `trainable` otherwise).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Warning } from '../../../src-shared/errors.js';
import type { TransferMeta } from './build.js';
import { setTrainable } from './freeze.js';

export interface Stage {
  /** How many encoder blocks are unfrozen (0 = feature extraction). */
  unfrozenBlocks: number;
  epochs: number;
  learningRate: number;
}

export interface ScheduleOptions {
  /** Total epochs across stages (the budget). */
  epochs: number;
  learningRate?: number;
  /** Multiplier for the learning rate once encoder blocks train. */
  fineTuneFactor?: number;
  /** Share of the budget for stage 0. */
  featureShare?: number;
  /** Cap on the number of blocks to unfreeze (default all that can train). */
  maxBlocks?: number;
}

/** Blocks holding a dilated convolution cannot train (no gradient); unfreezing stops before them. */
export function trainableBlockCount(meta: TransferMeta): number {
  let n = 0;
  for (const b of meta.blocks) {
    if (b.some((l) => meta.dilated.includes(l))) break;
    n++;
  }
  return n;
}

export function planStages(meta: TransferMeta, o: ScheduleOptions): { stages: Stage[]; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const lr = o.learningRate ?? 1e-3;
  const lowLr = lr * (o.fineTuneFactor ?? 0.1);
  const canTrain = trainableBlockCount(meta);
  const blocks = Math.min(o.maxBlocks ?? canTrain, canTrain);
  if (canTrain < meta.blocks.length) {
    warnings.push({ code: 'DILATED_FROZEN', message: `${meta.blocks.length - canTrain} encoder blocks hold dilated convolutions (no gradient in tfjs) and stay frozen`, details: meta.dilated });
  }
  if (blocks === 0 || o.epochs < 2) return { stages: [{ unfrozenBlocks: 0, epochs: o.epochs, learningRate: lr }], warnings };
  const first = Math.max(1, Math.round(o.epochs * (o.featureShare ?? 0.5)));
  const rest = o.epochs - first;
  const steps = Math.min(blocks, rest);
  const stages: Stage[] = [{ unfrozenBlocks: 0, epochs: first, learningRate: lr }];
  for (let i = 1; i <= steps; i++) {
    const e = Math.floor(rest / steps) + (i <= rest % steps ? 1 : 0);
    stages.push({ unfrozenBlocks: i, epochs: e, learningRate: lowLr });
  }
  return { stages, warnings };
}

/** Apply a stage's frozen set: encoder blocks [0, n) train, the rest stay frozen; the new parts always train. */
export function applyStage(model: tf.LayersModel, meta: TransferMeta, unfrozenBlocks: number): string[] {
  setTrainable(model, meta.encoderLayers, false);
  const open = meta.blocks.slice(0, unfrozenBlocks).flat().filter((l) => !meta.dilated.includes(l));
  setTrainable(model, open, true);
  if (meta.adapter.layer) model.getLayer(meta.adapter.layer).trainable = meta.adapter.trainable;
  return open;
}
