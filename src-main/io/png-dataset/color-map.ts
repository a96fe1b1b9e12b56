import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CLASSES, CLASS_ID } from '../../../src-shared/classes.js';
import { AppError } from '../../../src-shared/errors.js';

/**
 * A colour -> class map for a PNG mask dataset. JSON file format (`cardioseg-colormap/1`):
 *
 *   { "format": "cardioseg-colormap/1", "name": "my-dataset",
 *     "entries": [ { "rgb": [255, 0, 0], "label": "left ventricle", "classKey": "left_ventricle" }, ... ],
 *     "flags": ["aorta-not-split"] }
 *
 * `label` is the dataset's own name for the colour; `classKey` is a product class key from
 * src-shared/classes.ts (use "background" for structures the product does not segment).
 */
const Rgb = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]);
const productKeys = CLASSES.map((c) => c.key) as [string, ...string[]];

export const ColorMapSchema = z.object({
  format: z.literal('cardioseg-colormap/1'),
  name: z.string().min(1),
  entries: z
    .array(z.object({ rgb: Rgb, label: z.string().min(1), classKey: z.enum(productKeys), note: z.string().optional() }))
    .min(1)
    .refine((es) => new Set(es.map((e) => e.rgb.join(','))).size === es.length, { message: 'a colour appears twice' }),
  flags: z.array(z.string()).default([]),
});
export type ColorMap = z.infer<typeof ColorMapSchema>;

export const AORTA_NOT_SPLIT = 'aorta-not-split';
export const NO_VENA_CAVA = 'no-vena-cava';

/**
 * ../shared/data/png/chd-imagechd (ImageCHD): its own palette, and classes that do not line up
 * with the product's: myocardium is not a product structure (-> background); its aorta is one
 * class for ascending + descending (-> ascending_aorta, flagged so training treats class 1 as
 * "whole aorta" and never expects class 6); there is no vena cava label.
 */
export const CHD_IMAGECHD_COLOR_MAP: ColorMap = {
  format: 'cardioseg-colormap/1',
  name: 'chd-imagechd',
  entries: [
    { rgb: [0, 0, 0], label: 'background', classKey: 'background' },
    { rgb: [255, 0, 0], label: 'left ventricle', classKey: 'left_ventricle' },
    { rgb: [0, 255, 0], label: 'right ventricle', classKey: 'right_ventricle' },
    { rgb: [0, 0, 255], label: 'left atrium', classKey: 'left_atrium' },
    { rgb: [255, 255, 0], label: 'right atrium', classKey: 'right_atrium' },
    { rgb: [255, 0, 255], label: 'myocardium', classKey: 'background', note: 'not a product structure' },
    { rgb: [0, 255, 255], label: 'aorta', classKey: 'ascending_aorta', note: 'aorta, ascending/descending not separated' },
    { rgb: [128, 128, 128], label: 'pulmonary artery', classKey: 'pulmonary_artery' },
  ],
  flags: [AORTA_NOT_SPLIT, NO_VENA_CAVA],
};

export const BUILTIN_COLOR_MAPS: Record<string, ColorMap> = { 'chd-imagechd': CHD_IMAGECHD_COLOR_MAP };

export async function loadColorMap(pathOrName: string): Promise<ColorMap> {
  const builtin = BUILTIN_COLOR_MAPS[pathOrName];
  if (builtin) return builtin;
  let text: string;
  try {
    text = await readFile(pathOrName, 'utf8');
  } catch (e) {
    throw new AppError('NOT_FOUND', `Colour map not found: ${pathOrName} (built-in maps: ${Object.keys(BUILTIN_COLOR_MAPS).join(', ')})`, { cause: (e as Error).message });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AppError('DATA', `Colour map ${pathOrName} is not JSON: ${(e as Error).message}`);
  }
  const parsed = ColorMapSchema.safeParse(json);
  if (!parsed.success) throw new AppError('VALIDATION', `Colour map ${pathOrName} is invalid`, parsed.error.issues.slice(0, 10));
  return parsed.data;
}

/** 24-bit colour -> class id lookup (the key is r<<16|g<<8|b). */
export function colorLookup(map: ColorMap): Map<number, number> {
  const m = new Map<number, number>();
  for (const e of map.entries) m.set((e.rgb[0] << 16) | (e.rgb[1] << 8) | e.rgb[2], CLASS_ID[e.classKey] as number);
  return m;
}

/** Dataset class names (lower case) -> product class keys, for swatch folders. */
const NAME_TO_KEY: Record<string, string> = {
  background: 'background',
  myocardium: 'background',
  'left ventricle': 'left_ventricle',
  'right ventricle': 'right_ventricle',
  'left atrium': 'left_atrium',
  'right atrium': 'right_atrium',
  aorta: 'ascending_aorta',
  'ascending aorta': 'ascending_aorta',
  'descending aorta': 'descending_aorta',
  'pulmonary artery': 'pulmonary_artery',
  'vena cava': 'vena_cava',
};

/**
 * Build a map from a `color_class_mapping/` folder of swatches (`<class name>.png`, one flat
 * colour each), as ImageCHD-style exports ship. Names outside the table are an error naming them.
 */
export async function colorMapFromSwatches(dir: string, name: string): Promise<ColorMap> {
  const { readdir } = await import('node:fs/promises');
  const { default: sharp } = await import('sharp');
  const path = await import('node:path');
  const files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
  const unknown = files.map((f) => f.replace(/\.png$/i, '').toLowerCase()).filter((n) => NAME_TO_KEY[n] === undefined);
  if (unknown.length) throw new AppError('DATA', `Unknown class name(s) in ${dir}: ${unknown.join(', ')}`, { known: Object.keys(NAME_TO_KEY) });
  const entries: ColorMap['entries'] = [];
  for (const f of files) {
    const label = f.replace(/\.png$/i, '').toLowerCase();
    const { data } = await sharp(path.join(dir, f)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    entries.push({ rgb: [data[0] as number, data[1] as number, data[2] as number], label, classKey: NAME_TO_KEY[label] as string });
  }
  const labels = new Set(entries.map((e) => e.label));
  const flags = [...(labels.has('aorta') ? [AORTA_NOT_SPLIT] : []), ...(labels.has('vena cava') ? [] : [NO_VENA_CAVA])];
  return ColorMapSchema.parse({ format: 'cardioseg-colormap/1', name, entries, flags });
}
