import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DemoSummary } from '../../src-main/demo/run-demo.js';
import { DEFAULT_MODEL_DIR } from '../../src-main/ml/default-model.js';
import { REPO_ROOT, TEST_OUTPUT } from '../helpers/paths.js';
import { admesh, HAVE, run } from './exports/tools.js';

const OUT = path.join(TEST_OUTPUT, 'demo');

/**
 * The README's main job, run exactly as a newcomer would (`cardioseg demo`), then its outputs
 * checked with the Debian validators. The bundled model must really segment the case.
 */
describe('cardioseg demo (README main job)', () => {
  it('runs the whole job on the bundled case and writes valid exports', { timeout: 600_000 }, () => {
    expect(existsSync(path.join(DEFAULT_MODEL_DIR, 'plans.json')), 'resources/models/cardioseg-default must ship a model').toBe(true);
    rmSync(OUT, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'cardioseg.mjs'), 'demo', '--out', OUT, '--json', '--quiet'], {
      cwd: REPO_ROOT,
      // An empty config dir: a model the developer adopted must not replace the bundled one here.
      env: { ...process.env, CARDIOSEG_CONFIG_DIR: path.join(OUT, '.config') },
      encoding: 'utf8',
      timeout: 580_000,
      maxBuffer: 64 * 2 ** 20,
    });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as DemoSummary;

    // Not an all-black mask: every structure found, with real overlap against the phantom truth.
    for (const st of s.structures) {
      expect(st.predictedMl, `${st.name} predicted volume`).toBeGreaterThan(0);
      expect(st.dice ?? 0, `${st.name} Dice`).toBeGreaterThan(0.3);
    }
    expect(s.meanForegroundDice).toBeGreaterThan(0.6);
    expect(s.mitral.detected, s.mitral.error).toBe(true);
    expect(s.mitral.centreErrorMm ?? 99).toBeLessThan(10);
    expect(['onnxruntime-node', 'tfjs']).toContain(s.engine.inference);
    for (const stage of ['phantom', 'import', 'segment', 'mitral-roi', 'export']) expect(s.timingsS[stage]).toBeGreaterThan(0);

    const exportsDir = path.join(OUT, 'exports');
    const files = s.exports.map((f) => f.path);
    for (const fmt of ['seg', 'nifti', 'stl', 'obj', 'roi', 'html', 'csv', 'json']) expect(s.exports.some((f) => f.format === fmt), `export format ${fmt}`).toBe(true);
    for (const f of files) expect(existsSync(f), f).toBe(true);

    const seg = files.find((f) => f.endsWith('.dcm'));
    expect(seg).toBeDefined();
    if (HAVE.dciodvfy && HAVE.dcentvfy) {
      const v = run('dciodvfy', [seg as string]);
      expect(v.out.split('\n').filter((l) => /^Error/.test(l)), 'dciodvfy errors on the demo SEG').toEqual([]);
      const ct = readdirSync(s.case.dicomDir).map((f) => path.join(s.case.dicomDir, f));
      expect(run('dcentvfy', [seg as string, ...ct]).out.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
    }
    if (HAVE.niftiTool) {
      for (const nii of files.filter((f) => f.endsWith('.nii.gz'))) {
        const v = run('nifti_tool', ['-check_hdr', '-check_nim', '-infiles', nii]);
        expect(v.status, `${nii}: ${v.out}`).toBe(0);
        expect(v.out).not.toMatch(/BAD|FAIL/);
      }
    }
    if (HAVE.admesh) {
      for (const stl of files.filter((f) => f.endsWith('.stl'))) {
        const a = admesh(stl);
        expect(a.status, stl).toBe(0);
        expect(a.holesNote, `${stl}: admesh found holes`).toBe(true);
        expect(a.backwards, `${stl}: backwards edges`).toBe(0);
      }
    }
    const report = JSON.parse(readFileSync(files.find((f) => f.endsWith('report.json')) as string, 'utf8')) as Record<string, unknown>;
    expect(report).toBeTypeOf('object');
    expect(readdirSync(exportsDir).length).toBeGreaterThan(0);
  });
});
