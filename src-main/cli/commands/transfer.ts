import type { TransferInspectOutput, TransferTrainOutput } from '../../../src-shared/contract/transfer.contract.js';
import { UsageError, intOption, requirePositional, requireString, type Command, type CommandContext } from '../command.js';
import { parseDatasetArg } from './train.js';

const list = (v: unknown) => (typeof v === 'string' && v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const num = (ctx: CommandContext, name: string): number | undefined => {
  const v = ctx.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number`);
  return n;
};

export const transferCommand: Command = {
  name: 'transfer',
  summary: 'Transfer learning: inspect a pretrained model, or train pretrained encoder + CardioSeg decoder (frozen -> progressive unfreeze)',
  usage: [
    'cardioseg transfer inspect <model.json|folder|file.h5|config.json> [--cut LAYER] [--skips a,b]',
    'cardioseg transfer train --from <pretrained> --data <dataset> [--data ...] --out DIR [--epochs N] [--size 128] [--batch 4]',
    '                         [--lr 1e-3] [--finetune-factor 0.1] [--max-blocks N] [--cut LAYER] [--skips a,b] [--no-augment]',
  ].join('\n'),
  options: {
    cut: { type: 'string' },
    skips: { type: 'string' },
    from: { type: 'string' },
    data: { type: 'string', multiple: true },
    out: { type: 'string' },
    epochs: { type: 'string' },
    size: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    'finetune-factor': { type: 'string' },
    'max-blocks': { type: 'string' },
    'no-augment': { type: 'boolean' },
  },
  async run(ctx) {
    const sub = requirePositional(ctx, 0, 'subcommand (inspect | train)');
    const cut = typeof ctx.values.cut === 'string' ? ctx.values.cut : undefined;
    const skips = list(ctx.values.skips);
    if (sub === 'inspect') {
      return ctx.client.transfer.inspect({ path: requirePositional(ctx, 1, 'pretrained model path'), ...(cut && { cut }), ...(skips && { skips }) }, { signal: ctx.signal });
    }
    if (sub !== 'train') throw new UsageError(`unknown transfer subcommand ${sub} (inspect | train)`);
    const data = ctx.values.data;
    if (!Array.isArray(data) || data.length === 0) throw new UsageError('--data is required');
    const size = intOption(ctx, 'size', 128);
    const lr = num(ctx, 'lr');
    const factor = num(ctx, 'finetune-factor');
    const maxBlocks = ctx.values['max-blocks'] === undefined ? undefined : intOption(ctx, 'max-blocks', 0);
    return ctx.client.transfer.train(
      {
        from: requireString(ctx, 'from'),
        datasets: data.map(parseDatasetArg),
        outDir: requireString(ctx, 'out'),
        inputSize: [size, size],
        batchSize: intOption(ctx, 'batch', 4),
        augment: ctx.values['no-augment'] !== true,
        schedule: { epochs: intOption(ctx, 'epochs', 20), ...(lr !== undefined && { learningRate: lr }), ...(factor !== undefined && { fineTuneFactor: factor }), ...(maxBlocks !== undefined && { maxBlocks }) },
        ...(cut && { cut }),
        ...(skips && { skips }),
      },
      { signal: ctx.signal, onProgress: ctx.progress },
    );
  },
  format(r) {
    if ('layers' in (r as object)) {
      const o = r as TransferInspectOutput;
      const rows = o.layers.map((l) => `  ${l.name.padEnd(28)} ${l.className.padEnd(20)} ${JSON.stringify(l.outputShape).padEnd(22)} ${String(l.params).padStart(8)}${l.dilated ? '  dilated' : ''}${l.name === o.cut ? '  <- cut' : ''}${o.skips.includes(l.name) ? '  <- skip' : ''}`);
      return [`${o.kind}${o.keras3 ? ' (Keras 3 config)' : ''}, input ${JSON.stringify(o.inputShape)}`, ...rows, `Cut: ${o.cut} (${o.reason}); skips: ${o.skips.join(', ') || 'none'}`, ...o.warnings.map((w) => `warning: ${w.message}`)].join('\n');
    }
    const t = r as TransferTrainOutput;
    const lines = [`Transfer model: ${t.modelDir} (${t.mode}, cut ${t.cut}, ${t.encoderBlocks} encoder blocks, ${t.backend}, ${t.seconds.toFixed(1)} s)`];
    for (const s of t.stages) {
      const dice = s.validation.dice.map((d, i) => (d === null ? null : `${i}:${d.toFixed(3)}`)).filter(Boolean).join(' ');
      lines.push(`stage ${s.stage}: ${s.unfrozenBlocks} blocks unfrozen, lr ${s.learningRate}, ${s.epochs} epochs, ${s.trainableParams} trainable | Dice ${dice}`);
    }
    if (t.validation) lines.push(`Foreground fraction: predicted ${(1 - (t.validation.predictedFraction[0] ?? 1)).toFixed(4)} vs true ${(1 - (t.validation.trueFraction[0] ?? 1)).toFixed(4)}`);
    lines.push(...t.warnings.map((w) => `warning: ${w.message}`));
    return lines.join('\n');
  },
};
