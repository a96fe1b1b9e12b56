import { gzipSync } from 'node:zlib';
import { AppError } from '../../../src-shared/errors.js';
import { voxelCount, type Volume, type VoxelArray } from '../../../src-shared/volume/volume.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { BITPIX, DT, SINGLE_FILE_OFFSET, encodeHeader } from './header.js';
import { rasAffineOf, rotationToQuatern } from './geometry.js';

export interface WriteNiftiOptions {
  /** Up to 79 latin-1 characters, stored in `descrip`. */
  description?: string;
  /** Force gzip on/off; by default follows the file name (.nii.gz). */
  gzip?: boolean;
}

function datatypeOf(a: VoxelArray): number {
  if (a instanceof Uint8Array) return DT.UINT8;
  if (a instanceof Int16Array) return DT.INT16;
  if (a instanceof Uint16Array) return DT.UINT16;
  if (a instanceof Int32Array) return DT.INT32;
  return DT.FLOAT32;
}

function littleEndianBytes(a: VoxelArray): Uint8Array {
  const view = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return view;
  // Big-endian host (none we ship on, but cheap to be right).
  const out = new Uint8Array(view.length);
  const w = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < view.length; i += w) for (let k = 0; k < w; k++) out[i + k] = view[i + w - 1 - k];
  return out;
}

/** Encode a Volume as a single-file NIfTI-1 (.nii bytes, uncompressed). */
export function encodeNifti(volume: Volume, opts: WriteNiftiOptions = {}): Uint8Array {
  const n = voxelCount(volume.dims);
  if (volume.data.length !== n) throw new AppError('VALIDATION', `Volume data length ${volume.data.length} does not match dims ${volume.dims.join('x')}`);
  const rows = rasAffineOf(volume);
  const { quatern, qfac } = rotationToQuatern(rows);
  const datatype = datatypeOf(volume.data);
  const calMin = 0;
  let calMax = 0;
  if (volume.data instanceof Uint8Array) {
    // Label maps: a viewer's default window then shows every class id.
    for (let i = 0; i < n; i++) if (volume.data[i] > calMax) calMax = volume.data[i];
  }
  const header = encodeHeader({
    dim: [3, volume.dims[0], volume.dims[1], volume.dims[2], 1, 1, 1, 1],
    datatype,
    bitpix: BITPIX[datatype],
    pixdim: [qfac, volume.spacingMm[0], volume.spacingMm[1], volume.spacingMm[2], 0, 0, 0, 0],
    voxOffset: SINGLE_FILE_OFFSET,
    sclSlope: 1,
    sclInter: 0,
    xyztUnits: 2, // millimetres
    calMax,
    calMin,
    descrip: (opts.description ?? 'CardioSeg').slice(0, 79),
    qformCode: 1, // scanner anatomical
    sformCode: 1,
    quatern,
    qoffset: [rows[0][3], rows[1][3], rows[2][3]],
    srow: rows,
    intentCode: 0,
    intentName: '',
  });
  const body = littleEndianBytes(volume.data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

export async function writeNifti(path: string, volume: Volume, opts: WriteNiftiOptions = {}): Promise<void> {
  const raw = encodeNifti(volume, opts);
  const gz = opts.gzip ?? path.toLowerCase().endsWith('.gz');
  await writeFileAtomic(path, gz ? gzipSync(raw, { level: 6 }) : raw);
}
