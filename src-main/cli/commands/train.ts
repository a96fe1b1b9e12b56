import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { TrainingDatasetSpec, TrainingResult } from '../../../src-shared/contract/training.contract.js';
import { UsageError, intOption, requireString, type Command } from '../command.js';

/**
 * A --data value: `synthetic:patients=6,size=48,slices=12`, a PNG slice/mask folder (images/,
 * masks/, color_class_mapping/), an nnU-Net-style NIfTI folder (imagesTr/, labelsTr/), or one
 * pair `IMAGE=LABEL.nii.gz` where IMAGE is a NIfTI file or a DICOM series folder.
 */
export function parseDatasetArg(arg: string): TrainingDatasetSpec {
  if (arg.startsWith('synthetic')) {
    const kv = Object.fromEntries((arg.split(':')[1] ?? '').split(',').filter(Boolean).map((p) => p.split('=') as [string, string]));
    return { kind: 'synthetic', patients: Number(kv.patients ?? 6), size: Number(kv.size ?? 48), slices: Number(kv.slices ?? 12), seed: Number(kv.seed ?? 1) };
  }
  const pair = /^(.+)=(.+\.nii(?:\.gz)?)$/.exec(arg);
  if (pair) {
    const [, image, label] = pair as unknown as [string, string, string];
    return /\.nii(\.gz)?$/.test(image) ? { kind: 'nifti', pairs: [{ image, label }] } : { kind: 'dicom', pairs: [{ series: image, label }] };
  }
  if (existsSync(path.join(arg, 'images')) && existsSync(path.join(arg, 'masks'))) return { kind: 'png', path: arg };
  if (existsSync(path.join(arg, 'imagesTr')) && existsSync(path.join(arg, 'labelsTr'))) {
    const labels = readdirSync(path.join(arg, 'labelsTr')).filter((f) => /\.nii(\.gz)?$/.test(f));
    const images = readdirSync(path.join(arg, 'imagesTr'));
    const pairs = labels.map((l) => {
      const stem = l.replace(/\.nii(\.gz)?$/, '');
      const img = images.find((f) => f.startsWith(`${stem}_0000.nii`)) ?? images.find((f) => f === l);
      if (!img) throw new UsageError(`no image for label ${l} in ${arg}/imagesTr`);
      return { image: path.join(arg, 'imagesTr', img), label: path.join(arg, 'labelsTr', l), patientId: stem };
    });
    return { kind: 'nifti', pairs };
  }
  throw new UsageError(`--data ${arg}: not a PNG dataset folder, an imagesTr/labelsTr NIfTI folder, or synthetic:...`);
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train the segmentation U-Net (validation Dice per class on held-out patients every epoch)',
  usage:
    'cardioseg train --data <dataset> [--data <dataset>...] --out DIR [--epochs N] [--batch N] [--size 256] [--preset default|reference] [--from <pretrained>] [--resume]',
  options: {
    data: { type: 'string', multiple: true },
    out: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    size: { type: 'string' },
    preset: { type: 'string' },
    from: { type: 'string' },
    resume: { type: 'boolean' },
    patience: { type: 'string' },
  },
  async run(ctx) {
    const data = ctx.values.data;
    if (!Array.isArray(data) || data.length === 0) throw new UsageError('--data is required');
    const size = intOption(ctx, 'size', 256);
    const preset = ctx.values.preset;
    if (preset !== undefined && preset !== 'default' && preset !== 'reference') throw new UsageError('--preset must be default or reference');
    const off = ctx.client.training.on('epoch', (e) => {
      const dice = e.validation.dice.map((d, i) => (d === null ? null : `${i}:${d.toFixed(3)}`)).filter(Boolean).join(' ');
      ctx.log(
        `epoch ${e.epoch}/${e.epochs} loss ${e.trainLoss.toFixed(4)} | val accuracy ${e.validation.accuracy.toFixed(4)} (all-background ${e.validation.allBackgroundAccuracy.toFixed(4)}) | Dice ${dice}${e.improved ? ' *' : ''} | eta ${Math.round(e.etaSeconds)}s`,
      );
    });
    try {
      return await ctx.client.training.start(
        {
          datasets: data.map(parseDatasetArg),
          outDir: requireString(ctx, 'out'),
          epochs: intOption(ctx, 'epochs', 30),
          batchSize: intOption(ctx, 'batch', 4),
          earlyStoppingPatience: intOption(ctx, 'patience', 10),
          architecture: { inputSize: [size, size], ...(preset && { preset }) },
          resume: ctx.values.resume === true,
          ...(typeof ctx.values.from === 'string' && { from: ctx.values.from }),
        },
        { signal: ctx.signal, onProgress: ctx.progress },
      );
    } finally {
      off();
    }
  },
  format(r) {
    const t = r as TrainingResult;
    const lines = [`Model: ${t.modelDir} (best epoch ${t.bestEpoch}, ${t.epochsRun} epochs run on ${t.backend}, ${t.seconds.toFixed(1)} s)`];
    lines.push(`Validation patients: ${t.validationPatients.join(', ')}`);
    lines.push(`Accuracy ${t.validation.accuracy.toFixed(4)} vs all-background ${t.validation.allBackgroundAccuracy.toFixed(4)}`);
    for (const c of t.classes) {
      const d = t.validation.dice[c.id];
      if (c.id === 0 || d === null || d === undefined) continue;
      lines.push(
        `  ${c.name.padEnd(18)} Dice ${d.toFixed(3)}  IoU ${(t.validation.iou[c.id] ?? 0).toFixed(3)}  predicted ${(100 * t.validation.predictedFraction[c.id]!).toFixed(2)}% vs true ${(100 * t.validation.trueFraction[c.id]!).toFixed(2)}%`,
      );
    }
    for (const w of t.warnings) lines.push(`Warning [${w.code}]: ${w.message}`);
    lines.push(t.qualityGate.passed ? 'Quality gate: PASSED' : `Quality gate: FAILED (${t.qualityGate.failures.map((f) => `class ${f.classId}${f.dataset ? ` on ${f.dataset}` : ''}`).join(', ')} under half the true foreground)`);
    return lines.join('\n');
  },
  // A model that fails its quality gate is saved for inspection but must not look like success.
  failed: (r) => !(r as TrainingResult).qualityGate.passed,
};
