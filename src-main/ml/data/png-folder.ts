/**
 * PNG slice + colour-mask folders (ImageCHD-style exports): images/<patient>_<slice>.png,
 * masks/ with the same names, color_class_mapping/<class name>.png swatches. 8-bit images carry
 * no HU, so the plan normalises them per slice (min-max).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../src-shared/errors.js';
import type { DatasetPlan } from '../plans.js';
import type { LoadedDataset, TrainingCase } from './cases.js';

/** Dataset class names -> product class ids; myocardium is not a product structure. */
const NAME_TO_CLASS: Record<string, number> = {
  background: 0,
  'left ventricle': 3,
  'right ventricle': 5,
  'left atrium': 2,
  'right atrium': 4,
  myocardium: 0,
  aorta: 1,
  'ascending aorta': 1,
  'descending aorta': 6,
  'pulmonary artery': 7,
  'vena cava': 8,
};

const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

async function rgb(file: string) {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

export async function loadPngFolder(root: string, id: string | undefined, index: number): Promise<LoadedDataset> {
  const colourToClass = new Map<string, number>();
  const labeled = new Set<number>([0]);
  const mergedInto: Record<string, number> = {};
  for (const f of (await readdir(path.join(root, 'color_class_mapping'))).filter((f) => f.endsWith('.png'))) {
    const name = f.replace(/\.png$/, '').toLowerCase();
    const cls = NAME_TO_CLASS[name];
    if (cls === undefined) throw new AppError('DATA', `Unknown class name "${name}" in color_class_mapping`, { file: f });
    const s = await rgb(path.join(root, 'color_class_mapping', f));
    colourToClass.set(hex(s.data[0]!, s.data[1]!, s.data[2]!), cls);
    labeled.add(cls);
    // One "aorta" label covers both aortic segments: descending aorta's probability folds into it.
    if (name === 'aorta') mergedInto['6'] = 1;
  }
  const names = (await readdir(path.join(root, 'images'))).filter((f) => /^[^_]+_\d+\.png$/.test(f)).sort();
  const byPatient = new Map<string, Map<number, string>>();
  for (const f of names) {
    const [pid, z] = f.replace(/\.png$/, '').split('_') as [string, string];
    if (!byPatient.has(pid)) byPatient.set(pid, new Map());
    byPatient.get(pid)!.set(Number(z), f);
  }
  const cases: TrainingCase[] = [];
  for (const [pid, slices] of byPatient) {
    const images = new Map<number, Uint8Array>();
    const labels = new Map<number, Uint8Array>();
    let width = 0, height = 0;
    for (const [z, f] of slices) {
      const img = await sharp(path.join(root, 'images', f)).greyscale().raw().toBuffer({ resolveWithObject: true });
      const m = await rgb(path.join(root, 'masks', f));
      if (m.width !== img.info.width || m.height !== img.info.height) throw new AppError('DATA', `Mask size differs from image ${f}`);
      width = img.info.width;
      height = img.info.height;
      const lab = new Uint8Array(width * height);
      for (let i = 0; i < lab.length; i++) {
        const key = hex(m.data[i * 3]!, m.data[i * 3 + 1]!, m.data[i * 3 + 2]!);
        const cls = colourToClass.get(key);
        if (cls === undefined) throw new AppError('DATA', `Mask ${f} has colour ${key} outside the class mapping`, { file: f, pixel: i });
        lab[i] = cls;
      }
      images.set(z, new Uint8Array(img.data));
      labels.set(z, lab);
    }
    const zs = [...slices.keys()].sort((a, b) => a - b);
    cases.push({
      patientId: pid,
      datasetIndex: index,
      image: { width, height, depth: (zs.at(-1) ?? 0) + 1, source: 'png', slice: (z) => images.get(z) },
      label: (z) => labels.get(z),
      zs,
    });
  }
  const codeMap = Object.fromEntries(colourToClass);
  const plan: DatasetPlan = { id: id ?? path.basename(root), kind: 'png', source: 'png', codeMap, labeledClasses: [...labeled].sort((a, b) => a - b), mergedInto };
  return { plan, cases };
}
