import { createRequire } from 'node:module';
import { AppError, toAppError } from '../../src-shared/errors.js';

/**
 * The maintained WASM/JS codecs that decode the test corpus exactly (findings.md). Each is
 * loaded on first use; all share the Emscripten "encoded buffer in, decoded buffer out" API.
 */
const require = createRequire(import.meta.url);

export interface FrameInfoOut {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): FrameInfoOut;
  decode(): void;
  delete(): void;
}

type DecoderCtor = new () => WasmDecoder;
type Factory = () => Promise<Record<string, unknown>>;

const modules = new Map<string, Promise<DecoderCtor>>();

function loadCtor(specifier: string, ctorName: string): Promise<DecoderCtor> {
  let p = modules.get(specifier);
  if (!p) {
    p = (async () => {
      const factory = require(specifier) as Factory;
      // Emscripten prints aborts on stderr and may call process.exit; the handlers stop both.
      const mod = await (factory as (opts?: Record<string, unknown>) => Promise<Record<string, unknown>>)({
        print: () => undefined,
        printErr: () => undefined,
      });
      const ctor = mod[ctorName];
      if (typeof ctor !== 'function') throw new AppError('INTERNAL', `${specifier} has no ${ctorName}`);
      return ctor as DecoderCtor;
    })();
    modules.set(specifier, p);
    p.catch(() => modules.delete(specifier));
  }
  return p;
}

export interface Decoded {
  /** Raw little-endian sample bytes as the codec returned them. */
  bytes: Uint8Array;
  info: FrameInfoOut;
}

async function runWasm(specifier: string, ctorName: string, encoded: Uint8Array, codecName: string): Promise<Decoded> {
  const Ctor = await loadCtor(specifier, ctorName);
  const dec = new Ctor();
  try {
    dec.getEncodedBuffer(encoded.length).set(encoded);
    dec.decode();
    const info = dec.getFrameInfo();
    // Copy out: the view points into the WASM heap, which the next decode reuses.
    const bytes = dec.getDecodedBuffer().slice();
    return { bytes, info: { ...info } };
  } catch (e) {
    const msg = toAppError(e, 'DATA').message;
    // An Emscripten abort leaves the instance unusable: load a fresh one for the next frame.
    if (/abort|unreachable|memory access out of bounds/i.test(msg)) modules.delete(specifier);
    throw new AppError('DATA', `${codecName} could not decode the frame: ${msg}`);
  } finally {
    try {
      dec.delete();
    } catch {
      // an aborted WASM instance cannot free; it is dropped with the module below
    }
  }
}

export const decodeJpegLs = (e: Uint8Array) => runWasm('@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder', e, 'JPEG-LS (CharLS)');
export const decodeJ2k = (e: Uint8Array) => runWasm('@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder', e, 'JPEG 2000 (OpenJPEG)');
export const decodeHtj2k = (e: Uint8Array) => runWasm('@cornerstonejs/codec-openjph/wasmjs', 'HTJ2KDecoder', e, 'HTJ2K (OpenJPH)');
export const decodeJpeg8 = (e: Uint8Array) => runWasm('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder', e, 'JPEG baseline (libjpeg-turbo)');

export async function decodeJpegLossless(e: Uint8Array, bytesPerSample: 1 | 2): Promise<Uint8Array | Uint16Array> {
  const { Decoder } = await import('@cornerstonejs/jpeg-lossless-decoder-js');
  try {
    const copy = new Uint8Array(e);
    return new Decoder().decode(copy.buffer, 0, copy.length, bytesPerSample);
  } catch (err) {
    throw new AppError('DATA', `JPEG lossless could not decode the frame: ${toAppError(err, 'DATA').message}`);
  }
}

interface RleDecoderT {
  decode(data: Uint8Array, attrs: { width: number; height: number; bitsAllocated: number; samplesPerPixel: number; planarConfiguration?: number }): Uint8Array;
}

export function decodeRle(e: Uint8Array, attrs: { width: number; height: number; bitsAllocated: number; samplesPerPixel: number; planarConfiguration?: number }): Uint8Array {
  const { RleDecoder } = require('dicom-rle') as { RleDecoder: new () => RleDecoderT };
  try {
    return new RleDecoder().decode(new Uint8Array(e), attrs);
  } catch (err) {
    throw new AppError('DATA', `RLE could not decode the frame: ${toAppError(err, 'DATA').message}`);
  }
}

/** Start-of-frame marker of a JPEG stream: process and sample precision (bits). */
export function jpegFrameHeader(e: Uint8Array): { sof: number; precision: number } | null {
  let i = 2;
  while (i + 4 < e.length) {
    if (e[i] !== 0xff) {
      i++;
      continue;
    }
    const m = e[i + 1] as number;
    if (m === 0xff || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i++;
      continue;
    }
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { sof: m, precision: e[i + 4] as number };
    const len = ((e[i + 2] as number) << 8) | (e[i + 3] as number);
    i += 2 + len;
  }
  return null;
}
