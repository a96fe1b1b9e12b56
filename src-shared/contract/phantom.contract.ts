import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { Mat3Schema, PathSchema, Vec3Schema } from './common.js';

export const PhantomPresetSchema = z.enum(['small', 'full']);
/** DICOM transfer syntaxes the project's writer produces. */
export const PhantomSyntaxSchema = z.enum(['explicit-le', 'implicit-le', 'big-endian', 'deflate', 'rle']);

const PositiveVec3 = z.tuple([z.number().min(0.05).max(20), z.number().min(0.05).max(20), z.number().min(0.05).max(20)]);
const DimsVec3 = z.tuple([z.number().int().min(2).max(2048), z.number().int().min(2).max(2048), z.number().int().min(2).max(2048)]);

export const HuLevelsSchema = z.object({
  air: z.number(),
  lung: z.number(),
  fat: z.number(),
  muscle: z.number(),
  myocardium: z.number(),
  bloodLeft: z.number(),
  bloodRight: z.number(),
  bloodVenous: z.number(),
  bone: z.number(),
  csf: z.number(),
  vesselWall: z.number(),
});

export const StructureTruthSchema = z.object({ id: z.number().int(), key: z.string(), name: z.string(), voxels: z.number().int(), volumeMl: z.number() });

/** The mitral annulus ellipse in LPS mm; exactly the LA/LV contact disc of the truth labels. */
export const AnnulusTruthSchema = z.object({
  centreLps: Vec3Schema,
  /** Unit normal from the LA into the LV. */
  normalLps: Vec3Schema,
  majorAxisLps: Vec3Schema,
  minorAxisLps: Vec3Schema,
  semiMajorMm: z.number(),
  semiMinorMm: z.number(),
  majorDiameterMm: z.number(),
  minorDiameterMm: z.number(),
  areaMm2: z.number(),
  perimeterMm: z.number(),
});

export const PhantomTruthSchema = z.object({
  name: z.string(),
  generatorVersion: z.number().int(),
  seed: z.number().int(),
  preset: z.string(),
  grid: z.object({ dims: Vec3Schema, spacingMm: Vec3Schema, originLps: Vec3Schema, direction: Mat3Schema }),
  frame: z.literal('LPS'),
  patientPosition: z.literal('HFS'),
  noiseSigmaHu: z.number(),
  psfSigmaMm: z.number(),
  hu: HuLevelsSchema,
  structures: z.array(StructureTruthSchema),
  annulus: AnnulusTruthSchema,
  heart: z.object({ scale: z.number(), rotationAxis: Vec3Schema, rotationDeg: z.number(), annulusCentreLps: Vec3Schema }),
});
export type PhantomTruthWire = z.infer<typeof PhantomTruthSchema>;

export const PhantomGenerateInput = z.object({
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  preset: PhantomPresetSchema.default('small'),
  /** Output folder; receives dicom/, labels.nii.gz, truth.json (and ct.nii.gz for small grids). */
  out: PathSchema,
  syntax: PhantomSyntaxSchema.default('explicit-le'),
  noiseSigma: z.number().min(0).max(500).optional(),
  dims: DimsVec3.optional(),
  spacingMm: PositiveVec3.optional(),
  /** Oblique grids: row-major direction cosines of the i, j, k axes (orthonormal). */
  direction: Mat3Schema.optional(),
  /** Also write ct.nii.gz (default: only for grids up to 4 M voxels). */
  ctNifti: z.boolean().optional(),
});

export const PhantomGenerateOutput = z.object({
  name: z.string(),
  outDir: z.string(),
  dicomDir: z.string(),
  dicomFiles: z.number().int(),
  transferSyntax: PhantomSyntaxSchema,
  transferSyntaxUid: z.string(),
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  frameOfReferenceUid: z.string(),
  labelsPath: z.string(),
  ctNiftiPath: z.string().nullable(),
  truthPath: z.string(),
  truth: PhantomTruthSchema,
  timingsMs: z.record(z.string(), z.number()),
});
export type PhantomGenerateOutput = z.infer<typeof PhantomGenerateOutput>;

/** Synthetic cardiac CT with known truth: the fixture of every test and the demo. */
export const phantomContract = service({
  methods: {
    generate: method({
      summary: 'Generate a seeded synthetic cardiac CT phantom: DICOM series, truth labels (NIfTI), truth.json',
      input: PhantomGenerateInput,
      output: PhantomGenerateOutput,
    }),
  },
});
