import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { AppError, type Warning } from '../../../src-shared/errors.js';
import type { Vec3, Volume, VoxelArray } from '../../../src-shared/volume/volume.js';
import { DT, HEADER_SIZE, decodeHeader, type Nifti1Header } from './header.js';
import { geometryFromRasAffine, rowsFromHeader } from './geometry.js';

export interface ParsedNifti {
  volume: Volume;
  header: Nifti1Header;
  /** Which of the header's transforms gave the geometry. */
  transform: 'sform' | 'qform' | 'pixdim';
  warnings: Warning[];
}

const BYTES: Record<number, number> = { [DT.UINT8]: 1, [DT.INT8]: 1, [DT.INT16]: 2, [DT.UINT16]: 2, [DT.INT32]: 4, [DT.UINT32]: 4, [DT.FLOAT32]: 4, [DT.FLOAT64]: 8 };

function readSamples(dv: DataView, datatype: number, n: number, le: boolean): Float64Array | VoxelArray {
  switch (datatype) {
    case DT.UINT8:
      return new Uint8Array(dv.buffer, dv.byteOffset, n).slice();
    case DT.INT8: {
      const o = new Int16Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getInt8(i);
      return o;
    }
    case DT.INT16: {
      const o = new Int16Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getInt16(2 * i, le);
      return o;
    }
    case DT.UINT16: {
      const o = new Uint16Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getUint16(2 * i, le);
      return o;
    }
    case DT.INT32: {
      const o = new Int32Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getInt32(4 * i, le);
      return o;
    }
    case DT.UINT32: {
      const o = new Float64Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getUint32(4 * i, le);
      return o;
    }
    case DT.FLOAT32: {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getFloat32(4 * i, le);
      return o;
    }
    case DT.FLOAT64: {
      const o = new Float64Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getFloat64(8 * i, le);
      return o;
    }
    default:
      throw new AppError('UNSUPPORTED', `NIfTI datatype ${datatype} is not supported`);
  }
}

/** Apply scl_slope/scl_inter; keep an integer array when the scaled values are integers that fit int16. */
function scaleSamples(raw: Float64Array | VoxelArray, slope: number, inter: number): VoxelArray {
  const trivial = !Number.isFinite(slope) || slope === 0 || (slope === 1 && (inter === 0 || !Number.isFinite(inter)));
  if (trivial && !(raw instanceof Float64Array)) return raw;
  const s = trivial ? 1 : slope;
  const b = trivial || !Number.isFinite(inter) ? 0 : inter;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const integral = Number.isInteger(s) && Number.isInteger(b) && !(raw instanceof Float32Array) && !(raw instanceof Float64Array);
  const sLo = Math.min(lo * s + b, hi * s + b);
  const sHi = Math.max(lo * s + b, hi * s + b);
  const out = integral && sLo >= -32768 && sHi <= 32767 ? new Int16Array(raw.length) : integral && sLo >= -2147483648 && sHi <= 2147483647 ? new Int32Array(raw.length) : new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i] * s + b;
  return out;
}

/** Parse .nii bytes (gzipped or not). Only the first 3D volume of a 4D file is returned. */
export function parseNifti(input: Uint8Array): ParsedNifti {
  let bytes = input;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new AppError('DATA', `NIfTI gzip stream is corrupt: ${(e as Error).message}`);
    }
  }
  const header = decodeHeader(bytes);
  const warnings: Warning[] = [];
  if (header.magic !== 'n+1') {
    if (header.magic === 'ni1') throw new AppError('UNSUPPORTED', 'Two-file NIfTI (.hdr/.img) is not supported; convert to .nii');
    warnings.push({ code: 'NIFTI_MAGIC', message: `Unexpected NIfTI magic '${header.magic}'; reading anyway` });
  }
  const rank = header.dim[0];
  if (rank < 1 || rank > 7) throw new AppError('DATA', `Invalid NIfTI dim[0] = ${rank}`);
  const dims: Vec3 = [1, 2, 3].map((k) => (k <= rank ? Math.max(1, header.dim[k]) : 1)) as Vec3;
  let extra = 1;
  for (let k = 4; k <= rank; k++) extra *= Math.max(1, header.dim[k]);
  if (extra > 1) warnings.push({ code: 'NIFTI_4D', message: `File holds ${extra} volumes; only the first is read` });
  const bpv = BYTES[header.datatype];
  if (!bpv) throw new AppError('UNSUPPORTED', `NIfTI datatype ${header.datatype} is not supported`);
  const n = dims[0] * dims[1] * dims[2];
  const offset = Math.max(HEADER_SIZE, Math.round(header.voxOffset));
  if (bytes.length < offset + n * bpv) {
    throw new AppError('DATA', `NIfTI voxel data truncated: need ${offset + n * bpv} bytes, file has ${bytes.length}`);
  }
  // Copy so the DataView is aligned and independent of the (possibly large) gunzip buffer.
  const body = bytes.slice(offset, offset + n * bpv);
  const raw = readSamples(new DataView(body.buffer, body.byteOffset, body.byteLength), header.datatype, n, header.littleEndian);
  const data = scaleSamples(raw, header.sclSlope, header.sclInter);
  const { rows, source } = rowsFromHeader(header);
  if (source === 'pixdim') warnings.push({ code: 'NIFTI_NO_ORIENTATION', message: 'Neither sform nor qform is set; orientation is assumed RAS' });
  const geometry = geometryFromRasAffine(rows, dims);
  const unitsMm = header.xyztUnits & 7;
  if (unitsMm === 1 || unitsMm === 3) {
    // metres or microns: the app is in millimetres.
    const f = unitsMm === 1 ? 1000 : 0.001;
    geometry.spacingMm = geometry.spacingMm.map((s) => s * f) as Vec3;
    geometry.originLps = geometry.originLps.map((s) => s * f) as Vec3;
  }
  return {
    volume: { ...geometry, data, metadata: { source: 'nifti', description: header.descrip, transform: source, warnings } },
    header,
    transform: source,
    warnings,
  };
}

export async function readNiftiDetailed(path: string): Promise<ParsedNifti> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'IO';
    throw new AppError(code, `Cannot read NIfTI file ${path}: ${(e as Error).message}`);
  }
  return parseNifti(bytes);
}

export async function readNifti(path: string): Promise<Volume> {
  return (await readNiftiDetailed(path)).volume;
}
