import { deflateRawSync } from 'node:zlib';
import { AppError } from '../../../src-shared/errors.js';
import { ByteSink } from './rle.js';
import type { TransferSyntax } from './transfer-syntax.js';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './uids.js';

export type Vr = 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'OB' | 'OW' | 'PN' | 'SH' | 'SQ' | 'SS' | 'ST' | 'TM' | 'UI' | 'UL' | 'US' | 'UT';

/** Encapsulated pixel data: one fragment per frame, empty basic offset table allowed. */
export interface Encapsulated {
  fragments: Uint8Array[];
}

export type ElementValue = string | string[] | number | number[] | Uint8Array | Int16Array | Uint16Array | Encapsulated | DataElement[][];

export interface DataElement {
  /** (group << 16) | element */
  tag: number;
  vr: Vr;
  value: ElementValue;
}

const LONG_VRS = new Set<Vr>(['OB', 'OW', 'SQ', 'UT']);
const UNDEFINED_LENGTH = 0xffffffff;

export const tag = (group: number, element: number): number => ((group << 16) | element) >>> 0;

/** DS values are limited to 16 characters; keep as many significant digits as fit. */
export function formatDS(x: number): string {
  if (!Number.isFinite(x)) throw new AppError('VALIDATION', `DS value must be finite, got ${x}`);
  const clean = Math.abs(x) < 1e-12 ? 0 : x;
  let s = String(clean);
  for (let p = 15; s.length > 16 && p > 0; p--) s = String(Number(clean.toPrecision(p)));
  if (s.length > 16) s = clean.toExponential(8);
  return s;
}

function stringBytes(vr: Vr, v: string | string[] | number | number[]): Uint8Array {
  const parts = Array.isArray(v) ? v : [v];
  const text = parts.map((p) => (typeof p === 'number' ? (vr === 'DS' ? formatDS(p) : String(Math.round(p))) : p)).join('\\');
  const raw = Buffer.from(text, 'latin1');
  if (raw.length % 2 === 0) return raw;
  const padded = Buffer.alloc(raw.length + 1, vr === 'UI' ? 0 : 0x20);
  raw.copy(padded);
  return padded;
}

function numberBytes(vr: 'US' | 'UL' | 'SS', v: number | number[], le: boolean): Uint8Array {
  const arr = Array.isArray(v) ? v : [v];
  const w = vr === 'UL' ? 4 : 2;
  const out = new Uint8Array(arr.length * w);
  const dv = new DataView(out.buffer);
  arr.forEach((x, k) => {
    if (vr === 'US') dv.setUint16(k * w, x, le);
    else if (vr === 'SS') dv.setInt16(k * w, x, le);
    else dv.setUint32(k * w, x, le);
  });
  return out;
}

function wordBytes(a: Int16Array | Uint16Array, le: boolean): Uint8Array {
  const out = new Uint8Array(a.length * 2);
  const dv = new DataView(out.buffer);
  for (let k = 0; k < a.length; k++) dv.setUint16(2 * k, a[k] & 0xffff, le);
  return out;
}

function writeHeader(out: ByteSink, t: number, vr: Vr, length: number, ts: Pick<TransferSyntax, 'explicitVr' | 'littleEndian'>): void {
  const h = new Uint8Array(12);
  const dv = new DataView(h.buffer);
  const le = ts.littleEndian;
  dv.setUint16(0, t >>> 16, le);
  dv.setUint16(2, t & 0xffff, le);
  let n: number;
  if (!ts.explicitVr) {
    dv.setUint32(4, length, le);
    n = 8;
  } else if (LONG_VRS.has(vr)) {
    h[4] = vr.charCodeAt(0);
    h[5] = vr.charCodeAt(1);
    dv.setUint32(8, length, le);
    n = 12;
  } else {
    if (length > 0xffff) throw new AppError('VALIDATION', `Value of ${t.toString(16)} (${vr}) too long for a 16-bit length`);
    h[4] = vr.charCodeAt(0);
    h[5] = vr.charCodeAt(1);
    dv.setUint16(6, length, le);
    n = 8;
  }
  out.pushRange(h, 0, n);
}

function writeItemTag(out: ByteSink, t: number, length: number, le: boolean): void {
  const h = new Uint8Array(8);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, t >>> 16, le);
  dv.setUint16(2, t & 0xffff, le);
  dv.setUint32(4, length, le);
  out.pushRange(h, 0, 8);
}

function padEven(b: Uint8Array): Uint8Array {
  if (b.length % 2 === 0) return b;
  const p = new Uint8Array(b.length + 1);
  p.set(b);
  return p;
}

function valueBytes(e: DataElement, ts: Pick<TransferSyntax, 'explicitVr' | 'littleEndian'>): Uint8Array {
  const v = e.value;
  if (v instanceof Int16Array || v instanceof Uint16Array) return wordBytes(v, ts.littleEndian);
  if (v instanceof Uint8Array) return padEven(v);
  if (e.vr === 'US' || e.vr === 'UL' || e.vr === 'SS') return numberBytes(e.vr, v as number | number[], ts.littleEndian);
  return stringBytes(e.vr, v as string | string[] | number | number[]);
}

/** Encode elements (sorted here by tag) in the given syntax. */
export function encodeElements(elements: DataElement[], ts: Pick<TransferSyntax, 'explicitVr' | 'littleEndian'>, out = new ByteSink(4096)): ByteSink {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].tag === sorted[k - 1].tag) throw new AppError('INTERNAL', `Duplicate DICOM tag ${sorted[k].tag.toString(16)}`);
  }
  for (const e of sorted) {
    const v = e.value;
    if (e.vr === 'SQ') {
      // Defined-length items inside an undefined-length sequence: simple and accepted everywhere.
      writeHeader(out, e.tag, 'SQ', UNDEFINED_LENGTH, ts);
      for (const item of v as DataElement[][]) {
        const body = encodeElements(item, ts).bytes();
        writeItemTag(out, tag(0xfffe, 0xe000), body.length, ts.littleEndian);
        out.pushRange(body, 0, body.length);
      }
      writeItemTag(out, tag(0xfffe, 0xe0dd), 0, ts.littleEndian);
    } else if (typeof v === 'object' && v !== null && 'fragments' in v) {
      writeHeader(out, e.tag, 'OB', UNDEFINED_LENGTH, ts);
      writeItemTag(out, tag(0xfffe, 0xe000), 0, ts.littleEndian); // empty basic offset table
      for (const f of v.fragments) {
        const padded = padEven(f);
        writeItemTag(out, tag(0xfffe, 0xe000), padded.length, ts.littleEndian);
        out.pushRange(padded, 0, padded.length);
      }
      writeItemTag(out, tag(0xfffe, 0xe0dd), 0, ts.littleEndian);
    } else {
      const bytes = valueBytes(e, ts);
      writeHeader(out, e.tag, e.vr, bytes.length, ts);
      out.pushRange(bytes, 0, bytes.length);
    }
  }
  return out;
}

/** A complete Part-10 file: preamble, DICM, group 0002 (always explicit LE), then the dataset. */
export function encodePart10(dataset: DataElement[], sopClassUid: string, sopInstanceUid: string, ts: TransferSyntax): Uint8Array {
  const meta: DataElement[] = [
    { tag: tag(0x0002, 0x0001), vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: tag(0x0002, 0x0002), vr: 'UI', value: sopClassUid },
    { tag: tag(0x0002, 0x0003), vr: 'UI', value: sopInstanceUid },
    { tag: tag(0x0002, 0x0010), vr: 'UI', value: ts.uid },
    { tag: tag(0x0002, 0x0012), vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
    { tag: tag(0x0002, 0x0013), vr: 'SH', value: IMPLEMENTATION_VERSION_NAME },
  ];
  const metaLe = { explicitVr: true, littleEndian: true };
  const metaBody = encodeElements(meta, metaLe).bytes();
  const groupLength = encodeElements([{ tag: tag(0x0002, 0x0000), vr: 'UL', value: metaBody.length }], metaLe).bytes();
  let body = encodeElements(dataset, ts, new ByteSink(1 << 16)).bytes();
  if (ts.deflated) {
    body = deflateRawSync(body, { level: 6 });
    // PS3.5 A.5: an odd-length deflated stream gets one trailing NUL.
    body = padEven(body);
  }
  const out = new Uint8Array(132 + groupLength.length + metaBody.length + body.length);
  out.set(Buffer.from('DICM', 'latin1'), 128);
  out.set(groupLength, 132);
  out.set(metaBody, 132 + groupLength.length);
  out.set(body, 132 + groupLength.length + metaBody.length);
  return out;
}
