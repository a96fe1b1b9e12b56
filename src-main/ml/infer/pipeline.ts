/**
 * segmentation.run end to end: read the CT (DICOM or NIfTI) or take it from memory, open the
 * model (engine choice + ONNX cache), segment slice-batch by slice-batch, clean up in 3D,
 * summarise per class, and optionally write labels.nii.gz + confidence.nii.gz.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { SegmentationRunInput, SegmentationRunOutput } from '../../../src-shared/contract/segmentation.contract.js';
import { AppError, type Warning } from '../../../src-shared/errors.js';
import type { Progress } from '../../../src-shared/rpc/define.js';
import type { Volume } from '../../../src-shared/volume/volume.js';
import { resolveDefaultModel } from '../default-model.js';
import { openModel } from './open-model.js';
import { segmentVolume } from './segment-volume.js';

export type ParsedSegmentationInput = z.output<typeof SegmentationRunInput>;
type ParsedInput = ParsedSegmentationInput;

export interface PipelineContext {
  signal: AbortSignal;
  progress(p: Progress): void;
}

const isNifti = (p: string) => /\.nii(\.gz)?$/i.test(p);

async function readInput(input: ParsedInput['input'], ctx: PipelineContext): Promise<{ volume: Volume; warnings: Warning[] }> {
  if ('volume' in input) return { volume: input.volume as Volume, warnings: [] };
  let isFile: boolean;
  try {
    isFile = (await stat(input.path)).isFile();
  } catch {
    throw new AppError('NOT_FOUND', `Input not found: ${input.path}`);
  }
  if (isFile && isNifti(input.path)) {
    const { readNiftiDetailed } = await import('../../io/nifti/index.js');
    const r = await readNiftiDetailed(input.path);
    return { volume: r.volume, warnings: r.warnings };
  }
  const { importDicom } = await import('../../dicom/index.js');
  const r = await importDicom(input.path, { ...(input.seriesUid ? { seriesUid: input.seriesUid } : {}), signal: ctx.signal, onProgress: ctx.progress });
  return { volume: r.volume, warnings: r.warnings };
}

/** The named model folder, else the adopted default, else the bundled one (with why, in warnings). */
export async function resolveModelDir(modelDir: string | undefined): Promise<{ dir: string; warnings: Warning[] }> {
  if (modelDir) return { dir: modelDir, warnings: [] };
  const { current, warnings } = await resolveDefaultModel();
  if (!current) {
    throw new AppError(
      'NOT_FOUND',
      'No model given and no default model is bundled with this build. Pass a model folder (model.json + weights.bin + plans.json), e.g. `cardioseg segment CT --model DIR --out OUT`, or train one first.',
      warnings.length ? { warnings } : undefined,
    );
  }
  return { dir: current.path, warnings };
}

export async function runSegmentation(input: ParsedInput, ctx: PipelineContext): Promise<SegmentationRunOutput> {
  const t0 = performance.now();
  const { dir: modelDir, warnings: modelWarnings } = await resolveModelDir(input.modelDir);
  const tr = performance.now();
  const { volume, warnings } = await readInput(input.input, ctx);
  warnings.unshift(...modelWarnings);
  const readMs = performance.now() - tr;
  ctx.signal.throwIfAborted();

  const opened = await openModel(modelDir, { engine: input.engine });
  warnings.push(...opened.warnings);
  let seg;
  try {
    seg = await segmentVolume(volume, {
      plans: opened.plans,
      engine: opened.engine,
      batchSize: input.batchSize,
      postprocess: input.postprocess,
      signal: ctx.signal,
      onProgress: ctx.progress,
    });
  } catch (e) {
    if (ctx.signal.aborted) throw new AppError('ABORTED', 'Segmentation was cancelled');
    throw e;
  } finally {
    await opened.engine.dispose();
  }
  warnings.push(...seg.warnings);

  const k = opened.plans.classes.length;
  const counts = new Float64Array(k);
  const confSum = new Float64Array(k);
  const { data: labels } = seg.labels;
  const conf = seg.confidence.data;
  for (let n = 0; n < labels.length; n++) {
    const c = labels[n] as number;
    counts[c]!++;
    confSum[c]! += conf[n] as number;
  }
  const voxelMl = (volume.spacingMm[0] * volume.spacingMm[1] * volume.spacingMm[2]) / 1000;
  const perClass = opened.plans.classes.map((c) => ({
    id: c.id,
    key: c.key,
    name: c.name,
    voxels: counts[c.id]!,
    volumeMl: counts[c.id]! * voxelMl,
    meanConfidence: counts[c.id]! > 0 ? confSum[c.id]! / counts[c.id]! / 255 : null,
    removedVoxels: seg.postprocess.removedVoxels[c.id] ?? 0,
    filledVoxels: seg.postprocess.filledVoxels[c.id] ?? 0,
  }));

  let files: SegmentationRunOutput['files'];
  let writeMs = 0;
  if (input.outDir) {
    const tw = performance.now();
    ctx.progress({ stage: 'write', done: 0, total: 2 });
    const { writeNifti } = await import('../../io/nifti/index.js');
    files = { labels: path.join(input.outDir, 'labels.nii.gz'), confidence: path.join(input.outDir, 'confidence.nii.gz') };
    await writeNifti(files.labels, seg.labels, { description: 'CardioSeg labels (plans.json class ids)' });
    ctx.progress({ stage: 'write', done: 1, total: 2 });
    await writeNifti(files.confidence, seg.confidence, { description: 'CardioSeg confidence: max softmax x255' });
    ctx.progress({ stage: 'write', done: 2, total: 2 });
    writeMs = performance.now() - tw;
  }

  const { totalMs: segmentMs, ...segTimings } = seg.timings;
  return {
    // Freshly allocated Uint8Arrays: their buffer is a plain ArrayBuffer, as the schema's type says.
    labels: seg.labels as SegmentationRunOutput['labels'],
    confidence: seg.confidence as SegmentationRunOutput['confidence'],
    confidenceScale: 1 / 255,
    engine: {
      name: opened.engine.name,
      detail: opened.engine.detail,
      ...(opened.onnxPath ? { onnxPath: opened.onnxPath } : {}),
      ...(opened.onnxExported !== undefined ? { onnxExported: opened.onnxExported } : {}),
    },
    model: { dir: modelDir, sourceHash: opened.sourceHash, inputSize: opened.plans.inputSize },
    orientation: seg.orientation,
    timings: { readMs, loadModelMs: opened.timings.loadMs, exportMs: opened.timings.exportMs, ...segTimings, segmentMs, writeMs, totalMs: performance.now() - t0 },
    perClass,
    ...(files ? { files } : {}),
    warnings,
  };
}
