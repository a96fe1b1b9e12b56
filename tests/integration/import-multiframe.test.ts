import { afterAll, describe, expect, it } from 'vitest';
import { importDicom } from '../../src-main/dicom/index.js';
import { createLocalClient } from '../../src-main/core.js';
import { isAppError } from '../../src-shared/errors.js';
import { dataPath, hasShared } from '../helpers/paths.js';
import { cleanupTmpDirs, tmpDir } from './import-fixtures.js';

const base = (n: string) => dataPath('dicom', 'dcmqi', 'data', 'segmentations', n);

describe.skipIf(!hasShared)('enhanced (multi-frame) CT and the service', () => {
  afterAll(cleanupTmpDirs);
  it.each(['23x38x3', '24x38x3'])('%s: the Legacy Converted Enhanced CT multiframe equals its single-frame series', async (name) => {
    const single = await importDicom(`${base(name)}/image`);
    const multi = await importDicom(`${base(name)}/multiframe/mf.dcm`);
    expect(multi.volume.dims).toEqual(single.volume.dims);
    expect(multi.volume.dims[2]).toBe(3);
    for (let a = 0; a < 3; a++) {
      expect(multi.volume.spacingMm[a]).toBeCloseTo(single.volume.spacingMm[a]!, 4);
      expect(multi.volume.originLps[a]).toBeCloseTo(single.volume.originLps[a]!, 3);
    }
    for (let a = 0; a < 9; a++) expect(multi.volume.direction[a]).toBeCloseTo(single.volume.direction[a]!, 5);
    expect(Array.from(multi.volume.data)).toEqual(Array.from(single.volume.data));
    expect(multi.volume.metadata.frameNumbers.slice().sort()).toEqual([1, 2, 3]);
    expect(new Set(multi.volume.metadata.sourceFiles).size).toBe(1);
  });

  it('the dicom service reports bad input as errors and keeps serving', async () => {
    const client = createLocalClient();
    try {
      const e = await client.dicom.loadSeries({ path: tmpDir('svc-empty') }).catch((x: unknown) => x);
      expect(isAppError(e) && e.code).toBe('NOT_FOUND');
      const e2 = await client.dicom.loadVolume({ path: '/nonexistent/x.nii.gz' }).catch((x: unknown) => x);
      expect(isAppError(e2)).toBe(true);
      const ok = await client.dicom.loadSeries({ path: `${base('23x38x3')}/image` });
      expect(ok.volume.dims).toEqual([23, 38, 3]);
      expect(ok.chosen?.sliceCount).toBe(3);
    } finally {
      client.close();
    }
  });
});
