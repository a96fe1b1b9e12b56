import { readFile } from 'node:fs/promises';
import { AppError, abortError, toAppError, type Warning } from '../../src-shared/errors.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import { yieldToLoop } from '../util/abort.js';
import type { SliceRef } from './group.js';
import type { DicomHeader, FrameInfo } from './header.js';
import { sharedDecodePool } from './decode-pool.js';
import { TS, parseDicomBytes } from './parse.js';
import { decodeStoredFrame, type StoredArray } from './pixels.js';

export interface AssembleOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  fileTimeoutMs?: number;
  /** Decode compressed series in worker threads (default true; falls back to this thread). */
  useWorkers?: boolean;
}

// Deflate goes to the workers too: inflating is the costly part there.
const UNCOMPRESSED = new Set<string>([TS.IMPLICIT_LE, TS.EXPLICIT_LE, TS.EXPLICIT_BE]);

export interface Assembled {
  data: Int16Array<ArrayBuffer> | Float32Array<ArrayBuffer>;
  /** HU for CT with rescale; `rescaled` for other modalities; MONOCHROME1 is inverted first. */
  units: 'HU' | 'rescaled';
  warnings: Warning[];
}

const isInt = (x: number): boolean => Math.abs(x - Math.round(x)) < 1e-9;

interface RescaleArgs {
  off: number;
  n: number;
  slope: number;
  icpt: number;
  /** Non-zero: MONOCHROME1, stored values are inverted (invMax - v) first. */
  invMax: number;
  /** PixelPaddingValue..RangeLimit in stored values (padLo > padHi: none). */
  padLo: number;
  padHi: number;
  padValue: number;
}

/** Integer shift only (slope 1, integral intercept, no inversion): the common CT case, kept in Smi arithmetic. */
function shiftInto(out: Int16Array | Float32Array, stored: StoredArray, a: RescaleArgs): { lo: number; hi: number; padded: number } {
  let lo = 2147483647;
  let hi = -2147483648;
  let padded = 0;
  const icpt = a.icpt | 0;
  const { off, n, padLo, padHi, padValue } = a;
  for (let i = 0; i < n; i++) {
    const v = stored[i] as number;
    if (v >= padLo && v <= padHi) {
      out[off + i] = padValue;
      padded++;
      continue;
    }
    const hu = (v + icpt) | 0;
    out[off + i] = hu;
    if (hu < lo) lo = hu;
    if (hu > hi) hi = hu;
  }
  return { lo, hi, padded };
}

/** One pass per slice: rescale, padding, and the value range (to detect Int16 overflow). */
function rescaleInto(out: Int16Array | Float32Array, stored: StoredArray, a: RescaleArgs): { lo: number; hi: number; padded: number } {
  if (a.slope === 1 && a.invMax === 0 && Number.isInteger(a.icpt) && Math.abs(a.icpt) < 2 ** 30) return shiftInto(out, stored, a);
  let lo = Infinity;
  let hi = -Infinity;
  let padded = 0;
  const { off, n, slope, icpt, invMax, padLo, padHi, padValue } = a;
  for (let i = 0; i < n; i++) {
    let v = stored[i] as number;
    if (v >= padLo && v <= padHi) {
      out[off + i] = padValue;
      padded++;
      continue;
    }
    if (invMax !== 0) v = invMax - v;
    const hu = v * slope + icpt;
    out[off + i] = hu;
    if (hu < lo) lo = hu;
    if (hu > hi) hi = hu;
  }
  return { lo, hi, padded };
}

/**
 * Decode every slice in k order into one array. Int16Array while every rescaled value is an
 * integer in range; the first value that is not switches the whole volume to Float32Array.
 */
export async function assembleVolume(ordered: SliceRef[], opts: AssembleOptions = {}): Promise<Assembled> {
  const first = ordered[0];
  if (!first) throw new AppError('DATA', 'No slices to assemble');
  const { rows, columns } = first.header;
  const plane = rows * columns;
  const n = ordered.length;
  const warnings: Warning[] = [];
  const integral = ordered.every((s) => {
    const f = s.header.frames[s.frame] as FrameInfo;
    return isInt(f.rescaleSlope) && isInt(f.rescaleIntercept);
  });
  let data: Int16Array<ArrayBuffer> | Float32Array<ArrayBuffer> = integral ? new Int16Array(plane * n) : new Float32Array(plane * n);
  const mono1 = ordered.some((s) => s.header.photometric === 'MONOCHROME1');
  const isCt = first.header.modality === 'CT';
  let padded = 0;

  for (const s of ordered) {
    const h = s.header;
    if (h.rows !== rows || h.columns !== columns) throw new AppError('DATA', `${h.file} is ${h.columns}x${h.rows}, the stack is ${columns}x${rows}`, { file: h.file });
    if (h.samplesPerPixel !== 1) throw new AppError('UNSUPPORTED', `Colour images (${h.photometric}) cannot be loaded as a CT volume`, { file: h.file });
  }

  const writeSlice = (k: number, stored: StoredArray, s: SliceRef): void => {
    const h = s.header;
    const f = h.frames[s.frame] as FrameInfo;
    let invMax = 0;
    if (h.photometric === 'MONOCHROME1') invMax = h.pixelRepresentation === 1 ? -1 : 2 ** (h.bitsStored || h.bitsAllocated) - 1;
    const pv = h.pixelPaddingValue;
    const pl = h.pixelPaddingRangeLimit ?? pv;
    const args: RescaleArgs = {
      off: k * plane,
      n: plane,
      slope: f.rescaleSlope,
      icpt: f.rescaleIntercept,
      invMax,
      padLo: pv === undefined ? 1 : Math.min(pv, pl as number),
      padHi: pv === undefined ? 0 : Math.max(pv, pl as number),
      padValue: isCt ? -1024 : f.rescaleIntercept,
    };
    let r = rescaleInto(data, stored, args);
    if (data instanceof Int16Array && (r.lo < -32768 || r.hi > 32767)) {
      // The first value outside Int16 switches the whole volume to Float32; redo this slice.
      data = Float32Array.from(data);
      r = rescaleInto(data, stored, args);
    }
    padded += r.padded;
  };

  // One job per file (all its frames): each file is read and parsed once.
  const jobs = new Map<string, { header: DicomHeader; frames: number[]; ks: number[]; refs: SliceRef[] }>();
  ordered.forEach((s, k) => {
    const j = jobs.get(s.header.file);
    if (j) {
      j.frames.push(s.frame);
      j.ks.push(k);
      j.refs.push(s);
    } else jobs.set(s.header.file, { header: s.header, frames: [s.frame], ks: [k], refs: [s] });
  });
  const compressed = ordered.some((s) => !UNCOMPRESSED.has(s.header.transferSyntax));
  const pool = opts.useWorkers !== false && compressed && n >= 4 ? await sharedDecodePool() : null;
  const decodeJob = async (file: string, header: DicomHeader, frames: number[]): Promise<StoredArray[]> => {
    if (pool) return pool.decode(file, header, frames);
    const limit = opts.fileTimeoutMs ?? 30_000;
    const bytes = await readFile(file, { signal: AbortSignal.timeout(limit) }).catch((e: unknown) => {
      // A timed-out read is an I/O failure of this file, not a cancellation by the user.
      const timedOut = e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
      throw new AppError('IO', timedOut ? `reading took longer than ${limit / 1000} s` : toAppError(e, 'IO').message);
    });
    const ds = parseDicomBytes(bytes, { headerOnly: false });
    const out: StoredArray[] = [];
    for (const f of frames) out.push(await decodeStoredFrame(ds, header, f));
    return out;
  };

  // A window of jobs in flight: workers stay busy, and file reads overlap decoding.
  const list = [...jobs];
  const window = pool ? pool.size * 2 : 4;
  let next = 0;
  let done = 0;
  const runOne = async (): Promise<void> => {
    while (next < list.length) {
      if (opts.signal?.aborted) throw abortError();
      const [file, job] = list[next++] as (typeof list)[0];
      let stored: StoredArray[];
      try {
        stored = await decodeJob(file, job.header, job.frames);
      } catch (e) {
        const err = toAppError(e, 'DATA');
        if (err.code === 'ABORTED') throw err;
        const msg = err.message.startsWith(file) ? err.message : `${file}: ${err.message}`;
        throw new AppError(err.code, msg, { file });
      }
      job.ks.forEach((k, i) => writeSlice(k, stored[i] as StoredArray, job.refs[i] as SliceRef));
      done += job.ks.length;
      opts.onProgress?.({ stage: 'decode', done, total: n });
      await yieldToLoop(opts.signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, list.length) }, runOne));
  opts.onProgress?.({ stage: 'decode', done: n, total: n });
  if (mono1) warnings.push({ code: 'MONOCHROME1', message: 'MONOCHROME1 images were inverted so that higher values are brighter; values are not HU' });
  if (padded) warnings.push({ code: 'PIXEL_PADDING', message: `${padded} padding voxels (PixelPaddingValue) were set to ${isCt ? '-1024 HU (air)' : 'the intercept'}`, details: { voxels: padded } });
  return { data, units: isCt && !mono1 ? 'HU' : 'rescaled', warnings };
}
