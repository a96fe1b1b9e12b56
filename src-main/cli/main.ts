import { parseArgs } from 'node:util';
import { isAppError, toAppError } from '../../src-shared/errors.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import { createLocalClient } from '../core.js';
import { APP_VERSION } from '../version.js';
import { UsageError, type Command } from './command.js';
import { commands } from './commands/index.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function help(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    `CardioSeg ${APP_VERSION}: cardiac CT segmentation from the command line`,
    '',
    'Usage: cardioseg <command> [options]   (cardioseg <command> --help for details)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Global options: --json (one JSON document on stdout), --quiet (no progress), --help',
    'Exit codes: 0 ok, 1 failure, 2 usage error',
  ].join('\n');
}

function progressPrinter(quiet: boolean) {
  let last = 0;
  return (p: Progress) => {
    if (quiet) return;
    const now = Date.now();
    if (now - last < 200 && p.done !== p.total) return;
    last = now;
    const pct = p.total > 0 ? ` ${Math.round((100 * p.done) / p.total)}%` : '';
    process.stderr.write(`[${p.stage}]${pct} ${p.done}/${p.total}${p.message ? ` ${p.message}` : ''}\n`);
  };
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(`${help()}\n`);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === '--version') {
    out(`${APP_VERSION}\n`);
    return EXIT_OK;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`cardioseg: unknown command '${name}'\n\n${help()}\n`);
    return EXIT_USAGE;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { ...cmd.options, json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    process.stderr.write(`cardioseg ${cmd.name}: ${e instanceof Error ? e.message : String(e)}\nUsage: ${cmd.usage}\n`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    out(`${cmd.summary}\n\nUsage: ${cmd.usage}\n`);
    return EXIT_OK;
  }
  const json = parsed.values.json === true;
  const ac = new AbortController();
  const onSig = () => {
    process.stderr.write('\ncardioseg: cancelling...\n');
    ac.abort();
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  const client = createLocalClient();
  try {
    const result = await cmd.run({
      positionals: parsed.positionals,
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      client,
      signal: ac.signal,
      json,
      progress: progressPrinter(parsed.values.quiet === true),
      log: (l) => process.stderr.write(`${l}\n`),
    });
    out(json ? `${JSON.stringify(result, null, 2)}\n` : `${cmd.format ? cmd.format(result) : JSON.stringify(result, null, 2)}\n`);
    if (cmd.failed?.(result)) {
      process.stderr.write(`cardioseg ${cmd.name}: finished, but the result failed its checks (see above)\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`cardioseg ${cmd.name}: ${e.message}\nUsage: ${cmd.usage}\n`);
      return EXIT_USAGE;
    }
    const err = toAppError(e);
    if (json) out(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
    process.stderr.write(`cardioseg ${cmd.name}: ${isAppError(err) ? `[${err.code}] ` : ''}${err.message}\n`);
    return EXIT_FAILURE;
  } finally {
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
    client.close();
  }
}
