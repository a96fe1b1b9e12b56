/**
 * model.onnx lives next to model.json, stamped with the sha256 of the tfjs files it came from
 * (model.onnx.json). Repeated runs reuse it; a retrained model (new hash) or a newer exporter
 * rebuilds it. A read-only model folder (bundled resources) falls back to the user cache dir.
 */
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Warning } from '../../../src-shared/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { EXPORTER_VERSION, exportLayersModelToOnnx } from './export.js';

export interface OnnxStamp {
  sourceHash: string;
  exporterVersion: number;
  createdAt: string;
}

export interface CachedOnnx {
  path: string;
  /** true when this call exported it; false when a matching cached file was reused. */
  exported: boolean;
  exportMs: number;
  warnings: Warning[];
}

async function readStamp(onnxPath: string): Promise<OnnxStamp | null> {
  try {
    return JSON.parse(await readFile(`${onnxPath}.json`, 'utf8')) as OnnxStamp;
  } catch {
    return null;
  }
}

export function fallbackCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'cardioseg', 'onnx');
}

async function isCurrent(onnxPath: string, sourceHash: string): Promise<boolean> {
  const s = await readStamp(onnxPath);
  if (!s || s.sourceHash !== sourceHash || s.exporterVersion !== EXPORTER_VERSION) return false;
  try {
    return (await stat(onnxPath)).size > 0;
  } catch {
    return false;
  }
}

async function writeOnnx(target: string, bytes: Uint8Array, sourceHash: string): Promise<void> {
  await writeFileAtomic(target, bytes);
  // The stamp goes last: a crash in between leaves a model.onnx without a matching stamp, which is re-exported.
  const stamp: OnnxStamp = { sourceHash, exporterVersion: EXPORTER_VERSION, createdAt: new Date().toISOString() };
  await writeFileAtomic(`${target}.json`, JSON.stringify(stamp, null, 2));
}

export async function ensureOnnx(modelDir: string, sourceHash: string, loadModel: () => Promise<TF.LayersModel>): Promise<CachedOnnx> {
  const beside = path.join(modelDir, 'model.onnx');
  const fallback = path.join(fallbackCacheDir(), `${sourceHash.slice(0, 32)}.onnx`);
  for (const p of [beside, fallback]) if (await isCurrent(p, sourceHash)) return { path: p, exported: false, exportMs: 0, warnings: [] };

  const t0 = performance.now();
  const model = await loadModel();
  let bytes: Uint8Array;
  try {
    bytes = exportLayersModelToOnnx(model, { sourceHash });
  } finally {
    model.dispose();
  }
  const exportMs = performance.now() - t0;
  try {
    await writeOnnx(beside, bytes, sourceHash);
    return { path: beside, exported: true, exportMs, warnings: [] };
  } catch (e) {
    await writeOnnx(fallback, bytes, sourceHash);
    return {
      path: fallback,
      exported: true,
      exportMs,
      warnings: [{ code: 'ONNX_CACHE_FALLBACK', message: `Model folder is not writable; cached the ONNX export in ${fallback}`, details: { cause: e instanceof Error ? e.message : String(e) } }],
    };
  }
}
