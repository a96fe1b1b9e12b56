/**
 * The trainer's `--from <pretrained>` hook (src-main/ml/train/pretrained.ts looks for this file):
 * any supported pretrained source becomes a transfer model for the trainer's plan, encoder frozen
 * and its BatchNorm pinned to inference mode. The trainer runs one stage (feature extraction);
 * progressive unfreezing is `cardioseg transfer` / the transfer service.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Plans } from '../plans.js';
import { buildTransferModel } from './build.js';
import { importPretrained } from './import.js';

export async function loadPretrained(_tf: typeof TF, from: string, plans: Plans): Promise<TF.LayersModel> {
  const pre = await importPretrained(from);
  const { model } = await buildTransferModel(pre, { inputSize: plans.inputSize, channelOffsets: plans.channelOffsets, numClasses: plans.classes.length });
  return model;
}
