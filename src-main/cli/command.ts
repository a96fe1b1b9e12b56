import type { ParseArgsConfig } from 'node:util';
import type { Progress } from '../../src-shared/rpc/define.js';
import type { LocalClient } from '../core.js';

export class UsageError extends Error {}

export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  client: LocalClient;
  signal: AbortSignal;
  json: boolean;
  progress(p: Progress): void;
  /** Human-readable lines go to stderr so stdout stays one JSON document with --json. */
  log(line: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Returns the JSON result; `format` turns it into the human summary. */
  run(ctx: CommandContext): Promise<unknown>;
  format?(result: unknown): string;
  /** A result can still be a failure (e.g. a training run whose quality gate failed): exit 1. */
  failed?(result: unknown): boolean;
}

export function requireString(ctx: CommandContext, name: string): string {
  const v = ctx.values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
}

export function requirePositional(ctx: CommandContext, index: number, what: string): string {
  const v = ctx.positionals[index];
  if (!v) throw new UsageError(`missing ${what}`);
  return v;
}

export function intOption(ctx: CommandContext, name: string, fallback: number): number {
  const v = ctx.values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer`);
  return n;
}
