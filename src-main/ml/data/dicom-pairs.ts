/**
 * DICOM CT series + label volume pairs. The label is a NIfTI volume that must already lie on the
 * CT's voxel grid (same dims, origin and axes: resampling labels here would be a silent source of
 * error), or a DICOM SEG whose frames are placed on the CT's slices by reference (src-main/io/seg).
 */
import type { TrainingDatasetSpec } from '../../../src-shared/contract/training.contract.js';
import { NUM_CLASSES } from '../../../src-shared/classes.js';
import { AppError } from '../../../src-shared/errors.js';
import type { Volume, VolumeGeometry } from '../../../src-shared/volume/volume.js';
import { importDicom } from '../../dicom/index.js';
import { readNifti } from '../../io/nifti/index.js';
import { readSeg } from '../../io/seg/index.js';
import { reorientationOf, toCanonical } from '../orientation.js';
import { applyCodeMap, volumeSlices } from '../preprocess.js';
import type { LoadedDataset, TrainingCase } from './cases.js';

/** Same grid: dims equal, origins within half a voxel, axes within ~1 degree. */
export function assertSameGrid(a: VolumeGeometry, b: VolumeGeometry, what: string): void {
  const dimsOk = a.dims.every((d, i) => d === b.dims[i]);
  const minSp = Math.min(...a.spacingMm);
  const originOk = Math.hypot(...a.originLps.map((o, i) => o - b.originLps[i]!)) <= 0.5 * minSp;
  const axesOk = [0, 1, 2].every((r) => a.direction.slice(r * 3, r * 3 + 3).reduce((s, v, i) => s + v * b.direction[r * 3 + i]!, 0) > 0.9998);
  const spacingOk = a.spacingMm.every((s, i) => Math.abs(s - b.spacingMm[i]!) <= 0.01 * s);
  if (!(dimsOk && originOk && axesOk && spacingOk)) {
    throw new AppError('DATA', `${what}: the label volume is not on the CT's voxel grid (resample it first)`, {
      ct: { dims: a.dims, originLps: a.originLps, spacingMm: a.spacingMm, direction: a.direction },
      label: { dims: b.dims, originLps: b.originLps, spacingMm: b.spacingMm, direction: b.direction },
    });
  }
}

const NIFTI = /\.nii(\.gz)?$/i;

export async function loadDicomPairs(spec: Extract<TrainingDatasetSpec, { kind: 'dicom' }>, index: number): Promise<LoadedDataset> {
  const codeMap = spec.codeMap ?? Object.fromEntries(Array.from({ length: NUM_CLASSES }, (_, i) => [String(i), i]));
  const cases: TrainingCase[] = [];
  const seen = new Set<number>([0]);
  for (const [i, pair] of spec.pairs.entries()) {
    const isSeg = !NIFTI.test(pair.label);
    // A SEG references the source slices themselves: equalised (resampled) slices would not be them.
    const { volume: rawVolume } = await importDicom(pair.series, { ...(pair.seriesUid ? { seriesUid: pair.seriesUid } : {}), ...(isSeg ? { equalizeSpacing: false } : {}) });
    let rawLab: Volume;
    if (isSeg) {
      // SEG segments carry their own codes: codeMap (when given) is keyed by segment number here.
      rawLab = (await readSeg(pair.label, rawVolume, spec.codeMap ? { codeMap: spec.codeMap } : {})).labels;
    } else {
      rawLab = await readNifti(pair.label);
      assertSameGrid(rawVolume, rawLab, pair.label);
    }
    // Sagittal/coronal acquisitions: the same canonical storage order as inference.
    const r = reorientationOf(rawVolume.direction);
    const volume = { ...toCanonical(rawVolume, r), metadata: rawVolume.metadata };
    const lab = toCanonical(rawLab, r);
    const ids = isSeg ? Uint8Array.from(lab.data) : applyCodeMap(lab.data, codeMap);
    for (const v of new Set(ids)) seen.add(v);
    const n = volume.dims[0] * volume.dims[1];
    const depth = volume.dims[2];
    cases.push({
      patientId: pair.patientId ?? String(volume.metadata.PatientID ?? `dicom-${i}`),
      datasetIndex: index,
      image: volumeSlices(volume.dims, volume.data, 'ct'),
      label: (z) => (z >= 0 && z < depth ? ids.subarray(z * n, (z + 1) * n) : undefined),
      zs: Array.from({ length: depth }, (_, z) => z),
    });
  }
  const labeledClasses = spec.codeMap ? [...new Set([0, ...Object.values(codeMap)])] : [...seen];
  return { plan: { id: spec.id ?? 'dicom', kind: 'dicom', source: 'ct', codeMap, labeledClasses: labeledClasses.sort((a, b) => a - b), mergedInto: {} }, cases };
}
