import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { RleDecoder } from 'dicom-rle';
import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { TEST_OUTPUT } from '../../../tests/helpers/paths.js';
import { derivedUid, formatDS, randomUid, rleEncodeFrame16, tag, TRANSFER_SYNTAX_NAMES, TRANSFER_SYNTAXES, unpackBits, writeCtSeries, type TransferSyntaxName } from './index.js';

const OUT = path.join(TEST_OUTPUT, 'dicom-writer');

function volume(direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1]): Volume<Int16Array> {
  const dims: Vec3 = [20, 14, 3];
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  // Runs (for RLE), negative HU, values above 255 and a gradient.
  for (let i = 0; i < data.length; i++) data[i] = i % 20 < 8 ? -1000 : i % 7 === 0 ? 1500 : ((i * 37) % 1400) - 300;
  return { dims, spacingMm: [0.7, 0.9, 1.25], originLps: [-60.5, 22.25, -140], direction, data };
}

function parse(file: string): dicomParser.DataSet {
  return dicomParser.parseDicom(readFileSync(file));
}

function storedPixels(ds: dicomParser.DataSet, ts: TransferSyntaxName, rows: number, cols: number): Int16Array {
  const el = ds.elements.x7fe00010;
  if (ts === 'rle') {
    const frame = dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, el.fragments!.length);
    // dicom-rle ignores byteOffset, and Buffer.slice is a view: copy.
    const bytes = new RleDecoder().decode(new Uint8Array(frame), { width: cols, height: rows, bitsAllocated: 16, samplesPerPixel: 1 });
    return new Int16Array(bytes.buffer, bytes.byteOffset, rows * cols);
  }
  const dv = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, el.length);
  const out = new Int16Array(rows * cols);
  for (let p = 0; p < out.length; p++) out[p] = dv.getInt16(2 * p, ts !== 'big-endian');
  return out;
}

describe('DICOM CT series writer', () => {
  for (const ts of TRANSFER_SYNTAX_NAMES) {
    it(`writes ${ts}: transfer syntax, geometry tags and HU-mapped pixels read back exactly`, async () => {
      const v = volume();
      const dir = path.join(OUT, ts);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const r = await writeCtSeries(dir, v, { transferSyntax: ts, uidSeed: 'writer-test' });
      expect(r.files).toHaveLength(3);
      for (let k = 0; k < 3; k++) {
        const ds = parse(r.files[k]);
        expect(ds.string('x00020010')).toBe(TRANSFER_SYNTAXES[ts].uid);
        expect(ds.string('x00080016')).toBe('1.2.840.10008.5.1.4.1.1.2');
        expect(ds.string('x00080018')).toBe(r.sopInstanceUids[k]);
        expect(ds.string('x00020003')).toBe(r.sopInstanceUids[k]);
        expect(ds.string('x0020000e')).toBe(r.seriesInstanceUid);
        expect(ds.string('x00200052')).toBe(r.frameOfReferenceUid);
        expect(ds.uint16('x00280010')).toBe(14);
        expect(ds.uint16('x00280011')).toBe(20);
        const ipp = [0, 1, 2].map((n) => ds.floatString('x00200032', n));
        expect(ipp).toEqual([-60.5, 22.25, -140 + 1.25 * k]);
        expect([0, 1, 2, 3, 4, 5].map((n) => ds.floatString('x00200037', n))).toEqual([1, 0, 0, 0, 1, 0]);
        expect([ds.floatString('x00280030', 0), ds.floatString('x00280030', 1)]).toEqual([0.9, 0.7]);
        expect(ds.floatString('x00180050')).toBe(1.25);
        const slope = ds.floatString('x00281053');
        const intercept = ds.floatString('x00281052');
        const stored = storedPixels(ds, ts, 14, 20);
        const hu = Array.from(stored, (s) => s * (slope ?? 1) + (intercept ?? 0));
        expect(hu).toEqual(Array.from(v.data.subarray(k * 280, (k + 1) * 280)));
      }
    });
  }

  it('encodes oblique orientation and slice positions along the slice normal', async () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const dir: Mat3 = [c, s, 0, -s, c, 0, 0, 0, 1];
    const r = await writeCtSeries(path.join(OUT, 'oblique'), volume(dir), { uidSeed: 'oblique' });
    const ds = parse(r.files[2]);
    const iop = [0, 1, 2, 3, 4, 5].map((n) => ds.floatString('x00200037', n) as number);
    iop.forEach((x, n) => expect(x).toBeCloseTo(dir[n], 12));
    expect(ds.floatString('x00200032', 2)).toBeCloseTo(-140 + 2.5, 10);
  });

  it('adds extra elements (overrides win) and encodes sequences in every syntax', async () => {
    const extra = [
      { tag: tag(0x0008, 0x103e), vr: 'LO' as const, value: 'Overridden description' },
      {
        tag: tag(0x0008, 0x1140),
        vr: 'SQ' as const,
        value: [
          [
            { tag: tag(0x0008, 0x1150), vr: 'UI' as const, value: '1.2.840.10008.5.1.4.1.1.2' },
            { tag: tag(0x0008, 0x1155), vr: 'UI' as const, value: '2.25.12345' },
          ],
        ],
      },
    ];
    for (const ts of ['explicit-le', 'implicit-le', 'big-endian'] as const) {
      const r = await writeCtSeries(path.join(OUT, `extra-${ts}`), volume(), { transferSyntax: ts, extraElements: extra });
      const ds = parse(r.files[0]);
      expect(ds.string('x0008103e')).toBe('Overridden description');
      const items = ds.elements.x00081140.items!;
      expect(items).toHaveLength(1);
      expect(items[0].dataSet!.string('x00081155')).toBe('2.25.12345');
      // The pixel data after the sequence still parses.
      expect(ds.elements.x7fe00010.length).toBe(20 * 14 * 2);
    }
  });

  it('makes reproducible UIDs from a seed and unique ones without, all valid 2.25 UIDs', () => {
    expect(derivedUid('a', 'series')).toBe(derivedUid('a', 'series'));
    expect(derivedUid('a', 'series')).not.toBe(derivedUid('b', 'series'));
    const uids = new Set(Array.from({ length: 200 }, () => randomUid()));
    expect(uids.size).toBe(200);
    for (const u of [...uids, derivedUid('x', 'y')]) {
      expect(u).toMatch(/^2\.25\.(0|[1-9][0-9]*)$/);
      expect(u.length).toBeLessThanOrEqual(64);
    }
  });

  it('formats DS values within 16 characters with ~1e-10 relative precision', () => {
    for (const x of [0.1234567890123456, -123.45678901234, 1e-20, 98765.4321012345, -0.7071067811865476, 3]) {
      const s = formatDS(x);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(Math.abs(x) * 1e-10 + 1e-12);
    }
  });

  it('PackBits encodes rows separately and round-trips (checked with dicom-rle and our decoder)', () => {
    const rows = 5;
    const cols = 300;
    const px = new Int16Array(rows * cols);
    for (let p = 0; p < px.length; p++) px[p] = p < 400 ? 7 : p % 3 === 0 ? -5 : (p * 7919) % 30000;
    const frame = rleEncodeFrame16(px, rows, cols);
    const dv = new DataView(frame.buffer, frame.byteOffset);
    expect(dv.getUint32(0, true)).toBe(2);
    expect(dv.getUint32(4, true)).toBe(64);
    const seg2 = dv.getUint32(8, true);
    expect(seg2 % 2).toBe(0);
    const hi = unpackBits(frame.subarray(64, seg2), rows * cols);
    const lo = unpackBits(frame.subarray(seg2), rows * cols);
    for (let p = 0; p < px.length; p++) expect((hi[p] << 8) | lo[p]).toBe(px[p] & 0xffff);
    const decoded = new RleDecoder().decode(frame, { width: cols, height: rows, bitsAllocated: 16, samplesPerPixel: 1 });
    expect(Array.from(new Int16Array(decoded.buffer, decoded.byteOffset, px.length))).toEqual(Array.from(px));
    // A constant row of 300 compresses to replicate runs, never crossing into the next row.
    expect(frame.length).toBeLessThan(64 + 2 * rows * cols);
  });

  it('rejects non-Int16 data and sheared grids with AppErrors', async () => {
    const v = volume();
    await expect(writeCtSeries(path.join(OUT, 'bad'), { ...v, data: new Float32Array(v.data.length) } as unknown as Volume<Int16Array>)).rejects.toMatchObject({ code: 'VALIDATION' });
    const sheared: Mat3 = [1, 0, 0, 0, 1, 0, 0, Math.SQRT1_2, Math.SQRT1_2];
    await expect(writeCtSeries(path.join(OUT, 'bad'), { ...v, direction: sheared })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
