/** NIfTI image + label volume pairs, one patient per pair; labels mapped through the code map. */
import path from 'node:path';
import type { TrainingDatasetSpec } from '../../../src-shared/contract/training.contract.js';
import { AppError } from '../../../src-shared/errors.js';
import { readNifti } from '../../io/nifti/index.js';
import { NUM_CLASSES } from '../../../src-shared/classes.js';
import { reorientationOf, toCanonical } from '../orientation.js';
import { applyCodeMap, volumeSlices } from '../preprocess.js';
import type { LoadedDataset, TrainingCase } from './cases.js';

export async function loadNiftiPairs(spec: Extract<TrainingDatasetSpec, { kind: 'nifti' }>, index: number): Promise<LoadedDataset> {
  const codeMap = spec.codeMap ?? Object.fromEntries(Array.from({ length: NUM_CLASSES }, (_, i) => [String(i), i]));
  const cases: TrainingCase[] = [];
  const labeled = new Set<number>([0]);
  for (const [i, pair] of spec.pairs.entries()) {
    const [rawImg, rawLab] = await Promise.all([readNifti(pair.image), readNifti(pair.label)]);
    if (rawImg.dims.join() !== rawLab.dims.join()) throw new AppError('DATA', `Label dims ${rawLab.dims} differ from image dims ${rawImg.dims}`, { pair });
    // Train on the same canonical LPS storage order inference uses, or a RAS-stored NIfTI set
    // would teach the network a mirror image (left and right structures swapped).
    const r = reorientationOf(rawImg.direction);
    const img = toCanonical(rawImg, r);
    const lab = toCanonical(rawLab, r);
    const ids = applyCodeMap(lab.data, codeMap);
    for (const v of new Set(ids)) labeled.add(v);
    const n = img.dims[0] * img.dims[1];
    cases.push({
      patientId: pair.patientId ?? `${path.basename(pair.image).replace(/\.nii(\.gz)?$/, '')}-${i}`,
      datasetIndex: index,
      image: volumeSlices(img.dims, img.data, 'ct'),
      label: (z) => (z >= 0 && z < img.dims[2] ? ids.subarray(z * n, (z + 1) * n) : undefined),
      zs: Array.from({ length: img.dims[2] }, (_, z) => z),
    });
  }
  // Without a code map naming them, classes never seen in any label are treated as unlabeled.
  const labeledClasses = spec.codeMap ? [...new Set(Object.values(codeMap)), 0].sort((a, b) => a - b) : [...labeled].sort((a, b) => a - b);
  return { plan: { id: spec.id ?? 'nifti', kind: 'nifti', source: 'ct', codeMap, labeledClasses: [...new Set(labeledClasses)], mergedInto: {} }, cases };
}
