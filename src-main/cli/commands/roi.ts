import path from 'node:path';
import type { Annulus, RoiBox } from '../../../src-shared/contract/roi.contract.js';
import type { Warning } from '../../../src-shared/errors.js';
import { requirePositional, requireString, UsageError, type Command, type CommandContext } from '../command.js';

interface RoiCommandResult {
  annulus: Annulus;
  box: RoiBox;
  roiDims: [number, number, number];
  written: string[];
  record: string;
  warnings: Warning[];
}

function numberOption(ctx: CommandContext, name: string): number | undefined {
  const v = ctx.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number`);
  return n;
}

export const roiCommand: Command = {
  name: 'roi',
  summary: 'Find and measure the mitral annulus (LA/LV interface) and crop the valve ROI in valve coordinates',
  usage: 'cardioseg roi <labels.nii.gz> [--ct <dicom-folder|file|ct.nii.gz>] --out DIR [--margin-mm N] [--tolerance-mm N] [--spacing-mm N] [--json]',
  options: {
    ct: { type: 'string' },
    out: { type: 'string' },
    'margin-mm': { type: 'string' },
    'tolerance-mm': { type: 'string' },
    'spacing-mm': { type: 'string' },
  },
  async run(ctx) {
    const labelsPath = path.resolve(requirePositional(ctx, 0, 'the label volume (NIfTI)'));
    const outDir = path.resolve(requireString(ctx, 'out'));
    const ctArg = ctx.values.ct;
    if (ctArg !== undefined && typeof ctArg !== 'string') throw new UsageError('--ct needs a path');
    const ctPath = ctArg ? path.resolve(ctArg) : undefined;
    const marginMm = numberOption(ctx, 'margin-mm');
    const toleranceMm = numberOption(ctx, 'tolerance-mm');
    const roiSpacingMm = numberOption(ctx, 'spacing-mm');
    const opts = { signal: ctx.signal, onProgress: ctx.progress };
    const det = await ctx.client.roi.detect(
      { labelsPath, ...(marginMm !== undefined ? { marginMm } : {}), ...(toleranceMm !== undefined ? { toleranceMm } : {}), ...(roiSpacingMm ? { roiSpacingMm } : {}) },
      opts,
    );
    const ex = await ctx.client.roi.extract(
      { labelsPath, ...(ctPath ? { ctPath } : {}), box: det.box, annulus: det.annulus, outDir, returnVolumes: false },
      opts,
    );
    const saved = await ctx.client.roi.save(
      { studyDir: outDir, roi: { box: ex.box, detectedBox: det.box, annulus: det.annulus, source: { labelsPath, ...(ctPath ? { ctPath } : {}) } } },
      opts,
    );
    const result: RoiCommandResult = {
      annulus: det.annulus,
      box: ex.box,
      roiDims: ex.geometry.dims,
      written: [...ex.written, saved.path],
      record: saved.path,
      warnings: [...det.warnings, ...ex.warnings],
    };
    return result;
  },
  format(r) {
    const o = r as RoiCommandResult;
    const a = o.annulus;
    const f = (x: number | null, d = 1) => (x === null ? 'n/a' : x.toFixed(d));
    const v = (p: number[]) => `(${p.map((x) => x.toFixed(1)).join(', ')})`;
    return [
      `Mitral annulus: centre ${v(a.centreLps)} mm LPS, normal LA->LV ${v(a.normalLps.map((x) => x * 100))}%`,
      `  area ${f(a.areaMm2)} mm², perimeter ${f(a.perimeterMm)} mm`,
      `  diameters: max ${f(a.maxDiameterMm)} mm, min ${f(a.minDiameterMm)} mm, commissural ${f(a.commissuralMm)} mm, septal-lateral ${f(a.septalLateralMm)} mm`,
      `  angle between valve normal and LV long axis: ${a.angleToLvLongAxisDeg === null ? 'not measured' : `${a.angleToLvLongAxisDeg.toFixed(1)}°`}`,
      `ROI box ${o.box.sizeMm.map((x) => x.toFixed(0)).join('x')} mm -> ${o.roiDims.join('x')} voxels of ${o.box.spacingMm[0].toFixed(2)} mm`,
      ...o.written.map((p) => `  wrote ${p}`),
      ...(o.warnings.length ? ['Warnings:', ...o.warnings.map((w) => `  [${w.code}] ${w.message}`)] : []),
    ].join('\n');
  },
};
