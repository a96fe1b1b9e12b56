import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src-shared/errors.js';
import { dataPath, hasShared } from '../../tests/helpers/paths.js';
import { extractHeader } from './header.js';
import { importDicom } from './index.js';
import { parseDicomBytes } from './parse.js';
import { decodeStoredFrame } from './pixels.js';

const dir = dataPath('dicom', 'ct-transfer-syntaxes', 'testImages');
const file = (ts: string, name: string) => `${dir}/CTImage.dcm_${name}_${ts}.dcm`;

async function stored(path: string) {
  const ds = parseDicomBytes(readFileSync(path), { headerOnly: false });
  const h = extractHeader(ds, path);
  return { h, v: await decodeStoredFrame(ds, h, 0) };
}

const LOSSLESS: Array<[string, string]> = [
  ['1.2.840.10008.1.2', 'LittleEndianImplicitTransferSyntax'],
  ['1.2.840.10008.1.2.1', 'LittleEndianExplicitTransferSyntax'],
  ['1.2.840.10008.1.2.2', 'BigEndianExplicitTransferSyntax'],
  ['1.2.840.10008.1.2.1.99', 'DeflatedExplicitVRLittleEndianTransferSyntax'],
  ['1.2.840.10008.1.2.4.57', 'JPEGProcess14TransferSyntax'],
  ['1.2.840.10008.1.2.4.70', 'JPEGProcess14SV1TransferSyntax'],
  ['1.2.840.10008.1.2.4.80', 'JPEGLSLosslessTransferSyntax'],
  ['1.2.840.10008.1.2.4.90', 'JPEG2000LosslessOnlyTransferSyntax'],
  ['1.2.840.10008.1.2.5', 'RLELosslessTransferSyntax'],
];

// Tolerances are the measured gdcm-vs-original differences (MANIFEST.txt) rounded up.
const LOSSY: Array<[string, string, number]> = [
  ['1.2.840.10008.1.2.4.81', 'JPEGLSLossyTransferSyntax', 1],
  ['1.2.840.10008.1.2.4.91', 'JPEG2000TransferSyntax', 5],
  ['1.2.840.10008.1.2.4.50', 'JPEGProcess1TransferSyntax', 65],
];

describe.skipIf(!hasShared)('ct-transfer-syntaxes: one CT slice in every transfer syntax', () => {
  it.each(LOSSLESS)('%s decodes to exactly the stored values of CTImage.dcm', async (ts, name) => {
    const ref = await stored(`${dir}/CTImage.dcm`);
    const got = await stored(file(ts, name));
    expect(got.h.transferSyntax).toBe(ts);
    expect(got.v.length).toBe(512 * 512);
    let diff = 0;
    for (let i = 0; i < got.v.length; i++) if (got.v[i] !== ref.v[i]) diff++;
    expect(diff).toBe(0);
  });

  it.each(LOSSY)('%s (%s) is within %i HU of the original, same HU range', async (ts, name, tol) => {
    const ref = await importDicom(`${dir}/CTImage.dcm`);
    const got = await importDicom(file(ts, name));
    expect(got.chosen.transferSyntaxUids).toEqual([ts]);
    const a = ref.volume.data;
    const b = got.volume.data;
    let max = 0;
    let minB = Infinity;
    let maxB = -Infinity;
    for (let i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
      minB = Math.min(minB, b[i] as number);
      maxB = Math.max(maxB, b[i] as number);
    }
    expect(max).toBeLessThanOrEqual(tol);
    expect(max).toBeGreaterThan(0); // really lossy: proves the lossy file was decoded, not the reference
    expect(minB).toBeGreaterThanOrEqual(-3024 - tol);
    expect(maxB).toBeLessThanOrEqual(1378 + tol);
  });

  it('the original decodes to HU -3024..1378 as Int16', async () => {
    const r = await importDicom(`${dir}/CTImage.dcm`);
    expect(r.volume.data).toBeInstanceOf(Int16Array);
    let min = Infinity;
    let max = -Infinity;
    for (const x of r.volume.data) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect([min, max]).toEqual([-3024, 1378]);
    expect(r.volume.metadata.units).toBe('HU');
    expect(r.warnings.map((w) => w.code)).toContain('ONE_SLICE');
  });

  it.each([
    ['1.2.840.10008.1.2.4.51', 'JPEGProcess2_4TransferSyntax'],
    ['1.2.840.10008.1.2.4.53', 'JPEGProcess6_8TransferSyntax'],
    ['1.2.840.10008.1.2.4.55', 'JPEGProcess10_12TransferSyntax'],
  ])('12-bit lossy JPEG %s is refused with UNSUPPORTED naming the syntax, never wrong pixels', async (ts, name) => {
    const err = await importDicom(file(ts, name)).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('UNSUPPORTED');
    expect((err as Error).message).toContain(ts);
  });

  it('GE and Toshiba JPEG 2000 lossless files decode to plausible HU', async () => {
    for (const f of ['CT1_J2KR', 'CT2_J2KR']) {
      const r = await importDicom(`${dir}/${f}`);
      let min = Infinity;
      let max = -Infinity;
      for (const x of r.volume.data) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      expect(min).toBeGreaterThanOrEqual(-3072);
      expect(min).toBeLessThan(-900);
      expect(max).toBeGreaterThan(200);
      expect(max).toBeLessThan(4096);
    }
  });
});
