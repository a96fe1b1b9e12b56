import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AppError, toAppError } from '../../../src-shared/errors.js';
import { colorLookup, type ColorMap } from './color-map.js';

export interface PngSliceRef {
  /** From the file name `<patient>_<slice>.png`, so training can split by patient. */
  patientId: string;
  sliceIndex: number;
  imagePath: string;
  maskPath: string | null;
}

export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const NAME = /^(.+)_(\d+)\.png$/i;

export function parseSliceName(file: string): { patientId: string; sliceIndex: number } | null {
  const m = NAME.exec(path.basename(file));
  return m ? { patientId: m[1] as string, sliceIndex: Number(m[2]) } : null;
}

/** `images/` + optional `masks/` with the same file names. */
export async function listPngDataset(root: string): Promise<{ slices: PngSliceRef[]; imagesDir: string; masksDir: string | null; unmatched: string[] }> {
  const imagesDir = path.join(root, 'images');
  const masksDir = path.join(root, 'masks');
  let images: string[];
  try {
    images = (await readdir(imagesDir)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
  } catch {
    throw new AppError('NOT_FOUND', `No images/ folder of PNG slices under ${root}`);
  }
  if (images.length === 0) throw new AppError('NOT_FOUND', `No PNG files in ${imagesDir}`);
  let masks: Set<string> | null = null;
  try {
    masks = new Set((await readdir(masksDir)).filter((f) => f.toLowerCase().endsWith('.png')));
  } catch {
    masks = null;
  }
  const unmatched: string[] = [];
  const slices: PngSliceRef[] = [];
  for (const f of images) {
    const p = parseSliceName(f);
    if (!p) {
      unmatched.push(f);
      continue;
    }
    slices.push({ ...p, imagePath: path.join(imagesDir, f), maskPath: masks?.has(f) ? path.join(masksDir, f) : null });
  }
  slices.sort((a, b) => a.patientId.localeCompare(b.patientId) || a.sliceIndex - b.sliceIndex);
  return { slices, imagesDir, masksDir: masks ? masksDir : null, unmatched };
}

export async function readGreyPng(file: string): Promise<GreyImage> {
  try {
    const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels === 1) return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    // RGB grey: use one channel only when all three agree, else refuse to guess a conversion.
    const n = info.width * info.height;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = data[i * info.channels] as number;
      if (r !== data[i * info.channels + 1] || r !== data[i * info.channels + 2]) {
        throw new AppError('DATA', `${file} is a colour image, expected greyscale`);
      }
      out[i] = r;
    }
    return { width: info.width, height: info.height, data: out };
  } catch (e) {
    throw new AppError(toAppError(e, 'DATA').code, `Cannot read PNG ${file}: ${toAppError(e).message}`);
  }
}

export interface ClassMask {
  width: number;
  height: number;
  /** Product class ids (src-shared/classes.ts). */
  data: Uint8Array;
}

/**
 * RGB mask -> class ids through the explicit colour map. Any colour not in the map fails with
 * the list of unknown colours (blended edge colours mean the mask was resized: never guessed).
 */
export async function readColorMask(file: string, map: ColorMap): Promise<ClassMask> {
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new AppError('DATA', `Cannot read mask ${file}: ${toAppError(e).message}`);
  }
  const { data, info } = raw;
  const lut = colorLookup(map);
  const n = info.width * info.height;
  const out = new Uint8Array(n);
  const unknown = new Map<number, number>();
  const ch = info.channels;
  for (let i = 0; i < n; i++) {
    const o = i * ch;
    const key = ch >= 3 ? ((data[o] as number) << 16) | ((data[o + 1] as number) << 8) | (data[o + 2] as number) : (data[o] as number) * 0x010101;
    const id = lut.get(key);
    if (id === undefined) unknown.set(key, (unknown.get(key) ?? 0) + 1);
    else out[i] = id;
  }
  if (unknown.size) {
    const list = [...unknown.entries()].sort((a, b) => b[1] - a[1]);
    const fmt = ([k, c]: [number, number]) => `(${k >> 16},${(k >> 8) & 255},${k & 255}) ×${c}`;
    throw new AppError('DATA', `${file}: ${unknown.size} colour(s) not in colour map "${map.name}": ${list.slice(0, 10).map(fmt).join(', ')}${list.length > 10 ? ', …' : ''}`, {
      file,
      unknownColors: list.slice(0, 50).map(([k, c]) => ({ rgb: [k >> 16, (k >> 8) & 255, k & 255], pixels: c })),
    });
  }
  return { width: info.width, height: info.height, data: out };
}
