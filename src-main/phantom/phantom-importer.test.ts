import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Mat3, Volume } from '../../src-shared/volume/volume.js';
import { TEST_OUTPUT } from '../../tests/helpers/paths.js';
import { importDicom } from '../dicom/index.js';
import { TRANSFER_SYNTAX_NAMES } from '../dicom/writer/index.js';
import { generatePhantom } from './generate.js';
import { writePhantomFolder } from './output.js';

const OUT = path.join(TEST_OUTPUT, 'phantom-importer');

function expectSameVolume(got: Volume, want: Volume<Int16Array>): void {
  expect(got.dims).toEqual(want.dims);
  expect(got.data).toBeInstanceOf(Int16Array);
  expect(Buffer.compare(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength), Buffer.from(want.data.buffer, want.data.byteOffset, want.data.byteLength))).toBe(0);
  for (let a = 0; a < 3; a++) {
    expect(Math.abs(got.spacingMm[a] - want.spacingMm[a])).toBeLessThan(1e-6);
    expect(Math.abs(got.originLps[a] - want.originLps[a])).toBeLessThan(1e-4);
  }
  for (let n = 0; n < 9; n++) expect(Math.abs(got.direction[n] - want.direction[n])).toBeLessThan(1e-6);
}

/** Phantom -> project DICOM writer -> project DICOM importer gives back the same HU volume and grid. */
describe('phantom DICOM series round-trips through the importer', () => {
  // A coarser grid than the small preset keeps five syntaxes quick; the writer path is identical.
  const mem = generatePhantom({ seed: 5, preset: 'small', dims: [64, 64, 40], spacingMm: [2.7, 2.7, 3.5] });

  for (const syntax of TRANSFER_SYNTAX_NAMES) {
    it(`${syntax}: identical HU voxels and geometry`, async () => {
      const files = await writePhantomFolder(path.join(OUT, syntax), mem, { syntax, ctNifti: false, atomicFiles: false });
      const r = await importDicom(files.dicomDir);
      expect(r.series).toHaveLength(1);
      expectSameVolume(r.volume, mem.ct);
    });
  }

  it('oblique, anisotropic grid: the importer recovers the direction cosines and slice order', async () => {
    const c = Math.cos(0.35);
    const s = Math.sin(0.35);
    const direction: Mat3 = [c, s, 0, -s * Math.cos(0.2), c * Math.cos(0.2), Math.sin(0.2), s * Math.sin(0.2), -c * Math.sin(0.2), Math.cos(0.2)];
    const o = generatePhantom({ seed: 5, preset: 'small', dims: [48, 40, 30], spacingMm: [3, 3.2, 4], direction });
    const files = await writePhantomFolder(path.join(OUT, 'oblique'), o, { ctNifti: false, atomicFiles: false });
    const r = await importDicom(files.dicomDir);
    expectSameVolume(r.volume, o.ct);
  });
});
