/**
 * A model folder: model.json + weights.bin (tfjs layers format) + plans.json, as written by
 * training (src-main/ml/model-io.ts, whose loader this uses). Adds what inference needs: the
 * plan on its own (the ONNX path never loads tfjs when the export is cached), and a content
 * hash that keys the ONNX cache.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';
import { assertSoftmaxHead } from '../guards.js';
import { loadLayersModelFile } from '../model-io.js';
import { parsePlans, type Plans } from '../plans.js';

export async function loadLayersModelFromDir(tf: typeof TF, dir: string, plans?: Plans): Promise<TF.LayersModel> {
  let model: TF.LayersModel;
  try {
    model = await loadLayersModelFile(tf, path.join(dir, 'model.json'));
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('MODEL', `Could not load the tfjs model in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (plans) {
    try {
      assertSoftmaxHead(model.outputs[0]!.shape, plans.classes.length);
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return model;
}

export async function readPlans(dir: string): Promise<Plans> {
  const file = path.join(dir, 'plans.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new AppError('NOT_FOUND', `No plans.json in ${dir}: a model folder needs model.json, its weights and plans.json`);
  }
  try {
    return parsePlans(JSON.parse(text));
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('MODEL', `${file} is not JSON`, { cause: e instanceof Error ? e.message : String(e) });
  }
}

/** sha256 over model.json and every weight shard: the identity of a trained network. */
export async function hashModelDir(dir: string): Promise<string> {
  const jsonPath = path.join(dir, 'model.json');
  let raw: Buffer;
  try {
    raw = await readFile(jsonPath);
  } catch {
    throw new AppError('NOT_FOUND', `No model.json in ${dir}`);
  }
  const json = JSON.parse(raw.toString('utf8')) as { weightsManifest?: { paths: string[] }[] };
  const h = createHash('sha256');
  h.update(raw);
  for (const group of json.weightsManifest ?? []) for (const p of group.paths) h.update(await readFile(path.join(dir, p)));
  return h.digest('hex');
}
