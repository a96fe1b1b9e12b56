/**
 * Whole-volume inference: axial slices go through the plan's shared preprocess in batches, the
 * network's probabilities become labels (argmax) and confidence (max probability, x255) at the
 * network size, and the plan's in-plane resize is undone with nearest neighbour, so the label
 * volume has the CT's grid voxel for voxel (same dims, spacing, origin, direction). Slices are
 * never resampled through-plane, so nothing needs undoing along k. A volume stored in another
 * axis order (e.g. a RAS NIfTI) is first permuted/flipped losslessly to LPS (orientation.ts) and
 * the results are permuted back, so the network always sees the orientation it was trained on.
 */
import { AppError, type Warning } from '../../../src-shared/errors.js';
import type { Progress } from '../../../src-shared/rpc/define.js';
import { emptyLike, type Volume } from '../../../src-shared/volume/volume.js';
import { yieldToLoop } from '../../util/abort.js';
import type { Plans, SourceKind } from '../plans.js';
import { preprocessSlices, resizeNearest, volumeSlices } from '../preprocess.js';
import type { SliceEngine } from './engines.js';
import { fromCanonical, reorientationOf, toCanonical } from '../orientation.js';
import { postprocessLabels, type Connectivity, type PostprocessStats } from './postprocess.js';

export interface SegmentVolumeOptions {
  plans: Plans;
  engine: SliceEngine;
  /** Slices per forward pass (default 4). */
  batchSize?: number;
  source?: SourceKind;
  postprocess?: { largestComponent?: boolean; fillHoles?: boolean; connectivity?: Connectivity };
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface SegmentVolumeTimings {
  preprocessMs: number;
  forwardMs: number;
  labelMs: number;
  postprocessMs: number;
  totalMs: number;
}

export interface SegmentVolumeResult {
  labels: Volume<Uint8Array>;
  /** Max softmax probability of the network, x255 (0..255 = 0..1), on the same grid. */
  confidence: Volume<Uint8Array>;
  timings: SegmentVolumeTimings;
  postprocess: PostprocessStats;
  /** Storage order of the input ('LPS', 'RAS', ...) and whether it was reoriented for the network. */
  orientation: { source: string; reoriented: boolean };
  warnings: Warning[];
}

/** argmax and max over the class axis of one slice's [H*W, K] probabilities. */
function labelSlice(probs: Float32Array, offset: number, hw: number, k: number, labels: Uint8Array, conf: Uint8Array): void {
  for (let p = 0; p < hw; p++) {
    const base = offset + p * k;
    let best = 0;
    let bestP = probs[base] as number;
    for (let c = 1; c < k; c++) {
      const v = probs[base + c] as number;
      if (v > bestP) {
        bestP = v;
        best = c;
      }
    }
    labels[p] = best;
    conf[p] = Math.round(Math.min(1, Math.max(0, bestP)) * 255);
  }
}

export async function segmentVolume(input: Volume, o: SegmentVolumeOptions): Promise<SegmentVolumeResult> {
  const t0 = performance.now();
  const orient = reorientationOf(input.direction);
  const volume = toCanonical(input, orient);
  const [nx, ny, nz] = volume.dims;
  const [h, w] = o.plans.inputSize;
  const c = o.plans.channelOffsets.length;
  const k = o.plans.classes.length;
  const batch = Math.max(1, Math.floor(o.batchSize ?? 4));
  const warnings: Warning[] = [];
  const kAxis = [volume.direction[6], volume.direction[7], volume.direction[8]];
  if (Math.abs(kAxis[2]) < 0.8) {
    warnings.push({ code: 'NOT_AXIAL', message: 'The volume is oblique: no axis runs head-foot; the model was trained on axial slices', details: { sliceAxisLps: kAxis } });
  }
  const src = volumeSlices(volume.dims, volume.data, o.source ?? 'ct');
  const labels = new Uint8Array(nx * ny * nz);
  const conf = new Uint8Array(nx * ny * nz);
  const smallL = new Uint8Array(h * w);
  const smallC = new Uint8Array(h * w);
  const t = { preprocessMs: 0, forwardMs: 0, labelMs: 0, postprocessMs: 0, totalMs: 0 };

  const batches: number[][] = [];
  for (let z = 0; z < nz; z += batch) batches.push(Array.from({ length: Math.min(batch, nz - z) }, (_, i) => z + i));
  const prep = (zs: number[]) => {
    const s = performance.now();
    const x = preprocessSlices(src, zs, o.plans);
    t.preprocessMs += performance.now() - s;
    return x;
  };

  let next = batches.length > 0 ? prep(batches[0]!) : null;
  for (let b = 0; b < batches.length; b++) {
    await yieldToLoop(o.signal);
    const zs = batches[b]!;
    const s = performance.now();
    const pending = o.engine.predict(next!, [zs.length, h, w, c]);
    // Prepare the next batch while onnxruntime works on its own threads.
    next = b + 1 < batches.length ? prep(batches[b + 1]!) : null;
    const probs = await pending;
    t.forwardMs += performance.now() - s;
    if (probs.length !== zs.length * h * w * k) {
      throw new AppError('MODEL', `The model returned ${probs.length / (zs.length * h * w)} channels per pixel; plans.json lists ${k} classes`);
    }
    const sl = performance.now();
    zs.forEach((z, i) => {
      labelSlice(probs, i * h * w * k, h * w, k, smallL, smallC);
      labels.set(resizeNearest(smallL, w, h, nx, ny), z * nx * ny);
      conf.set(resizeNearest(smallC, w, h, nx, ny), z * nx * ny);
    });
    t.labelMs += performance.now() - sl;
    o.onProgress?.({ stage: 'infer', done: zs[zs.length - 1]! + 1, total: nz, message: `slices ${zs[0]}-${zs[zs.length - 1]}` });
  }

  await yieldToLoop(o.signal);
  o.onProgress?.({ stage: 'postprocess', done: 0, total: 1 });
  const sp = performance.now();
  const stats = postprocessLabels(labels, volume.dims, { numClasses: k, ...o.postprocess });
  t.postprocessMs = performance.now() - sp;
  o.onProgress?.({ stage: 'postprocess', done: 1, total: 1 });

  if (!labels.some((v) => v !== 0)) warnings.push({ code: 'EMPTY_PREDICTION', message: 'The model labelled every voxel as background' });
  const outLabels = fromCanonical(labels, input.dims, orient);
  const outConf = fromCanonical(conf, input.dims, orient);
  t.totalMs = performance.now() - t0;
  return {
    labels: emptyLike(input, outLabels),
    confidence: emptyLike(input, outConf),
    timings: t,
    postprocess: stats,
    orientation: { source: orient.sourceCode, reoriented: !orient.identity },
    warnings,
  };
}
