import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { z } from 'zod';
import { CLASSES, type StructureClass } from '../../src-shared/classes.js';
import { ExportRoiSchema, type ExportFile, type ExportRoi, type ExportRunInput, type ExportRunOutput } from '../../src-shared/contract/exports.contract.js';
import { AppError, toAppError, type Warning } from '../../src-shared/errors.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import type { Volume } from '../../src-shared/volume/volume.js';
import { detectMitralValve } from '../geometry/detect.js';
import { resampleVolume } from '../geometry/resample.js';
import { roiGeometry } from '../geometry/roi-box.js';
import { encodeNifti, readNifti } from '../io/nifti/index.js';
import { yieldToLoop } from '../util/abort.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { APP_VERSION } from '../version.js';
import { classMesh, meshVolume, type Mesh } from './mesh.js';
import { encodeMtl, encodeObj, encodeStl } from './mesh-files.js';
import { exportBaseName } from './names.js';
import { renderOblique, renderPlane, type PlaneName } from './render.js';
import { reportCsv, reportHtml, reportJson, type ReportData, type ReportImage } from './report.js';
import { labelsOnGrid } from './resample.js';
import { annulusContour, cropVolume, roiAxis, roiCropBounds, roiDocument, roiMeasurements } from './roi.js';
import { buildSeg, segSourceProblem } from './seg.js';
import { loadCtSource } from './source.js';
import { structureStats } from './stats.js';

export type RunExportInput = z.output<typeof ExportRunInput>;
export interface RunContext {
  signal?: AbortSignal;
  progress?: (p: Progress) => void;
}

type Format = ExportFile['format'];
interface PlannedFile {
  rel: string;
  format: Format;
  make: () => Promise<Uint8Array | string>;
}

const gzipAsync = promisify(gzip);
const PLANES: PlaneName[] = ['axial', 'coronal', 'sagittal'];
/** A smoothed marching-cubes surface of a small structure drifts further from its voxel volume. */
const MESH_VOLUME_TOLERANCE = 0.03;

async function niftiGz(v: Volume, description: string): Promise<Uint8Array> {
  return new Uint8Array(await gzipAsync(encodeNifti(v, { description })));
}

/** Big files go out in 1 MiB pieces so a cancel takes effect mid-file and the loop stays responsive. */
async function* chunked(data: Uint8Array): AsyncIterable<Uint8Array> {
  const step = 1 << 20;
  for (let o = 0; o < data.length; o += step) {
    yield data.subarray(o, o + step);
    await new Promise<void>((r) => setImmediate(r));
  }
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** The ROI from the geometry module when the caller did not pass one; failures become warnings. */
function detectRoi(labels: Volume<Uint8Array>, warnings: Warning[]): ExportRoi | undefined {
  try {
    const d = detectMitralValve(labels);
    warnings.push(...d.warnings.map((w) => ({ ...w, code: `ROI_${w.code}` })));
    return ExportRoiSchema.parse({ box: d.box, annulus: d.annulus });
  } catch (e) {
    const err = toAppError(e, 'DATA');
    warnings.push({ code: 'ROI_NOT_FOUND', message: `Mitral ROI not detected: ${err.message}` });
    return undefined;
  }
}

export async function runExport(input: RunExportInput, ctx: RunContext = {}): Promise<ExportRunOutput> {
  const { signal } = ctx;
  const report = (stage: string, done: number, total: number, message?: string) => ctx.progress?.({ stage, done, total, ...(message ? { message } : {}) });
  const formats = new Set(input.formats);
  const warnings: Warning[] = [];

  report('load', 0, 2, 'reading CT');
  const src = await loadCtSource(input.ctPath, signal);
  report('load', 1, 2, 'reading labels');
  const grid = labelsOnGrid(await readNifti(input.labelsPath), src.ct);
  warnings.push(...grid.warnings);
  const labels = grid.labels;
  const ct = src.ct;
  await yieldToLoop(signal);
  const stats = structureStats(labels, ct);
  if (!stats.length) warnings.push({ code: 'NO_STRUCTURES', message: 'The label map contains no product structures' });
  const classes = stats.map((s) => CLASSES[s.id] as StructureClass);
  const base = exportBaseName([src.dicom?.PatientName, src.dicom?.SeriesDescription]);
  const modelId = input.modelInfo?.id ?? 'unknown-model';

  const meshCache = new Map<string, Promise<Mesh | null>>();
  const meshOf = (vol: Volume<Uint8Array>, tag: string, cls: StructureClass): Promise<Mesh | null> => {
    const key = `${tag}:${cls.id}`;
    let m = meshCache.get(key);
    if (!m) {
      m = classMesh(vol, cls.id, { smoothingIterations: input.smoothingIterations ?? 15, step: input.meshStep ?? 1 }).then((mesh) => {
        if (mesh && tag === 'full') {
          const voxelMm3 = (stats.find((s) => s.id === cls.id)?.voxelCount ?? 0) * vol.spacingMm[0] * vol.spacingMm[1] * vol.spacingMm[2];
          const err = Math.abs(meshVolume(mesh) - voxelMm3) / voxelMm3;
          if (err > MESH_VOLUME_TOLERANCE) warnings.push({ code: 'MESH_VOLUME', message: `${cls.name}: surface volume differs from the voxel volume by ${(err * 100).toFixed(1)} %` });
        }
        return mesh;
      });
      meshCache.set(key, m);
    }
    return m;
  };
  const meshBytes = async (vol: Volume<Uint8Array>, tag: string, cls: StructureClass, kind: 'stl' | 'obj'): Promise<Uint8Array | string> => {
    const mesh = await meshOf(vol, tag, cls);
    if (!mesh) throw new AppError('INTERNAL', `No surface for ${cls.key}`);
    return kind === 'stl' ? encodeStl(mesh, cls.name) : encodeObj(mesh, cls, 'structures.mtl');
  };

  const plan: PlannedFile[] = [];
  if (formats.has('seg')) {
    const dicom = src.dicom;
    const problem = dicom ? segSourceProblem(dicom) : 'the CT was not DICOM';
    if (problem) warnings.push({ code: 'SEG_SKIPPED', message: `No DICOM SEG written: ${problem}` });
    else if (dicom && stats.length) {
      plan.push({
        rel: `${base}.seg.dcm`,
        format: 'seg',
        make: async () => {
          const seg = await buildSeg(labels, dicom, { name: 'CardioSeg', version: APP_VERSION, modelId });
          warnings.push(...seg.warnings);
          return seg.bytes;
        },
      });
    }
  }
  if (formats.has('nifti')) {
    plan.push({ rel: `${base}_labels.nii.gz`, format: 'nifti', make: () => niftiGz(labels, `CardioSeg labels ${modelId}`) });
    plan.push({ rel: `${base}_ct.nii.gz`, format: 'nifti', make: () => niftiGz(ct, 'CardioSeg CT') });
  }
  for (const cls of classes) {
    if (formats.has('stl')) plan.push({ rel: `meshes/${cls.key}.stl`, format: 'stl', make: () => meshBytes(labels, 'full', cls, 'stl') });
    if (formats.has('obj')) plan.push({ rel: `meshes/${cls.key}.obj`, format: 'obj', make: () => meshBytes(labels, 'full', cls, 'obj') });
  }
  if (formats.has('obj') && classes.length) plan.push({ rel: 'meshes/structures.mtl', format: 'mtl', make: async () => encodeMtl(classes) });

  const roi = formats.has('roi') || formats.has('report') ? (input.roi ?? detectRoi(labels, warnings)) : undefined;
  if (formats.has('roi') && !roi) warnings.push({ code: 'ROI_MISSING', message: 'No mitral ROI was given or found; ROI files were not written' });
  if (formats.has('roi') && roi) {
    const bounds = roiCropBounds(ct, roi);
    const roiLabels = cropVolume(labels, bounds);
    const roiCt = cropVolume(ct, bounds);
    plan.push({ rel: 'roi/roi.json', format: 'roi', make: async () => `${JSON.stringify(roiDocument(roi, bounds, ct), null, 2)}\n` });
    plan.push({ rel: 'roi/ct_roi.nii.gz', format: 'nifti', make: () => niftiGz(roiCt, 'CardioSeg mitral ROI CT') });
    plan.push({ rel: 'roi/labels_roi.nii.gz', format: 'nifti', make: () => niftiGz(roiLabels, 'CardioSeg mitral ROI labels') });
    // The same box resampled on its own axes (k along the valve normal): slices are valve planes.
    const iso = Math.min(...ct.spacingMm);
    const valveGrid = roiGeometry({ centreLps: roi.box.centreLps, axes: roi.box.axes, sizeMm: roi.box.sizeMm, spacingMm: roi.box.spacingMm ?? [iso, iso, iso] });
    plan.push({ rel: 'roi/ct_roi_valve.nii.gz', format: 'nifti', make: () => niftiGz(resampleVolume(ct, valveGrid, 'linear', -1024), 'CardioSeg mitral ROI CT, valve axes') });
    plan.push({ rel: 'roi/labels_roi_valve.nii.gz', format: 'nifti', make: () => niftiGz(resampleVolume(labels, valveGrid, 'nearest', 0), 'CardioSeg mitral ROI labels, valve axes') });
    for (const s of structureStats(roiLabels, null)) {
      const cls = CLASSES[s.id] as StructureClass;
      plan.push({ rel: `roi/meshes/${cls.key}.stl`, format: 'stl', make: () => meshBytes(roiLabels, 'roi', cls, 'stl') });
    }
  }

  if (formats.has('report')) {
    const images: ReportImage[] = [];
    for (const s of stats) {
      for (const plane of PLANES) {
        const file = `images/${s.key}_${plane}.png`;
        images.push({ file, title: `${s.name}, ${plane} through centroid`, plane, structure: s.key });
        plan.push({ rel: `report/${file}`, format: 'png', make: () => renderPlane(labels, ct, plane, s.centroidIjk) });
      }
    }
    if (roi) {
      const size = Math.max(...roi.box.sizeMm) * 1.5;
      images.push({ file: 'images/mitral_plane.png', title: 'Mitral plane through the ROI centre (annulus contour in magenta)', plane: 'mitral', structure: null });
      plan.push({ rel: 'report/images/mitral_plane.png', format: 'png', make: () => renderOblique(labels, ct, roi.box.centreLps, roiAxis(roi, 0), roiAxis(roi, 1), size, annulusContour(roi)) });
    }
    const data = (): ReportData => ({
      app: { name: 'CardioSeg', version: APP_VERSION },
      generatedAt: new Date().toISOString(),
      source: {
        ctPath: input.ctPath,
        labelsPath: input.labelsPath,
        seriesDescription: src.dicom?.SeriesDescription ?? null,
        studyDate: src.dicom?.StudyDate ?? null,
        seriesInstanceUid: src.dicom?.SeriesInstanceUID ?? null,
        dims: [...ct.dims],
        spacingMm: [...ct.spacingMm],
      },
      model: input.modelInfo ?? null,
      structures: stats,
      mitral: roi ? { measurements: roiMeasurements(roi), centerLps: [...roi.box.centreLps], sizeMm: [...roi.box.sizeMm] } : null,
      importWarnings: src.warnings,
      exportWarnings: warnings,
      images,
    });
    // Written last so the warnings of every other file are in it.
    plan.push({ rel: 'report/report.json', format: 'json', make: async () => reportJson(data()) });
    plan.push({ rel: 'report/report.csv', format: 'csv', make: async () => reportCsv(data()) });
    plan.push({ rel: 'report/report.html', format: 'html', make: async () => reportHtml(data()) });
  }

  const outDir = path.resolve(input.outDir);
  const targets = plan.map((p) => {
    const full = path.resolve(outDir, p.rel);
    if (!full.startsWith(outDir + path.sep)) throw new AppError('INTERNAL', `Export path escapes the output folder: ${p.rel}`);
    return full;
  });
  if (!input.overwrite) {
    const existing = (await Promise.all(targets.map(async (t) => ((await exists(t)) ? t : null)))).filter((t): t is string => t !== null);
    if (existing.length) throw new AppError('IO', `${existing.length} export file(s) already exist; pass overwrite to replace them`, { existing: existing.slice(0, 20) });
  }

  const files: ExportFile[] = [];
  for (let n = 0; n < plan.length; n++) {
    const p = plan[n] as PlannedFile;
    report('write', n, plan.length, p.rel);
    await yieldToLoop(signal);
    const data = await p.make();
    try {
      await writeFileAtomic(targets[n] as string, typeof data === 'string' ? data : chunked(data), { overwrite: input.overwrite ?? false, signal });
    } catch (e) {
      // AbortError (DOMException) -> ABORTED; EEXIST from a file created since the check -> IO.
      throw toAppError(e, 'IO');
    }
    files.push({ path: targets[n] as string, format: p.format, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength });
  }
  report('write', plan.length, plan.length);
  return { files, warnings: [...src.warnings, ...warnings] };
}
