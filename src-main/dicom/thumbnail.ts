import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../../src-shared/errors.js';
import { stackGeometry } from './geometry.js';
import { findStack, type SliceRef, type Stack } from './group.js';
import type { DicomHeader, FrameInfo } from './header.js';
import { scanDicom, type ScanDetail } from './import.js';
import { parseDicomBytes } from './parse.js';
import { decodeStoredFrame, type StoredArray } from './pixels.js';

export interface Thumbnail {
  png: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
  /** Index of the decoded image in the stack's position order (the middle one). */
  sliceIndex: number;
}

/** Soft-tissue window, used for CT without a stored window. */
const CT_DEFAULT = { center: 40, width: 400 };

// The Open screen asks for one thumbnail per series right after a scan: scanning the folder again
// for each would multiply the scan time by the series count, so recent scans are reused briefly.
const SCAN_TTL_MS = 60_000;
const scans = new Map<string, { at: number; detail: Promise<ScanDetail> }>();

function cachedScan(root: string, signal?: AbortSignal): Promise<ScanDetail> {
  const now = Date.now();
  for (const [k, v] of scans) if (now - v.at > SCAN_TTL_MS) scans.delete(k);
  const hit = scans.get(root);
  if (hit) return hit.detail;
  const detail = scanDicom(root, { signal });
  scans.set(root, { at: now, detail });
  detail.catch(() => scans.delete(root));
  return detail;
}

/** Position order when the stack has geometry (localizers and SC may not); else instance order. */
function orderedSlices(stack: Stack): SliceRef[] {
  try {
    return stackGeometry(stack.slices, stack.summary.id).ordered;
  } catch {
    return [...stack.slices].sort((a, b) => (a.header.instanceNumber ?? 0) - (b.header.instanceNumber ?? 0) || a.frame - b.frame);
  }
}

function windowOf(h: DicomHeader, f: FrameInfo, values: Float32Array): { lo: number; hi: number } {
  if (f.windowCenter !== undefined && f.windowWidth !== undefined && f.windowWidth > 1) {
    return { lo: f.windowCenter - f.windowWidth / 2, hi: f.windowCenter + f.windowWidth / 2 };
  }
  if (h.modality === 'CT') return { lo: CT_DEFAULT.center - CT_DEFAULT.width / 2, hi: CT_DEFAULT.center + CT_DEFAULT.width / 2 };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo ? { lo, hi } : { lo, hi: lo + 1 };
}

/** Grey 8-bit pixels: rescale, window, MONOCHROME1 drawn inverted (white = low values). */
function greyPixels(stored: StoredArray, h: DicomHeader, f: FrameInfo): Uint8Array {
  const n = h.rows * h.columns;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (stored[i] as number) * f.rescaleSlope + f.rescaleIntercept;
  const { lo, hi } = windowOf(h, f, values);
  const invert = h.photometric === 'MONOCHROME1';
  const out = new Uint8Array(n);
  const scale = 255 / (hi - lo);
  for (let i = 0; i < n; i++) {
    const g = Math.max(0, Math.min(255, Math.round(((values[i] as number) - lo) * scale)));
    out[i] = invert ? 255 - g : g;
  }
  return out;
}

/** Interleaved RGB from colour images (secondary captures); planar configuration 1 is de-planed. */
function rgbPixels(stored: StoredArray, h: DicomHeader): Uint8Array {
  const n = h.rows * h.columns;
  const out = new Uint8Array(n * 3);
  const shift = Math.max(0, (h.bitsStored || h.bitsAllocated) - 8);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = h.planarConfiguration === 1 ? (stored[c * n + i] as number) : (stored[i * 3 + c] as number);
      out[i * 3 + c] = v >> shift;
    }
  }
  return out;
}

/**
 * A PNG of the middle image of one stack (headers scanned, one frame decoded): the series'
 * stored window (soft tissue for CT without one), fitted into `size`x`size` keeping the
 * physical aspect ratio.
 */
export async function seriesThumbnail(root: string, seriesId: string, opts: { size?: number; signal?: AbortSignal } = {}): Promise<Thumbnail> {
  const size = opts.size ?? 96;
  const { stacks } = await cachedScan(root, opts.signal);
  const stack = findStack(stacks, seriesId);
  if (!stack) throw new AppError('NOT_FOUND', `Series ${seriesId} is not under ${root}`, { available: stacks.map((s) => s.summary.id) });
  const ordered = orderedSlices(stack);
  const sliceIndex = Math.floor(ordered.length / 2);
  const ref = ordered[sliceIndex] as SliceRef;
  const h = ref.header;
  if (!h.hasPixelData || h.rows <= 0 || h.columns <= 0) throw new AppError('DATA', `Series ${seriesId} has no image pixels to draw`, { file: h.file });
  if (h.samplesPerPixel !== 1 && h.samplesPerPixel !== 3) throw new AppError('UNSUPPORTED', `${h.samplesPerPixel} samples per pixel cannot be drawn`, { file: h.file });
  const ds = parseDicomBytes(await readFile(h.file, { signal: opts.signal }), { headerOnly: false });
  const stored = await decodeStoredFrame(ds, h, ref.frame);
  const f = h.frames[ref.frame] as FrameInfo;
  const channels = h.samplesPerPixel === 3 ? 3 : 1;
  const pixels = channels === 3 ? rgbPixels(stored, h) : greyPixels(stored, h, f);
  // PixelSpacing is [row step, column step]: physical width = columns * column step.
  const [rowStep, colStep] = f.pixelSpacing && f.pixelSpacing[0] > 0 && f.pixelSpacing[1] > 0 ? f.pixelSpacing : [1, 1];
  const physW = h.columns * colStep;
  const physH = h.rows * rowStep;
  const scale = size / Math.max(physW, physH);
  const width = Math.max(1, Math.round(physW * scale));
  const height = Math.max(1, Math.round(physH * scale));
  const buf = await sharp(pixels, { raw: { width: h.columns, height: h.rows, channels } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .png()
    .toBuffer();
  // A private ArrayBuffer: the wire format transfers the whole backing buffer.
  const png = new Uint8Array(buf.byteLength);
  png.set(buf);
  return { png, width, height, sliceIndex };
}
