/**
 * The whole job on the bundled default case, through the same typed client the UI uses:
 * phantom DICOM series -> import -> segment (default model) -> mitral ROI -> exports, with Dice
 * against the phantom's truth so a newcomer sees what the model gets right and wrong.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CLASSES, NUM_CLASSES } from '../../src-shared/classes.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import { angleBetweenDeg, distance } from '../../src-shared/volume/affine.js';
import { diceByClass } from '../../src-shared/volume/metrics.js';
import type { Vec3 } from '../../src-shared/volume/volume.js';
import type { Warning } from '../../src-shared/errors.js';
import type { ExportRoi } from '../../src-shared/contract/exports.contract.js';
import type { LocalClient } from '../core.js';
import { readNifti } from '../io/nifti/index.js';

export const DEMO_CASE = { seed: 7, preset: 'small' as const };

export interface DemoStructure {
  key: string;
  name: string;
  predictedMl: number;
  truthMl: number;
  dice: number | null;
}

export interface DemoSummary {
  outDir: string;
  case: { name: string; dicomDir: string; slices: number; dims: Vec3; spacingMm: Vec3 };
  engine: { tfBackend: string; inference: string; detail: string };
  model: { dir: string };
  structures: DemoStructure[];
  meanForegroundDice: number;
  mitral: {
    detected: boolean;
    error?: string;
    areaMm2?: number;
    perimeterMm?: number;
    maxDiameterMm?: number;
    minDiameterMm?: number;
    angleToLvLongAxisDeg?: number | null;
    truth: { majorDiameterMm: number; minorDiameterMm: number; areaMm2: number };
    centreErrorMm?: number;
    normalErrorDeg?: number;
  };
  exports: { path: string; format: string; bytes: number }[];
  timingsS: Record<string, number>;
  warnings: Warning[];
}

export async function runDemo(
  client: LocalClient,
  outDir: string,
  opts: { modelDir?: string; signal?: AbortSignal; onProgress?: (p: Progress) => void; log?: (l: string) => void } = {},
): Promise<DemoSummary> {
  const log = opts.log ?? (() => undefined);
  const call = { signal: opts.signal, onProgress: opts.onProgress };
  const timings: Record<string, number> = {};
  const warnings: Warning[] = [];
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    log(`▶ ${name}`);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - t0) / 1000;
    }
  };

  const info = await client.system.info({});
  const phantom = await stage('phantom', () => client.phantom.generate({ ...DEMO_CASE, out: path.join(outDir, 'case') }, call));
  const imported = await stage('import', () => client.dicom.loadSeries({ path: phantom.dicomDir }, call));
  warnings.push(...imported.warnings);
  const seg = await stage('segment', () =>
    client.segmentation.run({ input: { volume: imported.volume }, outDir: path.join(outDir, 'segmentation'), ...(opts.modelDir ? { modelDir: opts.modelDir } : {}) }, call),
  );
  warnings.push(...seg.warnings);

  const truth = await readNifti(phantom.labelsPath);
  const dice = diceByClass(truth.data, seg.labels.data, NUM_CLASSES);
  const structures: DemoStructure[] = CLASSES.slice(1).map((c) => ({
    key: c.key,
    name: c.name,
    predictedMl: seg.perClass.find((p) => p.id === c.id)?.volumeMl ?? 0,
    truthMl: phantom.truth.structures.find((s) => s.id === c.id)?.volumeMl ?? 0,
    dice: dice[c.id] ?? null,
  }));
  const fg = structures.map((s) => s.dice ?? 0);

  const t = phantom.truth.annulus;
  const mitral: DemoSummary['mitral'] = {
    detected: false,
    truth: { majorDiameterMm: t.majorDiameterMm, minorDiameterMm: t.minorDiameterMm, areaMm2: t.areaMm2 },
  };
  let roiForExport: ExportRoi | undefined;
  try {
    const roi = await stage('mitral-roi', async () => {
      const det = await client.roi.detect({ labels: seg.labels }, call);
      await client.roi.extract({ ct: imported.volume, labels: seg.labels, box: det.box, annulus: det.annulus, outDir: path.join(outDir, 'mitral-roi'), returnVolumes: false }, call);
      return det;
    });
    warnings.push(...roi.warnings);
    const a = roi.annulus;
    Object.assign(mitral, {
      detected: true,
      areaMm2: a.areaMm2,
      perimeterMm: a.perimeterMm,
      maxDiameterMm: a.maxDiameterMm,
      minDiameterMm: a.minDiameterMm,
      angleToLvLongAxisDeg: a.angleToLvLongAxisDeg,
      centreErrorMm: distance(a.centreLps as Vec3, t.centreLps as Vec3),
      normalErrorDeg: angleBetweenDeg(a.normalLps as Vec3, t.normalLps as Vec3),
    });
    roiForExport = { box: roi.box, annulus: roi.annulus };
  } catch (e) {
    // A model that misses LA or LV must not hide the rest of the job: report it and go on.
    mitral.error = e instanceof Error ? e.message : String(e);
    warnings.push({ code: 'MITRAL_NOT_FOUND', message: mitral.error });
  }

  const modelDice = await recordedDice(seg.model.dir);
  const exported = await stage('export', () =>
    client.exports.run(
      {
        ctPath: phantom.dicomDir,
        labelsPath: seg.files?.labels ?? path.join(outDir, 'segmentation', 'labels.nii.gz'),
        formats: ['seg', 'nifti', 'stl', 'obj', ...(roiForExport ? (['roi'] as const) : []), 'report'],
        outDir: path.join(outDir, 'exports'),
        overwrite: true,
        ...(roiForExport ? { roi: roiForExport } : {}),
        modelInfo: { id: path.basename(seg.model.dir), version: seg.model.sourceHash.slice(0, 12), ...modelDice },
      },
      call,
    ),
  );
  warnings.push(...exported.warnings);

  return {
    outDir,
    case: { name: phantom.name, dicomDir: phantom.dicomDir, slices: phantom.dicomFiles, dims: imported.volume.dims as Vec3, spacingMm: imported.volume.spacingMm as Vec3 },
    engine: { tfBackend: info.tfBackend, inference: seg.engine.name, detail: seg.engine.detail },
    model: { dir: seg.model.dir },
    structures,
    meanForegroundDice: fg.reduce((s, d) => s + d, 0) / fg.length,
    mitral,
    exports: exported.files,
    timingsS: timings,
    warnings,
  };
}

/** The model's own validation Dice (training-result.json beside it), quoted in the report. */
async function recordedDice(modelDir: string): Promise<{ validationDice?: number; perClassDice?: Record<string, number> }> {
  try {
    const r = JSON.parse(await readFile(path.join(modelDir, 'training-result.json'), 'utf8')) as { validation?: { dice?: (number | null)[]; meanForegroundDice?: number } };
    const dice = r.validation?.dice ?? [];
    const perClassDice = Object.fromEntries(CLASSES.slice(1).flatMap((c) => (typeof dice[c.id] === 'number' ? [[c.key, dice[c.id] as number]] : [])));
    return { ...(typeof r.validation?.meanForegroundDice === 'number' ? { validationDice: r.validation.meanForegroundDice } : {}), perClassDice };
  } catch {
    return {};
  }
}

export function formatDemo(s: DemoSummary): string {
  const f = (n: number | null | undefined, d = 1) => (n === null || n === undefined ? '—' : n.toFixed(d));
  const lines = [
    `CardioSeg demo: ${s.case.name} (${s.case.dims.join('×')} voxels, ${s.case.spacingMm.map((v) => v.toFixed(2)).join('×')} mm)`,
    `Engine: inference ${s.engine.inference} (${s.engine.detail}); TensorFlow.js backend ${s.engine.tfBackend}`,
    `Model: ${s.model.dir}`,
    '',
    'Structure            predicted mL   truth mL   Dice',
    ...s.structures.map((x) => `  ${x.name.padEnd(18)} ${f(x.predictedMl).padStart(11)} ${f(x.truthMl).padStart(10)} ${f(x.dice, 3).padStart(6)}`),
    `  mean foreground Dice ${f(s.meanForegroundDice, 3)}`,
    '',
    s.mitral.detected
      ? `Mitral annulus: area ${f(s.mitral.areaMm2, 0)} mm² (truth ${f(s.mitral.truth.areaMm2, 0)}), diameters ${f(s.mitral.maxDiameterMm)} × ${f(s.mitral.minDiameterMm)} mm (truth ${f(s.mitral.truth.majorDiameterMm)} × ${f(s.mitral.truth.minorDiameterMm)}), centre error ${f(s.mitral.centreErrorMm)} mm, normal error ${f(s.mitral.normalErrorDeg)}°, angle to LV long axis ${f(s.mitral.angleToLvLongAxisDeg)}°`
      : `Mitral annulus: not found (${s.mitral.error})`,
    '',
    `Exports (${s.exports.length} files) in ${path.join(s.outDir, 'exports')}:`,
    ...summariseFiles(s.exports),
    '',
    `Time per stage: ${Object.entries(s.timingsS).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`,
    ...(s.warnings.length ? ['', `Warnings (${s.warnings.length}):`, ...s.warnings.slice(0, 10).map((w) => `  [${w.code}] ${w.message}`)] : []),
  ];
  return lines.join('\n');
}

function summariseFiles(files: DemoSummary['exports']): string[] {
  const by = new Map<string, { n: number; bytes: number }>();
  for (const f of files) {
    const e = by.get(f.format) ?? { n: 0, bytes: 0 };
    e.n++;
    e.bytes += f.bytes;
    by.set(f.format, e);
  }
  return [...by].map(([fmt, e]) => `  ${fmt.padEnd(6)} ${String(e.n).padStart(3)} file(s) ${(e.bytes / 1024).toFixed(0).padStart(8)} KiB`);
}
