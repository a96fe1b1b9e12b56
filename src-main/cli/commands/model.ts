import path from 'node:path';
import type { DefaultModelState } from '../../../src-shared/contract/system.contract.js';
import { UsageError, requirePositional, type Command } from '../command.js';

/**
 * The installation's default model from the command line, the same setting the Training screen
 * writes: show it, adopt a trained folder (checked to load first), or restore the bundled one.
 */
export const modelCommand: Command = {
  name: 'model',
  summary: 'Show, adopt or restore the default segmentation model (the setting the app uses too)',
  usage: ['cardioseg model show', 'cardioseg model adopt <model folder>', 'cardioseg model restore'].join('\n'),
  async run(ctx) {
    const sub = requirePositional(ctx, 0, 'subcommand (show | adopt | restore)');
    switch (sub) {
      case 'show':
        return ctx.client.host.getDefaultModel({});
      case 'adopt':
        return ctx.client.host.setDefaultModel({ dir: path.resolve(requirePositional(ctx, 1, 'model folder')) });
      case 'restore':
        return ctx.client.host.setDefaultModel({ dir: null });
      default:
        throw new UsageError(`unknown subcommand ${sub} (show | adopt | restore)`);
    }
  },
  format(r) {
    const s = r as DefaultModelState;
    const lines = [s.current ? `Default model: ${s.current.id} at ${s.current.path} (${s.current.source})` : 'Default model: none'];
    if (s.adopted && s.current?.path !== s.adopted) lines.push(`Adopted (missing now): ${s.adopted}`);
    if (s.bundled && s.current?.source !== 'bundled') lines.push(`Bundled: ${s.bundled.id} at ${s.bundled.path} (cardioseg model restore)`);
    for (const w of s.warnings) lines.push(`warning ${w.code}: ${w.message}`);
    return lines.join('\n');
  },
};
