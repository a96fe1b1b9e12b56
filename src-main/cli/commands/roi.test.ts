import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/helpers/paths.js';
import { smallValveStudy } from '../../geometry/analytic-phantom.js';
import { readNifti, writeNifti } from '../../io/nifti/index.js';
import { getPhantomFixture } from '../../phantom/index.js';
import { resampleVolume } from '../../geometry/resample.js';
import { dot, norm, sub } from '../../../src-shared/volume/affine.js';
import { runCli } from '../../../tests/helpers/cli.js';
import { roiCommand } from './roi.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'cardioseg.mjs'), ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 120_000 });

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-roi-cli-'));
  const s = smallValveStudy();
  await writeNifti(path.join(dir, 'labels.nii.gz'), s.labels);
  await writeNifti(path.join(dir, 'ct.nii.gz'), s.ct);
  const noLa = { ...s.labels, data: s.labels.data.map((v) => (v === 2 ? 0 : v)) };
  await writeNifti(path.join(dir, 'no-la.nii.gz'), noLa);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('cardioseg roi', { timeout: 180_000 }, () => {
  it('--json: measures the annulus and writes the ROI NIfTIs, roi.json and the study record', () => {
    const out = path.join(dir, 'out');
    const r = cli('roi', path.join(dir, 'labels.nii.gz'), '--ct', path.join(dir, 'ct.nii.gz'), '--out', out, '--margin-mm', '5', '--json', '--quiet');
    expect(r.stderr).not.toMatch(/\[[A-Z_]+\]/);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { annulus: { maxDiameterMm: number; septalLateralMm: number | null }; box: { sizeMm: number[] }; written: string[] };
    expect(Math.abs(doc.annulus.maxDiameterMm - 26)).toBeLessThan(1);
    expect(doc.annulus.septalLateralMm).not.toBeNull();
    for (const f of ['roi-ct.nii.gz', 'roi-labels.nii.gz', 'roi.json', 'mitral-roi.json']) expect(existsSync(path.join(out, f))).toBe(true);
    expect(doc.written).toHaveLength(4);
  });

  it('human output, and a clear failure when the atrium is missing', async () => {
    const ok = await runCli(['roi', path.join(dir, 'labels.nii.gz'), '--out', path.join(dir, 'out2'), '--quiet', '--json']);
    expect(ok.code).toBe(0);
    const human = roiCommand.format?.(JSON.parse(ok.out)) ?? '';
    expect(human).toMatch(/Mitral annulus: centre/);
    expect(human).toMatch(/area \d+\.\d mm²/);
    const bad = await runCli(['roi', path.join(dir, 'no-la.nii.gz'), '--out', path.join(dir, 'out3'), '--quiet', '--json']);
    expect(bad.code).toBe(1);
    const err = (JSON.parse(bad.out) as { error: { code: string; message: string; details: { structure: string } } }).error;
    expect(err.code).toBe('DATA');
    expect(err.message).toMatch(/The left atrium \(label 2\) is missing/);
    expect(err.details.structure).toBe('la');
  });

  it('phantom DICOM folder end to end: annulus matches the truth, ROI CT maps back to the source CT', async () => {
    const fx = await getPhantomFixture({ seed: 7, preset: 'small' });
    const out = path.join(dir, 'phantom');
    const r = await runCli(['roi', fx.labelsPath, '--ct', fx.dicomDir, '--out', out, '--json', '--quiet']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { annulus: { centreLps: [number, number, number]; normalLps: [number, number, number]; maxDiameterMm: number } };
    const t = fx.truth.annulus;
    expect(norm(sub(doc.annulus.centreLps, t.centreLps))).toBeLessThan(1);
    expect(dot(doc.annulus.normalLps, t.normalLps)).toBeGreaterThan(Math.cos((3 * Math.PI) / 180));
    expect(Math.abs(doc.annulus.maxDiameterMm - 2 * t.semiMajorMm)).toBeLessThan(1);
    // The ROI written from the DICOM import equals the phantom's own CT NIfTI resampled the same way.
    const roiCt = await readNifti(path.join(out, 'roi-ct.nii.gz'));
    const ref = resampleVolume(await readNifti(fx.ctNiftiPath as string), roiCt, 'linear', -1024);
    let worst = 0;
    for (let c = 0; c < roiCt.data.length; c++) worst = Math.max(worst, Math.abs(roiCt.data[c] - ref.data[c]));
    console.log(`[roi] phantom via DICOM: max |ROI(DICOM) - ROI(NIfTI CT)| = ${worst.toFixed(4)} HU over ${roiCt.data.length} voxels`);
    expect(worst).toBeLessThan(0.5);
  });
});
