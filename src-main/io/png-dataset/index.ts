import { AppError, type Warning } from '../../../src-shared/errors.js';
import type { PngDatasetInfo } from '../../../src-shared/contract/dicom.contract.js';
import { yieldToLoop } from '../../util/abort.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_COLOR_MAPS, colorMapFromSwatches, loadColorMap, type ColorMap } from './color-map.js';
import { listPngDataset, readColorMask, readGreyPng, type PngSliceRef } from './read.js';

export * from './color-map.js';
export * from './read.js';

export interface PngSlice extends PngSliceRef {
  width: number;
  height: number;
  image: Uint8Array;
  /** Product class ids; null when the slice has no mask. */
  mask: Uint8Array | null;
}

export interface LoadPngDatasetOptions {
  /** Path of a colour-map JSON or a built-in name; default: a built-in map named like the folder. */
  colorMap?: string | ColorMap;
  maxSlices?: number;
  signal?: AbortSignal;
}

/** Explicit map, else a built-in one named like the folder, else the folder's colour swatches. */
export async function resolveColorMap(root: string, m?: string | ColorMap): Promise<ColorMap> {
  if (m && typeof m !== 'string') return m;
  if (m) return loadColorMap(m);
  const base = root.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
  const builtin = BUILTIN_COLOR_MAPS[base];
  if (builtin) return builtin;
  const swatches = path.join(root, 'color_class_mapping');
  if (existsSync(swatches)) return colorMapFromSwatches(swatches, base);
  throw new AppError(
    'VALIDATION',
    `No colour map given for ${root}: no built-in map named "${base}" (built-in: ${Object.keys(BUILTIN_COLOR_MAPS).join(', ')}) and no color_class_mapping/ folder`,
  );
}

/** Read image slices and masks (as class ids), never resizing either; sizes must match. */
export async function loadPngDataset(root: string, opts: LoadPngDatasetOptions = {}): Promise<{ slices: PngSlice[]; colorMap: ColorMap; warnings: Warning[] }> {
  const map = await resolveColorMap(root, opts.colorMap);
  const listing = await listPngDataset(root);
  const warnings: Warning[] = listing.unmatched.map((f) => ({ code: 'PNG_NAME', message: `${f} is not named <patient>_<slice>.png; skipped`, file: f }));
  const out: PngSlice[] = [];
  for (const ref of listing.slices.slice(0, opts.maxSlices ?? Infinity)) {
    const img = await readGreyPng(ref.imagePath);
    let mask: Uint8Array | null = null;
    if (ref.maskPath) {
      const m = await readColorMask(ref.maskPath, map);
      if (m.width !== img.width || m.height !== img.height) {
        throw new AppError('DATA', `${ref.maskPath} is ${m.width}x${m.height} but its image is ${img.width}x${img.height}; masks are never resized`);
      }
      mask = m.data;
    } else {
      warnings.push({ code: 'PNG_NO_MASK', message: `No mask for ${ref.imagePath}`, file: ref.imagePath });
    }
    out.push({ ...ref, width: img.width, height: img.height, image: img.data, mask });
    await yieldToLoop(opts.signal);
  }
  return { slices: out, colorMap: map, warnings };
}

export async function inspectPngDataset(root: string, opts: LoadPngDatasetOptions = {}): Promise<PngDatasetInfo> {
  const { slices, colorMap, warnings } = await loadPngDataset(root, opts);
  const listing = await listPngDataset(root);
  const sizes = new Set(slices.map((s) => `${s.width}x${s.height}`));
  if (sizes.size > 1) warnings.push({ code: 'PNG_MIXED_SIZES', message: `Slices have different sizes: ${[...sizes].join(', ')}` });
  const counts: Record<string, number> = {};
  for (const s of slices) {
    if (!s.mask) continue;
    for (const v of s.mask) counts[v] = (counts[v] ?? 0) + 1;
  }
  const patients = new Map<string, number>();
  for (const s of slices) patients.set(s.patientId, (patients.get(s.patientId) ?? 0) + 1);
  return {
    imagesDir: listing.imagesDir,
    masksDir: listing.masksDir,
    width: slices[0]?.width ?? 0,
    height: slices[0]?.height ?? 0,
    sliceCount: slices.length,
    patients: [...patients].map(([id, n]) => ({ id, slices: n })),
    classPixelCounts: counts,
    colorMap: colorMap.name,
    flags: colorMap.flags,
    warnings,
  };
}
