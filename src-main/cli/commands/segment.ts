import { SegmentationEngineChoice, type SegmentationRunOutput } from '../../../src-shared/contract/segmentation.contract.js';
import { intOption, requirePositional, requireString, UsageError, type Command } from '../command.js';

/** What the CLI prints: everything but the voxel arrays (they are in the written NIfTI files). */
export interface SegmentCommandResult extends Omit<SegmentationRunOutput, 'labels' | 'confidence'> {
  dims: [number, number, number];
  spacingMm: [number, number, number];
}

export const segmentCommand: Command = {
  name: 'segment',
  summary: 'Segment a cardiac CT with a U-Net: labels.nii.gz + confidence.nii.gz',
  usage:
    'cardioseg segment <dicom-folder|file|ct.nii.gz> --out DIR [--model DIR] [--engine auto|onnxruntime-node|tfjs] [--batch N] [--no-postprocess] [--connectivity 6|26] [--series UID] [--json]',
  options: {
    out: { type: 'string' },
    model: { type: 'string' },
    engine: { type: 'string' },
    batch: { type: 'string' },
    'no-postprocess': { type: 'boolean' },
    connectivity: { type: 'string' },
    series: { type: 'string' },
  },
  async run(ctx) {
    const inputPath = requirePositional(ctx, 0, 'the CT (DICOM folder/file or NIfTI)');
    const outDir = requireString(ctx, 'out');
    const engine = SegmentationEngineChoice.safeParse(ctx.values.engine ?? 'auto');
    if (!engine.success) throw new UsageError(`--engine must be one of ${SegmentationEngineChoice.options.join(', ')}`);
    const conn = intOption(ctx, 'connectivity', 26);
    if (conn !== 6 && conn !== 26) throw new UsageError('--connectivity must be 6 or 26');
    const post = ctx.values['no-postprocess'] !== true;
    const series = typeof ctx.values.series === 'string' ? ctx.values.series : undefined;
    const { labels, confidence: _confidence, ...rest } = await ctx.client.segmentation.run(
      {
        input: { path: inputPath, ...(series ? { seriesUid: series } : {}) },
        ...(typeof ctx.values.model === 'string' ? { modelDir: ctx.values.model } : {}),
        outDir,
        engine: engine.data,
        batchSize: intOption(ctx, 'batch', 4),
        postprocess: { largestComponent: post, fillHoles: post, connectivity: conn },
      },
      { signal: ctx.signal, onProgress: ctx.progress },
    );
    const result: SegmentCommandResult = { ...rest, dims: labels.dims, spacingMm: labels.spacingMm };
    return result;
  },
  format(r) {
    const o = r as SegmentCommandResult;
    const t = o.timings;
    const s = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(2)} s`;
    return [
      `Segmented ${o.dims.join('x')} voxels with ${o.engine.name} (${o.engine.detail})${o.engine.onnxExported === true ? ', ONNX exported' : o.engine.onnxExported === false ? ', cached ONNX' : ''}`,
      // The default model can be an adopted one: say which folder ran.
      `Model: ${o.model.dir}`,
      ...(o.orientation.reoriented ? [`Input stored as ${o.orientation.source}: reoriented to LPS for the network and back (lossless)`] : []),
      `Time: total ${s(t.totalMs)} (read ${s(t.readMs)}, model ${s((t.loadModelMs ?? 0) + (t.exportMs ?? 0))}, forward ${s(t.forwardMs)}, post-process ${s(t.postprocessMs)}, write ${s(t.writeMs)})`,
      'Structure              voxels      mL   mean conf',
      ...o.perClass
        .filter((c) => c.id !== 0)
        .map((c) => `  ${c.name.padEnd(18)} ${String(c.voxels).padStart(9)} ${c.volumeMl.toFixed(1).padStart(7)}   ${c.meanConfidence === null ? '   -' : c.meanConfidence.toFixed(2)}`),
      ...(o.files ? [`Wrote ${o.files.labels}`, `Wrote ${o.files.confidence}`] : []),
      ...(o.warnings.length ? ['Warnings:', ...o.warnings.map((w) => `  [${w.code}] ${w.message}`)] : []),
    ].join('\n');
  },
};
