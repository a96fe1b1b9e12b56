#!/usr/bin/env node
/**
 * `npm test`: every gate CI runs, in order, stopping at the first failure. Lint, types and
 * svelte-check are gates like any test: a red one fails the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'test-output');
mkdirSync(out, { recursive: true });
// Counts come from this run's reports only.
for (const f of ['vitest-unit.json', 'vitest-e2e.json']) rmSync(path.join(out, f), { force: true });
const bin = (n) => path.join(root, 'node_modules', '.bin', n);

const steps = [
  ['lint', bin('eslint'), ['.', '--max-warnings', '0']],
  ['typecheck shared (no Node, no DOM)', bin('tsc'), ['-p', 'tsconfig.shared.json']],
  ['typecheck main/preload/tests', bin('tsc'), ['-p', 'tsconfig.node.json']],
  ['svelte-check renderer', bin('svelte-check'), ['--tsconfig', './tsconfig.renderer.json', '--fail-on-warnings']],
  ['build web UI', bin('vite'), ['build', '--config', 'vite.web.config.ts', '--logLevel', 'warn']],
  ['build Electron app', bin('electron-vite'), ['build', '--logLevel', 'warn']],
  ['unit + contract + integration tests', bin('vitest'), ['run', '--project', 'unit', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(out, 'vitest-unit.json')}`]],
  ['browser e2e tests', bin('vitest'), ['run', '--project', 'e2e', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(out, 'vitest-e2e.json')}`]],
];

const only = process.argv.slice(2);
let failed = null;
const times = [];
for (const [name, cmd, args] of steps) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  times.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    failed = `${name} (exit ${r.status ?? r.signal})`;
    break;
  }
}

let passed = 0;
let fails = 0;
let skipped = 0;
for (const f of ['vitest-unit.json', 'vitest-e2e.json']) {
  const p = path.join(out, f);
  if (!existsSync(p)) continue;
  const j = JSON.parse(readFileSync(p, 'utf8'));
  passed += j.numPassedTests ?? 0;
  fails += j.numFailedTests ?? 0;
  skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
}
process.stdout.write(`\n${times.join('\n')}\n`);
if (failed) process.stdout.write(`FAILED at: ${failed}\n`);
process.stdout.write(`\n${passed} passed, ${fails + (failed && fails === 0 ? 1 : 0)} failed, ${skipped} skipped\n`);
process.exit(failed ? 1 : 0);
