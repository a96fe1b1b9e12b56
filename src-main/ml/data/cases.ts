/**
 * Training data as patients ("cases"): a slice source plus class-id labels for the slices that
 * are annotated. Every dataset kind becomes this, so the trainer never sees file formats.
 */
import type { TrainingDatasetSpec } from '../../../src-shared/contract/training.contract.js';
import { AppError } from '../../../src-shared/errors.js';
import type { DatasetPlan } from '../plans.js';
import type { SliceSource } from '../preprocess.js';
import { volumeSlices } from '../preprocess.js';
import { loadPngFolder } from './png-folder.js';
import { syntheticCase } from './synthetic.js';

export interface TrainingCase {
  patientId: string;
  datasetIndex: number;
  image: SliceSource;
  /** Class ids (already mapped through the dataset's code map) for slice z, full resolution. */
  label(z: number): Uint8Array | undefined;
  /** Annotated slices. */
  zs: number[];
}

export interface LoadedDataset {
  plan: DatasetPlan;
  cases: TrainingCase[];
}

function syntheticDataset(spec: Extract<TrainingDatasetSpec, { kind: 'synthetic' }>, index: number): LoadedDataset {
  const classes = spec.classes ?? [1, 2, 3, 5];
  const cases: TrainingCase[] = [];
  for (let p = 0; p < spec.patients; p++) {
    const c = syntheticCase({ size: spec.size, slices: spec.slices, seed: spec.seed * 1000 + p, classes });
    const n = spec.size * spec.size;
    cases.push({
      patientId: `${spec.id ?? 'synthetic'}-${p}`,
      datasetIndex: index,
      image: volumeSlices(c.dims, c.image, 'ct'),
      label: (z) => (z >= 0 && z < spec.slices ? c.label.subarray(z * n, (z + 1) * n) : undefined),
      zs: Array.from({ length: spec.slices }, (_, z) => z),
    });
  }
  const codeMap: Record<string, number> = { '0': 0 };
  for (const id of classes) codeMap[String(id)] = id;
  return { plan: { id: spec.id ?? 'synthetic', kind: 'synthetic', source: 'ct', codeMap, labeledClasses: [0, ...classes], mergedInto: {} }, cases };
}

/** Resolve a dataset spec to cases. NIfTI support arrives with src-main/io/nifti's reader. */
export async function loadDataset(spec: TrainingDatasetSpec, index: number): Promise<LoadedDataset> {
  switch (spec.kind) {
    case 'synthetic':
      return syntheticDataset(spec, index);
    case 'png':
      return loadPngFolder(spec.path, spec.id, index);
    case 'nifti': {
      const { loadNiftiPairs } = await import('./nifti-pairs.js');
      return loadNiftiPairs(spec, index);
    }
    case 'dicom': {
      const { loadDicomPairs } = await import('./dicom-pairs.js');
      return loadDicomPairs(spec, index);
    }
    default:
      throw new AppError('UNSUPPORTED', `Unknown dataset kind`);
  }
}

/** Split by PATIENT (never by slice): a seeded shuffle of patient ids, at least one each side. */
export function splitByPatient<T extends { patientId: string }>(cases: T[], fraction: number, seed: number): { train: T[]; val: T[] } {
  const ids = [...new Set(cases.map((c) => c.patientId))].sort();
  if (ids.length < 2) throw new AppError('DATA', `Need at least 2 patients to split train/validation by patient, got ${ids.length}`, { patients: ids });
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const nVal = Math.min(ids.length - 1, Math.max(1, Math.round(ids.length * fraction)));
  const valIds = new Set(ids.slice(0, nVal));
  return { train: cases.filter((c) => !valIds.has(c.patientId)), val: cases.filter((c) => valIds.has(c.patientId)) };
}
