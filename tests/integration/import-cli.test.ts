import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { ImportCliResult } from '../../src-main/cli/commands/import.js';
import { importDicom } from '../../src-main/dicom/index.js';
import { readNifti } from '../../src-main/io/nifti/index.js';
import { ijkToLps } from '../../src-shared/volume/affine.js';
import { dataPath, hasShared } from '../helpers/paths.js';
import { cleanupTmpDirs, tmpDir } from './import-fixtures.js';


describe.skipIf(!hasShared)('cardioseg import', () => {
  afterAll(cleanupTmpDirs);
  it('--json lists the series, the chosen geometry, and --out writes a NIfTI with the same grid', async () => {
    const outFile = path.join(tmpDir('cli'), 'ct.nii.gz');
    const { code, out } = await runCli(['import', dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'ct-3slice'), '--json', '--quiet', '--out', outFile]);
    expect(code).toBe(0);
    const r = JSON.parse(out) as ImportCliResult;
    expect(r.format).toBe('dicom');
    expect(r.series).toHaveLength(1);
    expect(r.chosenId).toBe(r.series[0]?.id);
    expect(r.volume.dims).toEqual([512, 512, 3]);
    expect(r.volume.dataType).toBe('int16');
    expect(r.volume.units).toBe('HU');
    const nii = await readNifti(outFile);
    expect(nii.dims).toEqual([512, 512, 3]);
    const direct = (await importDicom(dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'ct-3slice'))).volume;
    const p = ijkToLps(nii, [511, 511, 2]);
    const expected = ijkToLps(direct, [511, 511, 2]);
    for (let a = 0; a < 3; a++) expect(Math.abs(p[a]! - expected[a]!)).toBeLessThan(1e-3);
    expect(Array.from(nii.data.subarray(0, 5000))).toEqual(Array.from(direct.data.subarray(0, 5000)));
  });

  it('the human summary marks the chosen series and prints warnings; --series picks another', async () => {
    const folder = dataPath('dicom', 'dcm_qa_ct', 'In', 'GE');
    const { code, out } = await runCli(['import', folder, '--quiet']);
    expect(code).toBe(0);
    expect(out).toMatch(/^ \* /m);
    expect(out).toContain('[GANTRY_TILT]');
    expect(out).toContain('spacingMm');
    const bad = await runCli(['import', folder, '--series', '1.2.3.4', '--json', '--quiet']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).error.code).toBe('NOT_FOUND');
  });
});
