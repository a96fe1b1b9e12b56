import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src-shared/errors.js';
import { dataPath, hasShared } from '../../tests/helpers/paths.js';
import { decodeDicomBytes } from './file.js';
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
  // 12-bit, RescaleSlope 2.0002442: measured max 35.63 HU, mean 3.84 HU (gdcmconv: 35.6).
  ['1.2.840.10008.1.2.4.51', 'JPEGProcess2_4TransferSyntax', 36],
  ['1.2.840.10008.1.2.4.53', 'JPEGProcess6_8TransferSyntax', 36],
  ['1.2.840.10008.1.2.4.55', 'JPEGProcess10_12TransferSyntax', 36],
];

const JPEG12: Array<[string, string]> = [
  ['1.2.840.10008.1.2.4.51', 'JPEGProcess2_4TransferSyntax'],
  ['1.2.840.10008.1.2.4.53', 'JPEGProcess6_8TransferSyntax'],
  ['1.2.840.10008.1.2.4.55', 'JPEGProcess10_12TransferSyntax'],
];
const hasDcmdjpeg = spawnSync('dcmdjpeg', ['--version']).status === 0;
const tmps: string[] = [];
afterAll(() => {
  for (const d of tmps) rmSync(d, { recursive: true, force: true });
});

/** dcmtk's IJG decoder as an independent reference: its stored values, via our native path. */
async function viaDcmdjpeg(src: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cardioseg-dcmdjpeg-'));
  tmps.push(dir);
  const out = path.join(dir, 'raw.dcm');
  const r = spawnSync('dcmdjpeg', [src, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dcmdjpeg failed: ${r.stderr}`);
  const ds = parseDicomBytes(readFileSync(out), { headerOnly: false });
  const h = extractHeader(ds, out);
  return Promise.all(Array.from({ length: h.numberOfFrames }, (_, f) => decodeStoredFrame(ds, h, f)));
}

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

  it.each(JPEG12)('12-bit lossy JPEG %s (%s): mean error small, stored values identical to dcmdjpeg', async (ts, name) => {
    const ref = await importDicom(`${dir}/CTImage.dcm`);
    const got = await importDicom(file(ts, name));
    let sum = 0;
    for (let i = 0; i < ref.volume.data.length; i++) sum += Math.abs((ref.volume.data[i] as number) - (got.volume.data[i] as number));
    expect(sum / ref.volume.data.length).toBeLessThan(4); // measured 3.84 HU
    if (!hasDcmdjpeg) {
      console.warn('dcmdjpeg (dcmtk) not installed: exactness against it not checked');
      return;
    }
    const mine = (await stored(file(ts, name))).v;
    const [theirs] = await viaDcmdjpeg(file(ts, name));
    expect(mine).toBeInstanceOf(Uint16Array);
    expect(Array.from(mine)).toEqual(Array.from(theirs as ArrayLike<number>));
  });

  it('enhanced CT, 2 frames of 12-bit JPEG in fragments without offset table: both frames as dcmdjpeg reads them', async () => {
    const f = `${dir}/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm`;
    const ds = parseDicomBytes(readFileSync(f), { headerOnly: false });
    const h = extractHeader(ds, f);
    expect(h.numberOfFrames).toBe(2);
    const frames = [await decodeStoredFrame(ds, h, 0), await decodeStoredFrame(ds, h, 1)];
    expect(frames[0]?.length).toBe(h.rows * h.columns);
    expect(Buffer.compare(Buffer.from(frames[0]!.buffer), Buffer.from(frames[1]!.buffer))).not.toBe(0);
    if (!hasDcmdjpeg) return;
    const theirs = await viaDcmdjpeg(f);
    expect(Array.from(frames[0]!)).toEqual(Array.from(theirs[0] as ArrayLike<number>));
    expect(Array.from(frames[1]!)).toEqual(Array.from(theirs[1] as ArrayLike<number>));
  });

  it('a 12-bit JPEG with a damaged frame fails as a DATA AppError, and the next frame still decodes', async () => {
    const path51 = file('1.2.840.10008.1.2.4.51', 'JPEGProcess2_4TransferSyntax');
    const bytes = new Uint8Array(readFileSync(path51));
    const good = await decodeDicomBytes(bytes, path51);
    // Cut the file in the middle of the JPEG stream: the frame loses its end, GDCM must refuse it.
    const cut = bytes.slice();
    const ds = parseDicomBytes(cut, { headerOnly: false });
    const pd = ds.elements['x7fe00010'];
    cut.fill(0xff, (pd?.dataOffset ?? 0) + 40, (pd?.dataOffset ?? 0) + 200);
    const e = await decodeDicomBytes(cut, 'damaged.dcm').catch((x: unknown) => x);
    expect(isAppError(e) && e.code).toBe('DATA');
    expect((e as Error).message).toMatch(/^damaged\.dcm: /);
    const again = await decodeDicomBytes(bytes, path51);
    expect(Array.from(again.frames[0]!)).toEqual(Array.from(good.frames[0]!));
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
