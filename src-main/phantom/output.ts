import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Progress } from '../../src-shared/rpc/define.js';
import { writeCtSeries, type TransferSyntaxName } from '../dicom/writer/index.js';
import { writeNifti } from '../io/nifti/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { generatePhantomAsync, type PhantomResult } from './generate.js';
import type { PhantomParams } from './params.js';
import type { PhantomTruth } from './truth.js';

export interface PhantomFiles {
  outDir: string;
  dicomDir: string;
  dicomFiles: number;
  transferSyntax: TransferSyntaxName;
  transferSyntaxUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  labelsPath: string;
  ctNiftiPath: string | null;
  truthPath: string;
  truth: PhantomTruth;
}

export interface WritePhantomOptions {
  syntax?: TransferSyntaxName;
  /** Also write the CT as NIfTI (ct.nii.gz); small presets only by default. */
  ctNifti?: boolean;
  /** See CtSeriesOptions.atomicFiles; the fixture cache writes into a temp folder and renames it. */
  atomicFiles?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Layout of a phantom folder:
 *   dicom/IM00001.dcm ...   CT Image Storage series (HU = stored + intercept)
 *   labels.nii.gz           truth label map (class ids of src-shared/classes.ts)
 *   ct.nii.gz               the CT in HU (optional)
 *   truth.json              volumes in mL, annulus ellipse, seed, HU levels, noise
 */
export async function writePhantomFolder(outDir: string, result: PhantomResult, opts: WritePhantomOptions = {}): Promise<PhantomFiles> {
  const syntax = opts.syntax ?? 'explicit-le';
  await mkdir(outDir, { recursive: true });
  const dicomDir = path.join(outDir, 'dicom');
  const { truth } = result;
  const series = await writeCtSeries(dicomDir, result.ct, {
    transferSyntax: syntax,
    // UIDs follow the phantom, not the syntax: the same images in another encoding are the same instances.
    uidSeed: `cardioseg-phantom:${truth.name}:v${truth.generatorVersion}`,
    patient: { name: `Phantom^Seed${truth.seed}`, id: `PHANTOM${truth.seed}`, birthDate: '', sex: 'O' },
    study: { date: '20260101', time: '120000', description: 'CardioSeg synthetic cardiac CT phantom', id: String(truth.seed) },
    series: { number: 1, description: `${truth.name} ${syntax}` },
    manufacturer: 'CardioSeg phantom',
    atomicFiles: opts.atomicFiles,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  const labelsPath = path.join(outDir, 'labels.nii.gz');
  await writeNifti(labelsPath, result.labels, { description: `${truth.name} truth labels` });
  const wantCt = opts.ctNifti ?? result.ct.data.length <= 4_000_000;
  const ctNiftiPath = wantCt ? path.join(outDir, 'ct.nii.gz') : null;
  if (ctNiftiPath) await writeNifti(ctNiftiPath, result.ct, { description: `${truth.name} CT (HU)` });
  const truthPath = path.join(outDir, 'truth.json');
  await writeFileAtomic(truthPath, `${JSON.stringify(truth, null, 2)}\n`);
  return {
    outDir,
    dicomDir,
    dicomFiles: series.files.length,
    transferSyntax: syntax,
    transferSyntaxUid: series.transferSyntaxUid,
    seriesInstanceUid: series.seriesInstanceUid,
    studyInstanceUid: series.studyInstanceUid,
    frameOfReferenceUid: series.frameOfReferenceUid,
    labelsPath,
    ctNiftiPath,
    truthPath,
    truth,
  };
}

export async function generatePhantomFolder(outDir: string, params: PhantomParams, opts: WritePhantomOptions = {}): Promise<PhantomFiles> {
  const result = await generatePhantomAsync(params, { signal: opts.signal, onProgress: opts.onProgress });
  return writePhantomFolder(outDir, result, opts);
}
