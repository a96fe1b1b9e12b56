import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-shared/errors.js';
import { dataPath, hasShared } from '../../../tests/helpers/paths.js';
import { importDicom } from '../../dicom/index.js';
import { writeNifti } from '../../io/nifti/index.js';
import { loadDicomPairs } from './dicom-pairs.js';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-dicom-pairs-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe.skipIf(!hasShared)('DICOM series + NIfTI label pairs', () => {
  const series = dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'ct-3slice');

  it('loads a label on the CT grid as class ids, and refuses one off the grid', async () => {
    const { volume } = await importDicom(series);
    const label = new Uint8Array(volume.data.length).map((_, i) => (volume.data[i]! > 150 ? 3 : 0));
    const onGrid = path.join(tmp, 'label.nii.gz');
    await writeNifti(onGrid, { ...volume, data: label, metadata: {} });
    const ds = await loadDicomPairs({ kind: 'dicom', pairs: [{ series, label: onGrid, patientId: 'p1' }] }, 0);
    expect(ds.cases[0]!.zs.length).toBe(volume.dims[2]);
    expect(ds.plan.source).toBe('ct');
    expect(ds.plan.labeledClasses).toContain(0);
    const z = 1, n = volume.dims[0] * volume.dims[1];
    expect(Array.from(ds.cases[0]!.label(z)!)).toEqual(Array.from(label.subarray(z * n, (z + 1) * n)));

    const shifted = path.join(tmp, 'shifted.nii.gz');
    const o = volume.originLps;
    await writeNifti(shifted, { ...volume, originLps: [o[0] + 5 * volume.spacingMm[0], o[1], o[2]], data: label, metadata: {} });
    const err = await loadDicomPairs({ kind: 'dicom', pairs: [{ series, label: shifted }] }, 0).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('DATA');
    expect(String((err as Error).message)).toMatch(/not on the CT's voxel grid/);
  });
});
