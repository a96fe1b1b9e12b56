import dicomParser, { type DataSet } from 'dicom-parser';
import { AppError, toAppError } from '../../src-shared/errors.js';

export const PIXEL_DATA = 'x7fe00010';
export const FLOAT_PIXEL_DATA = 'x7fe00008';
export const DOUBLE_PIXEL_DATA = 'x7fe00009';

export const TS = {
  IMPLICIT_LE: '1.2.840.10008.1.2',
  EXPLICIT_LE: '1.2.840.10008.1.2.1',
  DEFLATED_LE: '1.2.840.10008.1.2.1.99',
  EXPLICIT_BE: '1.2.840.10008.1.2.2',
  RLE: '1.2.840.10008.1.2.5',
} as const;

/**
 * Parse a DICOM byte array. dicom-parser throws strings, Errors and `{exception, dataSet}`
 * objects; every one becomes an AppError('DATA'). Part 10 files and bare datasets (no preamble,
 * implicit LE) are both accepted, like DCMTK does.
 */
export function parseDicomBytes(bytes: Uint8Array, opts: { headerOnly: boolean }): DataSet {
  // Deflate needs a Node Buffer (dicom-parser calls zlib on it): a plain Uint8Array would fail.
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const options = opts.headerOnly ? { untilTag: PIXEL_DATA } : {};
  try {
    return dicomParser.parseDicom(buf, options);
  } catch (e) {
    if (!hasDicmMagic(buf) && looksLikeBareDataset(buf)) {
      try {
        const ds = parseBareImplicit(buf, options);
        if (ds) return ds;
      } catch {
        // fall through to the original error, which names the real problem
      }
    }
    const err = toAppError(e, 'DATA');
    throw new AppError('DATA', `Not a readable DICOM file: ${err.message}`);
  }
}

export function hasDicmMagic(b: Uint8Array): boolean {
  return b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;
}

/** A dataset without preamble starts with a group 0008 (or 0002) element in little endian. */
function looksLikeBareDataset(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  const group = b[0] | (b[1] << 8);
  return group === 0x0008 || group === 0x0002;
}

function parseBareImplicit(buf: Buffer, options: { untilTag?: string }): DataSet | null {
  const explicit = /^[A-Z]{2}$/.test(String.fromCharCode(buf[4] ?? 0, buf[5] ?? 0));
  const ds = dicomParser.parseDicom(buf, { ...options, TransferSyntaxUID: explicit ? TS.EXPLICIT_LE : TS.IMPLICIT_LE });
  // A bare dataset must at least name its SOP instance to count as DICOM.
  if (!ds.string('x00080018') && !ds.string('x00080016')) return null;
  return ds;
}

export function transferSyntaxOf(ds: DataSet): string {
  return (ds.string('x00020010') ?? TS.IMPLICIT_LE).replace(/\0/g, '').trim();
}

export const str = (ds: DataSet, tag: string, index?: number): string => (ds.string(tag, index) ?? '').trim();

export function num(ds: DataSet, tag: string, index?: number): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const v = ds.floatString(tag, index);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** DS/IS multi-value as numbers; undefined unless exactly `n` finite values. */
export function nums(ds: DataSet, tag: string, n: number): number[] | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return undefined;
    out.push(v);
  }
  return out;
}

export function us(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2) return undefined;
  return ds.uint16(tag);
}

/** First item of a sequence, or undefined. */
export function item(ds: DataSet | undefined, tag: string, index = 0): DataSet | undefined {
  return ds?.elements[tag]?.items?.[index]?.dataSet;
}
