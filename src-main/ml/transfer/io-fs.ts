/**
 * TensorFlow.js layers models on disk without tfjs-node: a small IOHandler that reads
 * model.json + its shards and writes model.json + one weights.bin atomically.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  [k: string]: unknown;
}

/** A Node Buffer may be a view into a larger pool: copy out exactly its own bytes. */
export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}

export async function readModelJson(modelJsonPath: string): Promise<ModelJson> {
  let text: string;
  try {
    text = await readFile(modelJsonPath, 'utf8');
  } catch (e) {
    throw new AppError('NOT_FOUND', `Cannot read ${modelJsonPath}`, { cause: (e as Error).message });
  }
  try {
    return JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new AppError('MODEL', `${modelJsonPath} is not JSON`, { cause: (e as Error).message });
  }
}

/** Artifacts of a layers model folder; `topologyOverride` replaces modelTopology (e.g. normalised). */
export async function loadArtifacts(modelJsonPath: string, topologyOverride?: object): Promise<tf.io.ModelArtifacts> {
  const json = await readModelJson(modelJsonPath);
  if (!json.modelTopology) throw new AppError('MODEL', `${modelJsonPath} has no modelTopology (not a layers model?)`, { format: json.format });
  const dir = path.dirname(modelJsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      try {
        buffers.push(await readFile(path.join(dir, p)));
      } catch (e) {
        throw new AppError('NOT_FOUND', `Weight shard ${p} listed in ${modelJsonPath} is missing`, { cause: (e as Error).message });
      }
    }
  }
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const joined = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    joined.set(b, off);
    off += b.byteLength;
  }
  return {
    modelTopology: (topologyOverride ?? json.modelTopology) as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: toArrayBuffer(joined),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
  };
}

export function fsLoader(modelJsonPath: string, topologyOverride?: object): tf.io.IOHandler {
  return { load: () => loadArtifacts(modelJsonPath, topologyOverride) };
}

/** Saves as `<dir>/model.json` + `<dir>/weights.bin`; both written atomically, weights first. */
export function fsSaver(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      await writeFileAtomic(path.join(dir, 'weights.bin'), new Uint8Array(data));
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
    },
  };
}
