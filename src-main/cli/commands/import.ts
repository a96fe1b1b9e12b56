import path from 'node:path';
import type { SeriesSummary } from '../../../src-shared/contract/dicom.contract.js';
import type { Warning } from '../../../src-shared/errors.js';
import { voxelTypeOf, type Volume } from '../../../src-shared/volume/volume.js';
import { writeNifti } from '../../io/nifti/index.js';
import { requirePositional, type Command } from '../command.js';

export interface ImportCliResult {
  input: string;
  format: 'dicom' | 'nifti';
  series: SeriesSummary[];
  chosenId: string | null;
  volume: {
    dims: number[];
    spacingMm: number[];
    originLps: number[];
    direction: number[];
    dataType: string;
    min: number;
    max: number;
    units: string | null;
  };
  out: string | null;
  warnings: Warning[];
}

function range(v: Volume): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.data.length; i++) {
    const x = v.data[i] as number;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, max };
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a DICOM folder/file or a NIfTI volume: list the series, show the chosen volume geometry',
  usage: 'cardioseg import <folder|file|vol.nii.gz> [--series UID|id|number] [--out vol.nii.gz] [--keep-uneven] [--json]',
  options: { series: { type: 'string' }, out: { type: 'string' }, 'keep-uneven': { type: 'boolean' } },
  async run(ctx) {
    const input = path.resolve(requirePositional(ctx, 0, 'a DICOM folder/file or a NIfTI file'));
    const series = typeof ctx.values.series === 'string' ? ctx.values.series : undefined;
    const equalize = ctx.values['keep-uneven'] !== true;
    const r = await ctx.client.dicom.loadVolume({ path: input, ...(series ? { seriesId: series } : {}), ...(equalize ? {} : { equalizeSpacing: false }) }, { signal: ctx.signal, onProgress: ctx.progress });
    const v = r.volume as Volume;
    let out: string | null = null;
    if (typeof ctx.values.out === 'string') {
      out = path.resolve(ctx.values.out);
      await writeNifti(out, v, { description: `CardioSeg import ${r.chosen?.description ?? ''}`.slice(0, 79) });
    }
    const units = v.metadata && typeof v.metadata.units === 'string' ? v.metadata.units : null;
    const result: ImportCliResult = {
      input,
      format: r.format,
      series: r.series,
      chosenId: r.chosen?.id ?? null,
      volume: {
        dims: [...v.dims],
        spacingMm: v.spacingMm.map(r4),
        originLps: v.originLps.map(r4),
        direction: v.direction.map(r4),
        dataType: voxelTypeOf(v.data),
        ...range(v),
        units,
      },
      out,
      warnings: r.warnings,
    };
    return result;
  },
  format(res) {
    const r = res as ImportCliResult;
    const lines: string[] = [`${r.input} (${r.format})`];
    if (r.series.length) {
      lines.push('Series:');
      for (const s of r.series) {
        const mark = s.id === r.chosenId ? '*' : ' ';
        lines.push(
          ` ${mark} ${s.id}  #${s.seriesNumber ?? '-'} ${s.modality || '?'} ${s.kind} ${s.orientation} ${s.columns}x${s.rows}x${s.sliceCount}  "${s.description}"${s.volumeCandidate ? '' : `  (${s.notCandidateReason ?? 'not a volume'})`}`,
        );
      }
    }
    const v = r.volume;
    lines.push(
      `Volume: ${v.dims.join('x')} ${v.dataType}${v.units ? ` ${v.units}` : ''}, values ${v.min}..${v.max}`,
      `  spacingMm ${v.spacingMm.join(', ')}`,
      `  originLps ${v.originLps.join(', ')}`,
      `  direction ${v.direction.join(', ')}`,
    );
    if (r.out) lines.push(`Written: ${r.out}`);
    if (r.warnings.length) {
      lines.push(`Warnings (${r.warnings.length}):`);
      for (const w of r.warnings.slice(0, 30)) lines.push(`  [${w.code}] ${w.message}${w.file ? ` (${w.file})` : ''}`);
      if (r.warnings.length > 30) lines.push(`  … ${r.warnings.length - 30} more (use --json)`);
    }
    return lines.join('\n');
  },
};
