/**
 * PNG slice + colour-mask folders (ImageCHD-style exports) as training cases, read through the
 * importer's PNG dataset reader (one colour-map mechanism for the whole app). 8-bit images carry
 * no HU, so the plan normalises them per slice (min-max).
 */
import path from 'node:path';
import { CLASS_ID } from '../../../src-shared/classes.js';
import { AppError } from '../../../src-shared/errors.js';
import { AORTA_NOT_SPLIT, loadPngDataset } from '../../io/png-dataset/index.js';
import type { DatasetPlan } from '../plans.js';
import type { LoadedDataset, TrainingCase } from './cases.js';

const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

export async function loadPngFolder(root: string, id: string | undefined, index: number): Promise<LoadedDataset> {
  const { slices, colorMap } = await loadPngDataset(root);
  const codeMap = Object.fromEntries(colorMap.entries.map((e) => [hex(e.rgb), CLASS_ID[e.classKey] as number]));
  const labeled = new Set<number>([0, ...Object.values(codeMap)]);
  // One "aorta" label covers both aortic segments: descending aorta's probability folds into it.
  const mergedInto: Record<string, number> = colorMap.flags.includes(AORTA_NOT_SPLIT) ? { [String(CLASS_ID.descending_aorta)]: CLASS_ID.ascending_aorta as number } : {};

  const byPatient = new Map<string, typeof slices>();
  for (const s of slices) {
    if (!s.mask) continue;
    const list = byPatient.get(s.patientId) ?? [];
    list.push(s);
    byPatient.set(s.patientId, list);
  }
  if (byPatient.size === 0) throw new AppError('DATA', `No slice with a mask in ${root}`);
  const cases: TrainingCase[] = [];
  for (const [pid, list] of byPatient) {
    const { width, height } = list[0] as (typeof list)[0];
    if (list.some((s) => s.width !== width || s.height !== height)) throw new AppError('DATA', `Patient ${pid} in ${root} has slices of different sizes`);
    const images = new Map(list.map((s) => [s.sliceIndex, s.image]));
    const labels = new Map(list.map((s) => [s.sliceIndex, s.mask as Uint8Array]));
    const zs = [...images.keys()].sort((a, b) => a - b);
    cases.push({
      patientId: pid,
      datasetIndex: index,
      image: { width, height, depth: (zs.at(-1) ?? 0) + 1, source: 'png', slice: (z) => images.get(z) },
      label: (z) => labels.get(z),
      zs,
    });
  }
  const plan: DatasetPlan = { id: id ?? path.basename(root), kind: 'png', source: 'png', codeMap, labeledClasses: [...labeled].sort((a, b) => a - b), mergedInto };
  return { plan, cases };
}
