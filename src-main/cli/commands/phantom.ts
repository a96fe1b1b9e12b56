import path from 'node:path';
import type { PhantomGenerateOutput } from '../../../src-shared/contract/phantom.contract.js';
import { PhantomPresetSchema, PhantomSyntaxSchema } from '../../../src-shared/contract/phantom.contract.js';
import { intOption, requireString, UsageError, type Command } from '../command.js';

export const phantomCommand: Command = {
  name: 'phantom',
  summary: 'Generate a seeded synthetic cardiac CT phantom (DICOM series + truth labels + truth.json)',
  usage: 'cardioseg phantom --seed N --preset small|full --out DIR [--syntax explicit-le|implicit-le|big-endian|deflate|rle] [--noise SIGMA_HU]',
  options: { seed: { type: 'string' }, preset: { type: 'string' }, out: { type: 'string' }, syntax: { type: 'string' }, noise: { type: 'string' } },
  async run(ctx) {
    const preset = PhantomPresetSchema.safeParse(ctx.values.preset ?? 'small');
    if (!preset.success) throw new UsageError('--preset must be small or full');
    const syntax = PhantomSyntaxSchema.safeParse(ctx.values.syntax ?? 'explicit-le');
    if (!syntax.success) throw new UsageError(`--syntax must be one of ${PhantomSyntaxSchema.options.join(', ')}`);
    const seed = intOption(ctx, 'seed', 7);
    if (seed < 0) throw new UsageError('--seed must be >= 0');
    let noiseSigma: number | undefined;
    if (typeof ctx.values.noise === 'string') {
      noiseSigma = Number(ctx.values.noise);
      if (!Number.isFinite(noiseSigma) || noiseSigma < 0) throw new UsageError('--noise must be a number >= 0');
    }
    const out = path.resolve(requireString(ctx, 'out'));
    return ctx.client.phantom.generate(
      { seed, preset: preset.data, out, syntax: syntax.data, ...(noiseSigma !== undefined ? { noiseSigma } : {}) },
      { signal: ctx.signal, onProgress: ctx.progress },
    );
  },
  format(r) {
    const o = r as PhantomGenerateOutput;
    const a = o.truth.annulus;
    const f = (v: number[]) => v.map((x) => x.toFixed(2)).join(', ');
    return [
      `Phantom ${o.name} -> ${o.outDir}`,
      `  DICOM: ${o.dicomFiles} files (${o.transferSyntax}, ${o.transferSyntaxUid}) in ${o.dicomDir}`,
      `  Labels: ${o.labelsPath}${o.ctNiftiPath ? `   CT NIfTI: ${o.ctNiftiPath}` : ''}`,
      `  Truth: ${o.truthPath}   noise sigma ${o.truth.noiseSigmaHu} HU`,
      ...o.truth.structures.map((s) => `    ${s.name.padEnd(18)} ${s.volumeMl.toFixed(1).padStart(7)} mL`),
      `  Mitral annulus: centre (${f(a.centreLps)}) LPS mm, normal (${f(a.normalLps)}), diameters ${a.majorDiameterMm.toFixed(1)} x ${a.minorDiameterMm.toFixed(1)} mm`,
      `  Time: generate ${o.timingsMs.generate} ms, write ${o.timingsMs.write} ms`,
    ].join('\n');
  },
};
