import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, type Warning } from '../../src-shared/errors.js';
import type { DefaultModelState, ModelRef } from '../../src-shared/contract/system.contract.js';
import { readSettings } from '../util/settings.js';
import { APP_ROOT } from '../version.js';
import { initTf } from './backend.js';
import { loadLayersModelFromDir, readPlans } from './infer/model-folder.js';
import type { Plans } from './plans.js';

export const BUNDLED_MODEL_ID = 'cardioseg-default';
export const DEFAULT_MODEL_DIR = path.join(APP_ROOT, 'resources', 'models', BUNDLED_MODEL_ID);

async function hasModelFiles(dir: string): Promise<boolean> {
  try {
    await Promise.all([access(path.join(dir, 'model.json')), access(path.join(dir, 'plans.json'))]);
    return true;
  } catch {
    return false;
  }
}

/** The bundled model, if this build ships one (see resources/models/README.md). */
export async function findBundledModel(): Promise<ModelRef | null> {
  try {
    await access(path.join(DEFAULT_MODEL_DIR, 'plans.json'));
    return { id: BUNDLED_MODEL_ID, path: DEFAULT_MODEL_DIR };
  } catch {
    return null;
  }
}

/**
 * The model used when none is named: the one adopted in settings.json, else the bundled one. An
 * adopted folder that has gone (deleted, unmounted share) falls back with a warning but stays
 * adopted, so it is used again once it is back.
 */
export async function resolveDefaultModel(): Promise<DefaultModelState> {
  const [settings, bundled] = await Promise.all([readSettings(), findBundledModel()]);
  const adopted = settings.defaultModel ?? null;
  const warnings: Warning[] = [];
  if (adopted) {
    if (await hasModelFiles(adopted)) return { current: { id: path.basename(adopted), path: adopted, source: 'adopted' }, adopted, bundled, warnings };
    warnings.push({
      code: 'DEFAULT_MODEL_MISSING',
      message: `The adopted default model ${adopted} is gone (no model.json and plans.json there); ${bundled ? `using the bundled ${bundled.id} instead` : 'no bundled model to fall back to'}.`,
      details: { adopted },
    });
  }
  return { current: bundled ? { ...bundled, source: 'bundled' } : null, adopted, bundled, warnings };
}

/** The model segmentation uses when none is named, or null when there is none. */
export async function findDefaultModel(): Promise<DefaultModelState['current']> {
  return (await resolveDefaultModel()).current;
}

/**
 * Prove a folder is a model inference can open before it becomes the default: plans.json parses,
 * model.json and every weight shard load, and the softmax head matches the plan's classes. A full
 * load costs a second or two, once, instead of a failed segmentation later.
 */
export async function checkModelFolder(dir: string): Promise<Plans> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new AppError('NOT_FOUND', `Model folder not found: ${dir}`, { dir });
  }
  if (!isDir) throw new AppError('MODEL', `${dir} is a file, not a model folder (model.json, weights and plans.json)`, { dir });
  try {
    const plans = await readPlans(dir);
    const { tf } = await initTf();
    const model = await loadLayersModelFromDir(tf, dir, plans);
    model.dispose();
    return plans;
  } catch (e) {
    const cause = e instanceof AppError ? { code: e.code, message: e.message } : { message: e instanceof Error ? e.message : String(e) };
    throw new AppError('MODEL', `${dir} is not a CardioSeg model folder: ${cause.message}`, { dir, cause });
  }
}
