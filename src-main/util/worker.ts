import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The worker entries of the main process. From sources (tsx: CLI, tests, web mode) an eval'd
 * bootstrap registers tsx and imports the .ts entry (`execArgv: ['--import', 'tsx']` does not
 * reach a worker's entry on Node 20). In the Electron build, electron-vite bundles each entry as
 * out/main/<bundled>.js beside index.js (see electron.vite.config.ts), so names must be unique.
 */
export const WORKER_ENTRIES = {
  train: { source: 'src-main/ml/train/worker-entry.ts', bundled: 'train-worker' },
  infer: { source: 'src-main/ml/infer/worker-entry.ts', bundled: 'infer-worker' },
  transfer: { source: 'src-main/ml/transfer/worker-entry.ts', bundled: 'transfer-worker' },
  decode: { source: 'src-main/dicom/decode-worker.ts', bundled: 'decode-worker' },
} as const;
export type WorkerName = keyof typeof WORKER_ENTRIES;

const here = fileURLToPath(import.meta.url);
/** Running from the TypeScript sources (this file is src-main/util/worker.ts)? */
const fromSources = here.endsWith('.ts');
const repoRoot = path.resolve(path.dirname(here), '..', '..');

export function workerEntryPath(name: WorkerName): string {
  const e = WORKER_ENTRIES[name];
  if (fromSources) return path.join(repoRoot, e.source);
  // The bundler may place this module in a shared chunk folder below out/main.
  const dir = path.dirname(here);
  const candidates = [path.join(dir, `${e.bundled}.js`), path.join(dir, '..', `${e.bundled}.js`)];
  return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
}

export function spawnWorker(name: WorkerName, opts: WorkerOptions = {}): Worker {
  const entry = workerEntryPath(name);
  if (!existsSync(entry)) throw new Error(`Worker entry ${entry} is missing (build without the ${name} worker?)`);
  if (!fromSources) return new Worker(entry, opts);
  // require.resolve finds tsx's CJS build, whose register() cannot run in a worker; use the ESM twin.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const esm = cjs.replace(/\.cjs$/, '.mjs');
  const tsxApi = pathToFileURL(existsSync(esm) ? esm : cjs).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
