import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-shared/errors.js';
import { dataPath, hasShared } from '../../../tests/helpers/paths.js';
import { importDicom } from '../../dicom/index.js';
import { buildSeg } from '../../exports/seg.js';
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

  it('takes a DICOM SEG as the label: the same classes as the NIfTI of the same labels', async () => {
    const { volume } = await importDicom(series);
    const label = new Uint8Array(volume.data.length).map((_, i) => (volume.data[i]! > 150 ? 2 : volume.data[i]! > 30 && volume.data[i]! < 70 ? 5 : 0));
    const seg = await buildSeg({ ...volume, data: label }, volume.metadata, { name: 'CardioSeg', version: '0', modelId: 'test' });
    const segFile = path.join(tmp, 'label.dcm');
    await writeFile(segFile, seg.bytes);
    const nii = path.join(tmp, 'same.nii.gz');
    await writeNifti(nii, { ...volume, data: label, metadata: {} });
    const [fromSeg, fromNii] = await Promise.all([
      loadDicomPairs({ kind: 'dicom', pairs: [{ series, label: segFile, patientId: 'p1' }] }, 0),
      loadDicomPairs({ kind: 'dicom', pairs: [{ series, label: nii, patientId: 'p1' }] }, 0),
    ]);
    expect(fromSeg.plan.labeledClasses).toEqual([0, 2, 5]);
    for (const z of fromNii.cases[0]!.zs) expect(Buffer.from(fromSeg.cases[0]!.label(z)!).equals(Buffer.from(fromNii.cases[0]!.label(z)!))).toBe(true);

    // A third-party SEG with a code outside the product classes: named, or mapped by segment number.
    const liver = dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'liver.dcm');
    const err = await loadDicomPairs({ kind: 'dicom', pairs: [{ series, label: liver }] }, 0).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('DATA');
    expect((err as Error).message).toMatch(/T-62000/);
    const mapped = await loadDicomPairs({ kind: 'dicom', pairs: [{ series, label: liver }], codeMap: { '1': 3 } }, 0);
    expect(mapped.plan.labeledClasses).toEqual([0, 3]);
    expect(mapped.cases[0]!.zs.map((z) => mapped.cases[0]!.label(z)!.filter((v) => v === 3).length).every((n) => n > 1000)).toBe(true);
  });
});
