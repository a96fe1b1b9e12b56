import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'cardioseg.mjs'), ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 120_000 });

describe('cardioseg CLI surface', { timeout: 180_000 }, () => {
  it('--help lists the commands and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: cardioseg <command>');
    expect(r.stdout).toContain('info');
  });

  it('no command / unknown command / bad option exit 2 (usage)', () => {
    expect(cli().status).toBe(2);
    const r = cli('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(cli('info', '--no-such-option').status).toBe(2);
  });

  it('info --json prints exactly one JSON document on stdout', () => {
    const r = cli('info', '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { app: string; tfBackend: string; inferenceEngine: string };
    expect(doc.app).toBe('CardioSeg');
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(doc.tfBackend);
    expect(['onnxruntime-node', 'tfjs']).toContain(doc.inferenceEngine);
  });

  it('a failing command exits 1 with the error code on stderr and as JSON with --json', () => {
    const r = cli('web', '--json', '--port', 'notaport');
    expect(r.status).toBe(2);
    const env = { ...process.env };
    const f = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'cardioseg.mjs'), 'info', '--json'], { encoding: 'utf8', env: { ...env, CARDIOSEG_TF_BACKEND: 'none' }, timeout: 120_000 });
    expect(f.status).toBe(1);
    expect(f.stderr).toMatch(/cardioseg info: \[INTERNAL\] No TensorFlow.js backend could start/);
    expect((JSON.parse(f.stdout) as { error: { code: string } }).error.code).toBe('INTERNAL');
  });
});
