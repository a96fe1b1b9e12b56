import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ROI_RECORD_FILE, RoiRecordSchema, type RoiRecord } from '../../src-shared/contract/roi.contract.js';
import type { Contract } from '../../src-shared/contract/index.js';
import { AppError, type Warning } from '../../src-shared/errors.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import { voxelCount, type Volume } from '../../src-shared/volume/volume.js';
import { detectMitralValve } from '../geometry/detect.js';
import { resampleVolume } from '../geometry/resample.js';
import { adjustBox, orthonormalAxes, roiGeometry, type RoiBox } from '../geometry/roi-box.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { yieldToLoop } from '../util/abort.js';

/** Largest ROI grid we resample (a 400 mm cube at 1 mm): beyond that the box is a mistake. */
const MAX_ROI_VOXELS = 64_000_000;

/** NIfTI by extension; anything else (a folder or a .dcm file) goes through the DICOM importer. */
export async function loadVolume(p: string, warnings: Warning[], kind: 'ct' | 'labels'): Promise<Volume> {
  const lower = p.toLowerCase();
  if (lower.endsWith('.nii') || lower.endsWith('.nii.gz')) {
    const { readNifti } = await import('../io/nifti/index.js');
    return readNifti(p);
  }
  if (kind === 'labels') throw new AppError('UNSUPPORTED', `Label volumes are read from NIfTI (.nii / .nii.gz); got ${p}`, { path: p });
  const { importDicom } = await import('../dicom/index.js');
  const r = await importDicom(p);
  warnings.push(...r.warnings);
  return r.volume;
}

type WireArray = Int16Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer>;
/** The contract's arrays are backed by a plain ArrayBuffer; copy only in the rare shared case. */
const wire = (v: Volume): Volume<WireArray> => ({ ...v, data: v.data.buffer instanceof ArrayBuffer ? (v.data as WireArray) : (v.data.slice() as WireArray) });

/** Boxes from users/UIs may drift from orthonormal; re-orthonormalise only then, so a saved box round-trips bit for bit. */
function normaliseBox(box: RoiBox): RoiBox {
  const a = box.axes;
  const d = (p: number, q: number) => a[3 * p] * a[3 * q] + a[3 * p + 1] * a[3 * q + 1] + a[3 * p + 2] * a[3 * q + 2];
  let worst = 0;
  for (let p = 0; p < 3; p++) for (let q = p; q < 3; q++) worst = Math.max(worst, Math.abs(d(p, q) - (p === q ? 1 : 0)));
  const det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  if (worst < 1e-9 && det > 0) return box;
  const axes = orthonormalAxes([box.axes[0], box.axes[1], box.axes[2]], [box.axes[6], box.axes[7], box.axes[8]]);
  return { ...box, axes };
}

export function createRoiService(): ServiceImpl<Contract['roi']> {
  return {
    async detect(input, { signal, progress }) {
      const warnings: Warning[] = [];
      progress({ stage: 'roi-load', done: 0, total: 2 });
      const labels = input.labels ?? (await loadVolume(input.labelsPath as string, warnings, 'labels'));
      await yieldToLoop(signal);
      progress({ stage: 'roi-detect', done: 1, total: 2 });
      const r = detectMitralValve(labels, {
        laLabel: input.laLabel,
        lvLabel: input.lvLabel,
        aortaLabel: input.aortaLabel,
        toleranceMm: input.toleranceMm,
        minVolumeMl: input.minVolumeMl,
        marginMm: input.marginMm,
        ...(input.roiSpacingMm !== undefined ? { roiSpacingMm: input.roiSpacingMm } : {}),
      });
      progress({ stage: 'roi-detect', done: 2, total: 2 });
      return { ...r, warnings: [...warnings, ...r.warnings] };
    },

    async extract(input, { signal, progress }) {
      const warnings: Warning[] = [];
      const box = input.adjust ? adjustBox(normaliseBox(input.box), input.adjust) : normaliseBox(input.box);
      const geometry = roiGeometry(box);
      if (voxelCount(geometry.dims) > MAX_ROI_VOXELS) {
        throw new AppError('VALIDATION', `The ROI would have ${geometry.dims.join('x')} voxels; enlarge the spacing or shrink the box`, { dims: geometry.dims });
      }
      const total = 2 + (input.outDir ? 1 : 0);
      progress({ stage: 'roi-extract', done: 0, total });
      const ctSrc = input.ct ?? (input.ctPath ? await loadVolume(input.ctPath, warnings, 'ct') : undefined);
      await yieldToLoop(signal);
      const ct = ctSrc ? resampleVolume(ctSrc, geometry, 'linear', input.ctOutside) : undefined;
      progress({ stage: 'roi-extract', done: 1, total });
      const labelSrc = input.labels ?? (input.labelsPath ? await loadVolume(input.labelsPath, warnings, 'labels') : undefined);
      await yieldToLoop(signal);
      const labels = labelSrc ? resampleVolume(labelSrc, geometry, 'nearest', 0) : undefined;
      progress({ stage: 'roi-extract', done: 2, total });
      const written: string[] = [];
      if (input.outDir) {
        const { writeNifti } = await import('../io/nifti/index.js');
        const files: Record<string, string> = {};
        if (ct) {
          files.ct = path.join(input.outDir, 'roi-ct.nii.gz');
          await writeNifti(files.ct, ct, { description: 'CardioSeg mitral ROI, CT (trilinear)' });
        }
        if (labels) {
          files.labels = path.join(input.outDir, 'roi-labels.nii.gz');
          await writeNifti(files.labels, labels, { description: 'CardioSeg mitral ROI, labels (nearest)' });
        }
        files.json = path.join(input.outDir, 'roi.json');
        const doc = { version: 1, box, geometry, ...(input.annulus ? { annulus: input.annulus } : {}), files: { ct: files.ct ? path.basename(files.ct) : null, labels: files.labels ? path.basename(files.labels) : null }, source: { ctPath: input.ctPath, labelsPath: input.labelsPath } };
        await writeFileAtomic(files.json, `${JSON.stringify(doc, null, 2)}\n`);
        written.push(...Object.values(files));
        progress({ stage: 'roi-extract', done: 3, total });
      }
      const keep = input.returnVolumes;
      return { box, geometry, ...(keep && ct ? { ct: wire(ct) } : {}), ...(keep && labels ? { labels: wire(labels) } : {}), written, warnings };
    },

    async save({ studyDir, roi }) {
      const record: RoiRecord = RoiRecordSchema.parse({ ...roi, box: normaliseBox(roi.box), version: 1, savedAt: new Date().toISOString() });
      const file = path.join(studyDir, ROI_RECORD_FILE);
      await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
      return { path: file, record };
    },

    async load({ studyDir }) {
      const file = path.join(studyDir, ROI_RECORD_FILE);
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      if (!exists) return { path: file, record: null };
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw new AppError('DATA', `${file} is not valid JSON: ${(e as Error).message}`, { path: file });
      }
      const r = RoiRecordSchema.safeParse(parsed);
      if (!r.success) throw new AppError('DATA', `${file} is not a CardioSeg ROI record`, { path: file, issues: r.error.issues.slice(0, 5) });
      return { path: file, record: r.data };
    },
  };
}
