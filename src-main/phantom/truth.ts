import type { z } from 'zod';
import { CLASSES } from '../../src-shared/classes.js';
import type { AnnulusTruthSchema, PhantomTruthSchema, StructureTruthSchema } from '../../src-shared/contract/phantom.contract.js';
import type { Vec3, Volume } from '../../src-shared/volume/volume.js';
import type { HuLevels } from './intensity.js';
import { phantomName, resolveGrid, type PhantomParams } from './params.js';

/** One definition for the wire and the code: the contract's zod schemas. */
export type StructureTruth = z.infer<typeof StructureTruthSchema>;
/** The mitral annulus: an ellipse in LPS mm, exactly the LA/LV contact disc of the label map. */
export type AnnulusTruth = z.infer<typeof AnnulusTruthSchema>;
export type PhantomTruth = z.infer<typeof PhantomTruthSchema>;

/** Structure volumes from label voxels (count x voxel volume). */
export function structureVolumes(labels: Volume<Uint8Array>): StructureTruth[] {
  const counts = new Float64Array(256);
  for (let i = 0; i < labels.data.length; i++) counts[labels.data[i]]++;
  const voxelMl = (labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2]) / 1000;
  return CLASSES.filter((c) => c.id !== 0).map((c) => ({
    id: c.id,
    key: c.key,
    name: c.name,
    voxels: counts[c.id],
    volumeMl: Math.round(counts[c.id] * voxelMl * 1e4) / 1e4,
  }));
}

export function computeTruth(a: {
  params: PhantomParams;
  labels: Volume<Uint8Array>;
  annulus: { centre: Vec3; normal: Vec3; major: Vec3; minor: Vec3; semiMajorMm: number; semiMinorMm: number };
  levels: HuLevels;
  noiseSigma: number;
  psfSigmaMm: number;
  heart: PhantomTruth['heart'];
  generatorVersion: number;
}): PhantomTruth {
  const { semiMajorMm: A, semiMinorMm: B } = a.annulus;
  const h = ((A - B) / (A + B)) ** 2;
  const g = resolveGrid(a.params);
  return {
    name: phantomName(a.params),
    generatorVersion: a.generatorVersion,
    seed: a.params.seed,
    preset: a.params.preset,
    grid: { dims: g.dims, spacingMm: g.spacingMm, originLps: [...a.labels.originLps] as Vec3, direction: g.direction },
    frame: 'LPS',
    patientPosition: 'HFS',
    noiseSigmaHu: a.noiseSigma,
    psfSigmaMm: a.psfSigmaMm,
    hu: a.levels,
    structures: structureVolumes(a.labels),
    annulus: {
      centreLps: a.annulus.centre,
      normalLps: a.annulus.normal,
      majorAxisLps: a.annulus.major,
      minorAxisLps: a.annulus.minor,
      semiMajorMm: A,
      semiMinorMm: B,
      majorDiameterMm: 2 * A,
      minorDiameterMm: 2 * B,
      areaMm2: Math.PI * A * B,
      perimeterMm: Math.PI * (A + B) * (1 + (3 * h) / (10 + Math.sqrt(4 - 3 * h))),
    },
    heart: a.heart,
  };
}
