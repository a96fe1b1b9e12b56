import { readFile } from 'node:fs/promises';
import { ExportFormat, ExportModelInfoSchema, ExportRoiSchema, type ExportRunOutput } from '../../../src-shared/contract/exports.contract.js';
import { AppError } from '../../../src-shared/errors.js';
import { intOption, requirePositional, requireString, UsageError, type Command, type CommandContext } from '../command.js';

async function readJsonOption<T>(ctx: CommandContext, name: string, parse: (v: unknown) => T): Promise<T | undefined> {
  const p = ctx.values[name];
  if (p === undefined) return undefined;
  if (typeof p !== 'string') throw new UsageError(`--${name} needs a file`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(p, 'utf8'));
  } catch (e) {
    throw new AppError('VALIDATION', `--${name}: cannot read JSON from ${p}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parse(raw);
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export DICOM SEG, NIfTI, STL/OBJ meshes, the mitral ROI and a report',
  usage:
    'cardioseg export <dicom-folder|file|ct.nii.gz> --labels <labels.nii.gz> --out DIR [--formats seg,nifti,stl,obj,roi,report] [--roi roi.json] [--model model-info.json] [--mesh-step 1..4] [--overwrite] [--json]',
  options: {
    labels: { type: 'string' },
    out: { type: 'string' },
    formats: { type: 'string' },
    roi: { type: 'string' },
    model: { type: 'string' },
    overwrite: { type: 'boolean' },
    'mesh-step': { type: 'string' },
  },
  async run(ctx) {
    const ctPath = requirePositional(ctx, 0, 'the CT (DICOM folder/file or NIfTI)');
    const fmtArg = typeof ctx.values.formats === 'string' ? ctx.values.formats : 'seg,nifti,stl,roi,report';
    const formats = fmtArg.split(',').map((f) => f.trim()).filter(Boolean);
    for (const f of formats) if (!ExportFormat.safeParse(f).success) throw new UsageError(`unknown format '${f}' (one of ${ExportFormat.options.join(', ')})`);
    const roi = await readJsonOption(ctx, 'roi', (v) => ExportRoiSchema.parse(v));
    const modelInfo = await readJsonOption(ctx, 'model', (v) => ExportModelInfoSchema.parse(v));
    return ctx.client.exports.run(
      {
        ctPath,
        labelsPath: requireString(ctx, 'labels'),
        outDir: requireString(ctx, 'out'),
        formats: formats as ExportFormat[],
        overwrite: ctx.values.overwrite === true,
        meshStep: intOption(ctx, 'mesh-step', 1),
        ...(roi ? { roi } : {}),
        ...(modelInfo ? { modelInfo } : {}),
      },
      { signal: ctx.signal, onProgress: ctx.progress },
    );
  },
  format(r) {
    const o = r as ExportRunOutput;
    return [
      `${o.files.length} file(s) written:`,
      ...o.files.map((f) => `  ${f.format.padEnd(5)} ${String(f.bytes).padStart(10)}  ${f.path}`),
      ...(o.warnings.length ? ['Warnings:', ...o.warnings.map((w) => `  [${w.code}] ${w.message}`)] : []),
    ].join('\n');
  },
};
