import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDicom, scanDicom } from '../../src-main/dicom/index.js';
import { AppError, isAppError } from '../../src-shared/errors.js';
import { dataPath, hasShared } from '../helpers/paths.js';
import { cutBeforePixelData, patchElement, cleanupTmpDirs, tmpDir } from './import-fixtures.js';

const CT3 = dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'ct-3slice');
const PYD = dataPath('dicom', 'pydicom-test-files', 'src', 'pydicom', 'data', 'test_files');

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(isAppError(e)).toBe(true); // never a string or a bare object
  return e as AppError;
}

describe.skipIf(!hasShared)('importer: real edge cases and bad input', () => {
  afterAll(cleanupTmpDirs);
  it('dcmqi ct-3slice loads (3 slices, 0.8105 mm, 1.0 mm steps) with its UIDs in slice order', async () => {
    const r = await importDicom(CT3);
    expect(r.volume.dims).toEqual([512, 512, 3]);
    expect(r.volume.spacingMm[0]).toBeCloseTo(0.8105, 3);
    expect(r.volume.spacingMm[2]).toBeCloseTo(1.0, 3);
    expect(r.volume.originLps[2]).toBeCloseTo(-128.69, 2);
    const m = r.volume.metadata;
    expect(m.SOPInstanceUIDs).toHaveLength(3);
    expect(m.sourceFiles.map((f) => path.basename(f))).toEqual(['03.dcm', '02.dcm', '01.dcm']);
    expect(m.StudyInstanceUID).toMatch(/^[\d.]+$/);
    expect(m.FrameOfReferenceUID).toMatch(/^[\d.]+$/);
    expect(m.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
    // GE pads outside the field of view; those voxels become air, and the warning counts them.
    expect(r.warnings.map((w) => w.code)).toEqual(['PIXEL_PADDING']);
    let min = Infinity;
    for (const x of r.volume.data) min = Math.min(min, x);
    expect(min).toBe(-1024);
  });

  it('pydicom malformed files (truncated, no meta, missing transfer syntax) give warnings, not crashes', async () => {
    const dir = tmpDir('pydicom');
    const files = ['MR_truncated.dcm', 'rtplan_truncated.dcm', 'no_meta.dcm', 'meta_missing_tsyntax.dcm', 'ExplVR_LitEndNoMeta.dcm', 'CT_small.dcm'];
    for (const f of files) copyFileSync(path.join(PYD, f), path.join(dir, f));
    const scan = await scanDicom(dir);
    const named = (f: string) => scan.result.warnings.find((w) => w.file === path.join(dir, f));
    expect(named('meta_missing_tsyntax.dcm')?.message).toMatch(/0002,0010/);
    expect(named('rtplan_truncated.dcm')?.code).toBe('UNREADABLE_FILE');
    expect(named('no_meta.dcm')?.code).toBe('NOT_DICOM'); // a stray byte before the dataset
    // A bare explicit-VR dataset without preamble or meta is read, not rejected.
    expect(scan.result.dicomFiles).toBe(3);
    const truncated = await rejection(importDicom(path.join(dir, 'MR_truncated.dcm')));
    expect(truncated.message).toContain('MR_truncated.dcm');
    const ok = await importDicom(path.join(dir, 'CT_small.dcm'));
    expect(ok.volume.dims).toEqual([128, 128, 1]);
    // The whole pydicom folder: ~170 odd files, nothing thrown.
    const all = await scanDicom(PYD);
    expect(all.result.filesSeen).toBeGreaterThan(150);
    expect(all.result.warnings.every((w) => typeof w.message === 'string' && w.message.length > 0)).toBe(true);
  });

  it('MR_small in every syntax pydicom ships decodes to the same values', async () => {
    const ref = (await importDicom(path.join(PYD, 'MR_small.dcm'))).volume.data;
    for (const f of ['MR_small_bigendian.dcm', 'MR_small_implicit.dcm', 'MR_small_RLE.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_expb.dcm']) {
      const got = (await importDicom(path.join(PYD, f))).volume.data;
      expect(Array.from(got), f).toEqual(Array.from(ref));
    }
  });

  it('an empty folder is NOT_FOUND', async () => {
    const e = await rejection(importDicom(tmpDir('empty')));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/No files/);
  });

  it('a folder without images says so (text files, an SR)', async () => {
    const dir = tmpDir('noimages');
    writeFileSync(path.join(dir, 'notes.txt'), 'not dicom');
    copyFileSync(dataPath('dicom', 'ct-transfer-syntaxes', 'testImages', 'no-pixel-data.dcm'), path.join(dir, 'sr.dcm'));
    const e = await rejection(importDicom(dir));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/can be loaded as a volume|No DICOM images/);
    const txtOnly = tmpDir('txt');
    writeFileSync(path.join(txtOnly, 'a.txt'), 'hello');
    const e2 = await rejection(importDicom(txtOnly));
    expect(e2.message).toMatch(/No DICOM images .*1 skipped/);
  });

  it('an unreadable file (DICM magic, garbage after) is a warning with its path; the rest loads', async () => {
    const dir = tmpDir('unreadable');
    for (const f of ['01.dcm', '02.dcm', '03.dcm']) copyFileSync(path.join(CT3, f), path.join(dir, f));
    const junk = new Uint8Array(4096).fill(0xee);
    junk.set([0x44, 0x49, 0x43, 0x4d], 128);
    writeFileSync(path.join(dir, 'junk.dcm'), junk);
    const r = await importDicom(dir);
    expect(r.volume.dims[2]).toBe(3);
    expect(r.warnings.find((w) => w.code === 'UNREADABLE_FILE')?.file).toBe(path.join(dir, 'junk.dcm'));
  });

  it('a one-slice series loads with a ONE_SLICE warning', async () => {
    const r = await importDicom(path.join(CT3, '01.dcm'));
    expect(r.volume.dims).toEqual([512, 512, 1]);
    expect(r.warnings.map((w) => w.code)).toContain('ONE_SLICE');
  });

  it('mixed matrix sizes in one series are split into stacks with a MIXED_MATRIX warning', async () => {
    const dir = tmpDir('mixed');
    for (const f of ['01.dcm', '02.dcm', '03.dcm']) copyFileSync(path.join(CT3, f), path.join(dir, f));
    const uid = (await importDicom(path.join(CT3, '01.dcm'))).volume.metadata.SeriesInstanceUID;
    writeFileSync(path.join(dir, 'small.dcm'), patchElement(readFileSync(path.join(PYD, 'CT_small.dcm')), 'x0020000e', uid));
    const r = await importDicom(dir);
    expect(r.warnings.find((w) => w.code === 'MIXED_MATRIX')?.message).toMatch(/128x128/);
    expect(r.volume.dims).toEqual([512, 512, 3]);
    expect(r.series.filter((s) => s.seriesInstanceUid === uid)).toHaveLength(2);
  });

  it('a file cut before PixelData is a MISSING_PIXEL_DATA warning; loading it alone is a clear error', async () => {
    const dir = tmpDir('nopixels');
    for (const f of ['01.dcm', '02.dcm']) copyFileSync(path.join(CT3, f), path.join(dir, f));
    writeFileSync(path.join(dir, '03.dcm'), cutBeforePixelData(readFileSync(path.join(CT3, '03.dcm'))));
    const r = await importDicom(dir);
    expect(r.volume.dims[2]).toBe(2);
    expect(r.warnings.find((w) => w.code === 'MISSING_PIXEL_DATA')?.file).toBe(path.join(dir, '03.dcm'));
    const e = await rejection(importDicom(path.join(dir, '03.dcm')));
    expect(e.code).toBe('NOT_FOUND');
  });

  it('NaN and absurd spacing are DATA errors naming the problem', async () => {
    const dir = tmpDir('nan');
    for (const f of ['01.dcm', '02.dcm', '03.dcm']) writeFileSync(path.join(dir, f), patchElement(readFileSync(path.join(CT3, f)), 'x00280030', 'NaN\\NaN'));
    const e = await rejection(importDicom(dir));
    // NaN spacing leaves the images without usable geometry: listed, not loadable.
    expect(e.message + JSON.stringify(e.details)).toMatch(/spacing/i);
    const dir2 = tmpDir('absurd');
    for (const f of ['01.dcm', '02.dcm', '03.dcm']) writeFileSync(path.join(dir2, f), patchElement(readFileSync(path.join(CT3, f)), 'x00280030', '5000\\5000'));
    const e2 = await rejection(importDicom(dir2));
    expect(e2.code).toBe('DATA');
    expect(e2.message).toMatch(/absurd PixelSpacing/);
    const dir3 = tmpDir('samepos');
    mkdirSync(path.join(dir3, 'x'));
    for (const f of ['01.dcm', '02.dcm', '03.dcm']) {
      writeFileSync(path.join(dir3, 'x', f), patchElement(readFileSync(path.join(CT3, f)), 'x00200032', '-235.2\\-226.8\\-128.69'));
    }
    const r3 = await importDicom(dir3);
    expect(r3.warnings.map((w) => w.code)).toContain('DUPLICATE_POSITIONS');
  });

  it('a slice missing from the middle is reported with the gap', async () => {
    const src = dataPath('dicom', 'siemens-abdomen-j2k', 'example_ct_dicom');
    const dir = tmpDir('gap');
    const files = readdirSync(src).sort();
    files.forEach((f, i) => {
      if (i !== 10) copyFileSync(path.join(src, f), path.join(dir, f));
    });
    const r = await importDicom(dir);
    expect(r.warnings.find((w) => w.code === 'MISSING_SLICES')?.message).toMatch(/About 1 slice.*4\.00 mm.*2\.00 mm/);
    expect(r.warnings.find((w) => w.code === 'UNEVEN_SPACING')?.message).toMatch(/2\.00 mm ×\d+, 4\.00 mm ×1/);
    // Equalized back onto the 2 mm grid: the 19 real slices are exact, the gap is interpolated.
    const full = (await importDicom(src)).volume;
    expect(r.volume.dims).toEqual(full.dims);
    expect(r.volume.spacingMm[2]).toBeCloseTo(2, 6);
    const plane = 512 * 512;
    const gapK = full.metadata.sourceFiles.findIndex((f) => path.basename(f) === files[10]);
    for (let k = 0; k < 20; k++) {
      const a = r.volume.data.subarray(k * plane, (k + 1) * plane);
      if (k === gapK) {
        const below = full.data.subarray((k - 1) * plane, k * plane);
        const above = full.data.subarray((k + 1) * plane, (k + 2) * plane);
        for (let i = 0; i < plane; i += 997) expect(a[i]).toBe(Math.round(((below[i] as number) + (above[i] as number)) / 2));
      } else {
        expect(Array.from(a.subarray(0, 4096)), `slice ${k}`).toEqual(Array.from(full.data.subarray(k * plane, k * plane + 4096)));
      }
    }
    const kept = await importDicom(dir, { equalizeSpacing: false });
    expect(kept.volume.dims[2]).toBe(19);
  });

  it('cancelling mid-import rejects with ABORTED', async () => {
    const ac = new AbortController();
    const e = await rejection(
      importDicom(dataPath('dicom', 'siemens-abdomen-j2k', 'example_ct_dicom'), {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.stage === 'decode') ac.abort();
        },
      }),
    );
    expect(e.code).toBe('ABORTED');
  });

  it('a missing path is NOT_FOUND', async () => {
    const e = await rejection(importDicom('/nonexistent/cardioseg/folder'));
    expect(e.code).toBe('NOT_FOUND');
  });
});
