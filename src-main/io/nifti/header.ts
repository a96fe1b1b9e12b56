import { AppError } from '../../../src-shared/errors.js';

/** NIfTI-1 header fields the app reads or writes (byte offsets from the NIfTI-1 standard). */
export interface Nifti1Header {
  littleEndian: boolean;
  dim: number[]; // 8 entries, dim[0] = rank
  datatype: number;
  bitpix: number;
  pixdim: number[]; // 8 entries, pixdim[0] = qfac
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  xyztUnits: number;
  calMax: number;
  calMin: number;
  descrip: string;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  srow: [number[], number[], number[]];
  intentCode: number;
  intentName: string;
  magic: string;
}

export const HEADER_SIZE = 348;
/** Header + the 4-byte "no extensions" flag that single-file .nii needs. */
export const SINGLE_FILE_OFFSET = 352;

export const DT = {
  UINT8: 2,
  INT16: 4,
  INT32: 8,
  FLOAT32: 16,
  FLOAT64: 64,
  INT8: 256,
  UINT16: 512,
  UINT32: 768,
} as const;

export const BITPIX: Record<number, number> = { 2: 8, 4: 16, 8: 32, 16: 32, 64: 64, 256: 8, 512: 16, 768: 32 };

function readString(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return Buffer.from(b.subarray(off, end)).toString('latin1');
}

function writeString(b: Uint8Array, off: number, len: number, s: string): void {
  const bytes = Buffer.from(s, 'latin1');
  b.set(bytes.subarray(0, len - 1), off);
}

export function decodeHeader(bytes: Uint8Array): Nifti1Header {
  if (bytes.length < HEADER_SIZE) throw new AppError('DATA', `NIfTI file too short for a header (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  let le = true;
  const sizeLe = dv.getInt32(0, true);
  if (sizeLe !== HEADER_SIZE) {
    if (dv.getInt32(0, false) === HEADER_SIZE) le = false;
    else if (sizeLe === 540 || dv.getInt32(0, false) === 540) throw new AppError('UNSUPPORTED', 'NIfTI-2 files are not supported');
    else throw new AppError('DATA', `Not a NIfTI-1 file (sizeof_hdr ${sizeLe})`);
  }
  const i16 = (o: number) => dv.getInt16(o, le);
  const f32 = (o: number) => dv.getFloat32(o, le);
  const dim = Array.from({ length: 8 }, (_, k) => i16(40 + 2 * k));
  const pixdim = Array.from({ length: 8 }, (_, k) => f32(76 + 4 * k));
  const row = (o: number) => [f32(o), f32(o + 4), f32(o + 8), f32(o + 12)];
  return {
    littleEndian: le,
    dim,
    datatype: i16(70),
    bitpix: i16(72),
    pixdim,
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: bytes[123] ?? 0,
    calMax: f32(124),
    calMin: f32(128),
    descrip: readString(bytes, 148, 80),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: [row(280), row(296), row(312)],
    intentCode: i16(68),
    intentName: readString(bytes, 328, 16),
    magic: readString(bytes, 344, 4),
  };
}

/** Always little-endian: every reader handles it and it is what dcm2niix writes. */
export function encodeHeader(h: Omit<Nifti1Header, 'littleEndian' | 'magic'>): Uint8Array {
  const b = new Uint8Array(SINGLE_FILE_OFFSET);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, HEADER_SIZE, true);
  b[38] = 'r'.charCodeAt(0);
  h.dim.forEach((v, k) => dv.setInt16(40 + 2 * k, v, true));
  dv.setInt16(68, h.intentCode, true);
  dv.setInt16(70, h.datatype, true);
  dv.setInt16(72, h.bitpix, true);
  h.pixdim.forEach((v, k) => dv.setFloat32(76 + 4 * k, v, true));
  dv.setFloat32(108, h.voxOffset, true);
  dv.setFloat32(112, h.sclSlope, true);
  dv.setFloat32(116, h.sclInter, true);
  b[123] = h.xyztUnits;
  dv.setFloat32(124, h.calMax, true);
  dv.setFloat32(128, h.calMin, true);
  writeString(b, 148, 80, h.descrip);
  dv.setInt16(252, h.qformCode, true);
  dv.setInt16(254, h.sformCode, true);
  h.quatern.forEach((v, k) => dv.setFloat32(256 + 4 * k, v, true));
  h.qoffset.forEach((v, k) => dv.setFloat32(268 + 4 * k, v, true));
  h.srow.forEach((r, ri) => r.forEach((v, k) => dv.setFloat32(280 + 16 * ri + 4 * k, v, true)));
  writeString(b, 328, 16, h.intentName);
  writeString(b, 344, 4, 'n+1');
  // Bytes 348..351 stay zero: "no extensions follow".
  return b;
}
