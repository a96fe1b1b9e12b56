import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { AppError, toAppError } from '../../src-shared/errors.js';
import type { DicomHeader } from './header.js';
import { decodeJpeg12 } from './jpeg12.js';
import { decodeHtj2k, decodeJ2k, decodeJpeg8, decodeJpegLossless, decodeJpegLs, decodeRle, jpegFrameHeader, type Decoded } from './codecs.js';
import { PIXEL_DATA, TS } from './parse.js';

export type StoredArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

const NATIVE = new Set<string>([TS.IMPLICIT_LE, TS.EXPLICIT_LE, TS.DEFLATED_LE, TS.EXPLICIT_BE, '1.2.840.10008.1.2.1.98']);
const JPEG_LOSSY = new Set(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.53', '1.2.840.10008.1.2.4.55']);
const JPEG_LOSSLESS = new Set(['1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.14']);
const JPEG_LS = new Set(['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81']);
const J2K = new Set(['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.92', '1.2.840.10008.1.2.4.93']);
const HTJ2K = new Set(['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203']);

export const SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.53': 'JPEG Spectral Selection (Process 6 & 8)',
  '1.2.840.10008.1.2.4.55': 'JPEG Full Progression (Process 10 & 12)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1 (Process 14, selection value 1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K Lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};
export const syntaxName = (uid: string): string => `${SYNTAX_NAMES[uid] ?? 'unknown transfer syntax'} (${uid})`;

/** A plain Uint8Array view: Buffer#slice does not copy, and some codecs read `.buffer` from 0. */
const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The encoded (or native) bytes of one frame. */
function frameBytes(ds: DataSet, h: DicomHeader, frame: number): Uint8Array {
  const el = ds.elements[PIXEL_DATA];
  if (!el) throw new AppError('DATA', 'The file has no PixelData (truncated, or not an image)');
  if (el.encapsulatedPixelData) return plain(encapsulatedFrame(ds, el, h, frame));
  const bytesPerFrame = (h.rows * h.columns * h.samplesPerPixel * h.bitsAllocated) / 8;
  const start = el.dataOffset + frame * bytesPerFrame;
  const have = Math.min(el.length, ds.byteArray.length - el.dataOffset);
  if ((frame + 1) * bytesPerFrame > have) {
    throw new AppError('DATA', `PixelData is truncated: frame ${frame + 1} needs ${bytesPerFrame} bytes, ${Math.max(0, have - frame * bytesPerFrame)} present`);
  }
  return plain(ds.byteArray.subarray(start, start + bytesPerFrame));
}

function encapsulatedFrame(ds: DataSet, el: Element, h: DicomHeader, frame: number): Uint8Array {
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new AppError('DATA', 'Encapsulated PixelData has no fragments');
  try {
    if (h.numberOfFrames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
    if (el.basicOffsetTable && el.basicOffsetTable.length > 0) return dicomParser.readEncapsulatedImageFrame(ds, el, frame);
    // RLE: one fragment per frame; createJPEGBasicOffsetTable only understands JPEG markers.
    if (h.transferSyntax === TS.RLE || fragments.length === h.numberOfFrames) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frame, 1);
    }
    const bot = dicomParser.createJPEGBasicOffsetTable(ds, el);
    return dicomParser.readEncapsulatedImageFrame(ds, el, frame, bot);
  } catch (e) {
    throw new AppError('DATA', `Cannot read frame ${frame + 1} of the encapsulated PixelData: ${toAppError(e, 'DATA').message}`);
  }
}

function viewAs(bytes: Uint8Array, bitsAllocated: number, signed: boolean): StoredArray {
  // Typed arrays need aligned offsets; copy when the slice starts on an odd byte.
  const aligned = bytes.byteOffset % Math.max(1, bitsAllocated / 8) === 0 ? bytes : bytes.slice();
  const n = aligned.byteLength;
  if (bitsAllocated === 8) return signed ? new Int8Array(aligned.buffer, aligned.byteOffset, n) : aligned;
  if (bitsAllocated === 16) return signed ? new Int16Array(aligned.buffer, aligned.byteOffset, n >> 1) : new Uint16Array(aligned.buffer, aligned.byteOffset, n >> 1);
  if (bitsAllocated === 32) return signed ? new Int32Array(aligned.buffer, aligned.byteOffset, n >> 2) : new Uint32Array(aligned.buffer, aligned.byteOffset, n >> 2);
  throw new AppError('UNSUPPORTED', `BitsAllocated ${bitsAllocated} is not supported for images`);
}

/**
 * Keep only the BitsStored bits and sign-extend them: bits above HighBit may hold overlays or
 * garbage. Done in place on a private copy.
 */
function maskStored(a: StoredArray, bitsStored: number, bitsAllocated: number, signed: boolean): StoredArray {
  if (bitsStored >= bitsAllocated || bitsStored <= 0) return a;
  const shift = 32 - bitsStored;
  const out = a.slice();
  for (let i = 0; i < out.length; i++) {
    const v = out[i] as number;
    out[i] = signed ? ((v << shift) >> shift) : (v << shift) >>> shift;
  }
  return out;
}

function checkSize(d: Decoded, h: DicomHeader, codec: string): void {
  if (d.info.width !== h.columns || d.info.height !== h.rows) {
    throw new AppError('DATA', `${codec} frame is ${d.info.width}x${d.info.height} but the header says ${h.columns}x${h.rows}`);
  }
  if (d.info.componentCount !== h.samplesPerPixel) {
    throw new AppError('DATA', `${codec} frame has ${d.info.componentCount} components but SamplesPerPixel is ${h.samplesPerPixel}`);
  }
}

/**
 * Decode one frame to its stored values (before rescale), `rows*columns*samplesPerPixel` long.
 * A syntax without an exact decoder is an UNSUPPORTED error naming it, never wrong pixels.
 */
export async function decodeStoredFrame(ds: DataSet, h: DicomHeader, frame: number): Promise<StoredArray> {
  const ts = h.transferSyntax;
  const signed = h.pixelRepresentation === 1;
  const npx = h.rows * h.columns * h.samplesPerPixel;
  if (h.rows <= 0 || h.columns <= 0) throw new AppError('DATA', 'Rows/Columns missing or zero');
  if (![8, 16, 32].includes(h.bitsAllocated)) throw new AppError('UNSUPPORTED', `BitsAllocated ${h.bitsAllocated} is not supported for images`);
  const raw = frameBytes(ds, h, frame);
  let out: StoredArray;
  if (NATIVE.has(ts)) {
    let bytes = raw;
    if (ts === TS.EXPLICIT_BE && h.bitsAllocated > 8) {
      bytes = raw.slice();
      const w = h.bitsAllocated / 8;
      for (let i = 0; i + w <= bytes.length; i += w) {
        for (let a = i, b = i + w - 1; a < b; a++, b--) {
          const t = bytes[a] as number;
          bytes[a] = bytes[b] as number;
          bytes[b] = t;
        }
      }
    }
    out = maskStored(viewAs(bytes, h.bitsAllocated, signed), h.bitsStored, h.bitsAllocated, signed);
  } else if (ts === TS.RLE) {
    const bytes = decodeRle(raw, { width: h.columns, height: h.rows, bitsAllocated: h.bitsAllocated, samplesPerPixel: h.samplesPerPixel, planarConfiguration: h.planarConfiguration });
    out = maskStored(viewAs(bytes, h.bitsAllocated, signed), h.bitsStored, h.bitsAllocated, signed);
  } else if (JPEG_LOSSLESS.has(ts)) {
    const dec = await decodeJpegLossless(raw, h.bitsAllocated <= 8 ? 1 : 2);
    const bytes = new Uint8Array(dec.buffer, dec.byteOffset, dec.byteLength);
    out = maskStored(viewAs(bytes, h.bitsAllocated, signed), h.bitsStored, h.bitsAllocated, signed);
  } else if (JPEG_LOSSY.has(ts)) {
    const sof = jpegFrameHeader(raw);
    if (!sof) throw new AppError('DATA', `${syntaxName(ts)}: no JPEG frame header in the pixel data`);
    if (sof.precision === 12) {
      const v = await decodeJpeg12(raw, h);
      return finish(maskStored(v, Math.min(h.bitsStored, 12), 16, signed), npx);
    }
    if (sof.precision > 8) {
      throw new AppError('UNSUPPORTED', `${syntaxName(ts)} with ${sof.precision}-bit samples cannot be decoded exactly by the installed codecs; convert the series (e.g. gdcmconv --raw) or export it uncompressed`, { transferSyntax: ts });
    }
    const d = await decodeJpeg8(raw);
    checkSize(d, h, 'JPEG');
    out = viewAs(d.bytes, 8, false);
  } else if (JPEG_LS.has(ts) || J2K.has(ts) || HTJ2K.has(ts)) {
    const d = JPEG_LS.has(ts) ? await decodeJpegLs(raw) : J2K.has(ts) ? await decodeJ2k(raw) : await decodeHtj2k(raw);
    checkSize(d, h, syntaxName(ts));
    const bits = d.info.bitsPerSample <= 8 ? 8 : 16;
    const codecSigned = d.info.isSigned === true;
    // Sign-extend from BitsStored only when the codec returned unsigned samples (findings.md).
    out = viewAs(d.bytes, bits, codecSigned);
    if (!codecSigned && signed) out = maskStored(viewAs(d.bytes, bits, true), Math.min(h.bitsStored, bits), bits, true);
  } else {
    throw new AppError('UNSUPPORTED', `Transfer syntax ${syntaxName(ts)} is not supported`, { transferSyntax: ts });
  }
  return finish(out, npx);
}

function finish(out: StoredArray, npx: number): StoredArray {
  if (out.length < npx) throw new AppError('DATA', `Decoded frame has ${out.length} samples, expected ${npx}`);
  return out.length === npx ? out : out.subarray(0, npx);
}
