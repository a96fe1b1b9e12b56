/**
 * A model folder: model.json (tfjs layers format, weightsManifest -> weights.bin) + weights.bin
 * + plans.json. Written file by file atomically, model.json last, so a reader that finds
 * model.json finds complete weights. Also the optimizer-state encoding used by checkpoints.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { AppError } from '../../src-shared/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { parsePlans, type Plans } from './plans.js';
import { assertSoftmaxHead } from './guards.js';

type Tf = typeof TF;

function joinWeights(data: TF.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), off);
    off += p.byteLength;
  }
  return out;
}

/** Saves under `prefix` (default: model.json / weights.bin) inside dir. */
export async function saveModelFolder(tf: Tf, model: TF.LayersModel, plans: Plans | null, dir: string, prefix = ''): Promise<void> {
  let artifacts: TF.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new AppError('MODEL', 'model.save produced no artifacts');
  const weightsFile = `${prefix}weights.bin`;
  await writeFileAtomic(path.join(dir, weightsFile), joinWeights(artifacts.weightData));
  if (plans) await writeFileAtomic(path.join(dir, 'plans.json'), JSON.stringify(plans, null, 2));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'CardioSeg',
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
  };
  await writeFileAtomic(path.join(dir, `${prefix}model.json`), JSON.stringify(modelJson));
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: TF.io.WeightsManifestEntry[] }[];
}

export async function loadLayersModelFile(tf: Tf, modelJsonPath: string): Promise<TF.LayersModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson;
  } catch (e) {
    throw new AppError('NOT_FOUND', `Cannot read model ${modelJsonPath}: ${(e as Error).message}`);
  }
  const dir = path.dirname(modelJsonPath);
  const specs: TF.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(new Uint8Array(await readFile(path.join(dir, p))));
  }
  const weightData = joinWeights(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: weightData.buffer as ArrayBuffer }),
  );
}

/** Load model + plans from a model folder, checking the head matches the plan's classes. */
export async function loadModelFolder(tf: Tf, dir: string): Promise<{ model: TF.LayersModel; plans: Plans }> {
  let plansJson: unknown;
  try {
    plansJson = JSON.parse(await readFile(path.join(dir, 'plans.json'), 'utf8'));
  } catch (e) {
    throw new AppError('NOT_FOUND', `No readable plans.json in ${dir}: ${(e as Error).message}`);
  }
  const plans = parsePlans(plansJson);
  const model = await loadLayersModelFile(tf, path.join(dir, 'model.json'));
  try {
    assertSoftmaxHead(model.outputs[0]!.shape, plans.classes.length);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, plans };
}

/** Optimizer state (e.g. Adam's iteration count and moments) as bytes + specs. */
export async function encodeOptimizer(tf: Tf, opt: TF.Optimizer): Promise<{ data: Uint8Array; specs: TF.io.WeightsManifestEntry[] }> {
  const named = await opt.getWeights();
  const { data, specs } = await tf.io.encodeWeights(named);
  // getWeights() hands out the live moment variables plus a fresh iteration-count scalar.
  for (const n of named) if (!(n.tensor instanceof tf.Variable)) n.tensor.dispose();
  return { data: joinWeights(data), specs };
}

export async function restoreOptimizer(tf: Tf, opt: TF.Optimizer, data: Uint8Array, specs: TF.io.WeightsManifestEntry[]): Promise<void> {
  const map = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer, specs);
  const list = specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
  await opt.setWeights(list);
  tf.dispose(Object.values(map));
}
