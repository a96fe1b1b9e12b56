/**
 * Open a model folder for inference and pick the engine:
 *   tfjs on tfjs-node-gpu (the GPU path) > onnxruntime-node (CPU, ~7x tfjs-wasm) > tfjs (wasm/cpu).
 * ONNX export is cached beside the model (see ../onnx/cache.ts); any ONNX failure falls back to
 * tfjs with a warning instead of failing the segmentation.
 */
import type { Warning } from '../../../src-shared/errors.js';
import { detectInferenceEngine, initTf, registerBeforeWasm } from '../backend.js';
import { registerWasmConvGradients } from '../kernels/wasm-conv-grad.js';
import { ensureOnnx } from '../onnx/cache.js';
import type { Plans } from '../plans.js';
import { createOrtEngine, createTfjsEngine, type EngineName, type SliceEngine } from './engines.js';
import { hashModelDir, loadLayersModelFromDir, readPlans } from './model-folder.js';

// Conv2DTranspose's forward pass runs wasm's slow Conv2DBackpropInput; training's replacement
// kernel (proven equal to the cpu backend) makes the tfjs fallback faster. Effective only when
// this module loads before tfjs starts, as in the segmentation worker.
registerBeforeWasm((tf) => registerWasmConvGradients(tf));

export type EngineChoice = 'auto' | EngineName;

export interface OpenedModel {
  dir: string;
  plans: Plans;
  sourceHash: string;
  engine: SliceEngine;
  onnxPath?: string;
  onnxExported?: boolean;
  timings: { loadMs: number; exportMs: number };
  warnings: Warning[];
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function openModel(dir: string, opts: { engine?: EngineChoice; threads?: number } = {}): Promise<OpenedModel> {
  const t0 = performance.now();
  const plans = await readPlans(dir);
  const sourceHash = await hashModelDir(dir);
  const warnings: Warning[] = [];
  const want = opts.engine ?? 'auto';

  if (want !== 'tfjs') {
    const tfChoice = want === 'auto' ? await initTf() : null;
    const detected = await detectInferenceEngine();
    if (tfChoice?.name === 'tensorflow-gpu') {
      // Native GPU beats CPU onnxruntime; fall through to the tfjs engine below.
    } else if (detected.name === 'onnxruntime-node') {
      try {
        const cached = await ensureOnnx(dir, sourceHash, async () => loadLayersModelFromDir((await initTf()).tf, dir, plans));
        warnings.push(...cached.warnings);
        const engine = await createOrtEngine(cached.path, opts.threads);
        return { dir, plans, sourceHash, engine, onnxPath: cached.path, onnxExported: cached.exported, timings: { loadMs: performance.now() - t0 - cached.exportMs, exportMs: cached.exportMs }, warnings };
      } catch (e) {
        warnings.push({ code: 'ONNX_FALLBACK', message: `onnxruntime-node could not run this model; using tfjs: ${message(e)}` });
      }
    } else {
      warnings.push({ code: 'ONNX_UNAVAILABLE', message: `onnxruntime-node is not available; using tfjs: ${detected.error ?? 'unknown reason'}` });
    }
  }
  const { tf, name } = await initTf();
  const model = await loadLayersModelFromDir(tf, dir, plans);
  return { dir, plans, sourceHash, engine: createTfjsEngine(tf, model, name), timings: { loadMs: performance.now() - t0, exportMs: 0 }, warnings };
}
