/**
 * `--from <pretrained>`: where transfer learning plugs in. If src-main/ml/transfer/ provides
 * `pretrained-loader.ts` exporting `loadPretrained(tf, from, plans)`, it decides (e.g. Keras .h5
 * import, head replacement, frozen layers); otherwise `from` must be a CardioSeg model folder
 * whose plan has the same classes, input size and channels.
 */
import type * as TF from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';
import { loadModelFolder } from '../model-io.js';
import type { Plans } from '../plans.js';

export type PretrainedLoader = (tf: typeof TF, from: string, plans: Plans) => Promise<TF.LayersModel>;

async function defaultLoader(tf: typeof TF, from: string, plans: Plans): Promise<TF.LayersModel> {
  const { model, plans: src } = await loadModelFolder(tf, from);
  const same = src.classes.length === plans.classes.length && src.inputSize.join() === plans.inputSize.join() && src.channelOffsets.join() === plans.channelOffsets.join();
  if (!same) {
    model.dispose();
    throw new AppError('MODEL', `Pretrained model ${from} has a different plan (classes, input size or channels)`, {
      from: { classes: src.classes.length, inputSize: src.inputSize, channelOffsets: src.channelOffsets },
      to: { classes: plans.classes.length, inputSize: plans.inputSize, channelOffsets: plans.channelOffsets },
    });
  }
  return model;
}

export async function loadPretrained(tf: typeof TF, from: string, plans: Plans): Promise<TF.LayersModel> {
  const hookPath = '../transfer/pretrained-loader.js';
  let hook: { loadPretrained?: PretrainedLoader } | null = null;
  try {
    hook = (await import(/* @vite-ignore */ hookPath)) as { loadPretrained?: PretrainedLoader };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && !/Cannot find module|Failed to load url/.test(String((e as Error).message))) throw e;
  }
  return (hook?.loadPretrained ?? defaultLoader)(tf, from, plans);
}
