import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { PathSchema, WarningSchema } from './common.js';

/** Where training data comes from; each dataset is split by patient, never by slice. */
export const TrainingDatasetSpec = z.discriminatedUnion('kind', [
  /** Folder of slice PNGs + colour masks (`images/`, `masks/`, `color_class_mapping/`), e.g. ImageCHD exports. */
  z.object({ kind: z.literal('png'), path: PathSchema, id: z.string().optional() }),
  /** NIfTI image/label pairs; the label's integer codes map to classes through codeMap (default: identity). */
  z.object({
    kind: z.literal('nifti'),
    pairs: z.array(z.object({ image: PathSchema, label: PathSchema, patientId: z.string().optional() })).min(1),
    codeMap: z.record(z.string(), z.number().int().min(0)).optional(),
    id: z.string().optional(),
  }),
  /**
   * DICOM CT series + a label, one patient per pair. The label is a NIfTI volume on the CT's voxel
   * grid (codeMap keys: its label values), or a DICOM SEG (.dcm) of that series whose frames are
   * placed by ReferencedSOPInstanceUID (else ImagePositionPatient) and whose segments map to
   * classes by SNOMED type code (codeMap keys: segment numbers; an unmapped segment is an error).
   */
  z.object({
    kind: z.literal('dicom'),
    pairs: z.array(z.object({ series: PathSchema, label: PathSchema, seriesUid: z.string().optional(), patientId: z.string().optional() })).min(1),
    codeMap: z.record(z.string(), z.number().int().min(0)).optional(),
    id: z.string().optional(),
  }),
  /** Generated ellipsoid chambers and tube vessels with CT-like HU (tests, demos, smoke runs). */
  z.object({
    kind: z.literal('synthetic'),
    patients: z.number().int().min(2).max(200),
    size: z.number().int().min(16).max(512),
    slices: z.number().int().min(1).max(512),
    classes: z.array(z.number().int().min(1).max(8)).optional(),
    seed: z.number().int().default(1),
    id: z.string().optional(),
  }),
]);
export type TrainingDatasetSpec = z.infer<typeof TrainingDatasetSpec>;

export const ArchitectureOptions = z.object({
  baseFilters: z.number().int().min(1).max(256).optional(),
  depth: z.number().int().min(1).max(5).optional(),
  batchNorm: z.boolean().optional(),
  /** Network input [height, width]; must be divisible by 2^depth. */
  inputSize: z.tuple([z.number().int().min(8).max(1024), z.number().int().min(8).max(1024)]).optional(),
  channelOffsets: z.array(z.number().int().min(-4).max(4)).min(1).max(9).optional(),
  /** 'reference' = the origin report's 64-128-256 U-Net; 'default' = the lighter shipped one. */
  preset: z.enum(['reference', 'default']).optional(),
});

export const TrainingStartInput = z.object({
  datasets: z.array(TrainingDatasetSpec).min(1),
  outDir: PathSchema,
  epochs: z.number().int().min(1).max(10_000).default(30),
  batchSize: z.number().int().min(1).max(64).default(4),
  /** Adam; 3e-3 measured best for the default (BatchNorm) U-Net, see src-main/ml/MODEL-CARD.md. */
  learningRate: z.number().positive().max(1).default(3e-3),
  architecture: ArchitectureOptions.default({}),
  loss: z.object({ crossEntropy: z.number().min(0).default(1), dice: z.number().min(0).default(1) }).default({ crossEntropy: 1, dice: 1 }),
  augment: z.boolean().default(true),
  /** Fraction of PATIENTS held out for validation (at least one patient). */
  validationFraction: z.number().min(0).max(0.9).default(0.2),
  /** Stop after this many epochs without validation improvement; 0 disables. */
  earlyStoppingPatience: z.number().int().min(0).default(10),
  /** Continue from outDir's last checkpoint (same epoch, weights and optimizer state). */
  resume: z.boolean().default(false),
  /** A model folder to start from (transfer learning); see src-main/ml/transfer. */
  from: PathSchema.optional(),
  seed: z.number().int().default(1),
  /** Cap of training slices per epoch (0 = all): keeps epochs short on big sets. */
  maxSlicesPerEpoch: z.number().int().min(0).default(0),
});
export type TrainingStartInput = z.input<typeof TrainingStartInput>;

const PerClass = z.array(z.number().nullable());

export const ValidationMetrics = z.object({
  /** Per class id (index = id); null where the class is absent from truth and prediction or not labeled. */
  dice: PerClass,
  iou: PerClass,
  predictedFraction: z.array(z.number()),
  trueFraction: z.array(z.number()),
  accuracy: z.number(),
  /** What predicting background everywhere would score: the number accuracy must be read against. */
  allBackgroundAccuracy: z.number(),
  meanForegroundDice: z.number(),
});
export type ValidationMetrics = z.infer<typeof ValidationMetrics>;

export const EpochEvent = z.object({
  runId: z.string(),
  epoch: z.number().int(),
  epochs: z.number().int(),
  trainLoss: z.number(),
  validation: ValidationMetrics,
  seconds: z.number(),
  etaSeconds: z.number(),
  improved: z.boolean(),
});
export type EpochEvent = z.infer<typeof EpochEvent>;

export const BatchEvent = z.object({
  runId: z.string(),
  epoch: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  loss: z.number(),
  etaSeconds: z.number(),
});
export type BatchEvent = z.infer<typeof BatchEvent>;

export const TrainingResult = z.object({
  runId: z.string(),
  modelDir: PathSchema,
  backend: z.string(),
  epochsRun: z.number().int(),
  startEpoch: z.number().int(),
  bestEpoch: z.number().int(),
  stoppedEarly: z.boolean(),
  trainPatients: z.array(z.string()),
  validationPatients: z.array(z.string()),
  classes: z.array(z.object({ id: z.number().int(), key: z.string(), name: z.string() })),
  validation: ValidationMetrics,
  /** The best model's metrics on each validation dataset alone (by dataset id). */
  validationByDataset: z.record(z.string(), ValidationMetrics).default({}),
  qualityGate: z.object({
    passed: z.boolean(),
    /** Checked on the pooled validation set AND on each validation dataset (`dataset` set). */
    failures: z.array(z.object({ classId: z.number().int(), predictedFraction: z.number(), trueFraction: z.number(), dataset: z.string().optional() })),
  }),
  history: z.array(z.object({ epoch: z.number().int(), trainLoss: z.number(), meanForegroundDice: z.number() })),
  seconds: z.number(),
  warnings: z.array(WarningSchema),
});
export type TrainingResult = z.infer<typeof TrainingResult>;

export const trainingContract = service({
  methods: {
    start: method({
      summary: 'Train the U-Net in a worker; validates per class on held-out patients each epoch',
      input: TrainingStartInput,
      output: TrainingResult,
    }),
    status: method({
      summary: 'Training runs in progress',
      input: z.object({}),
      output: z.object({ runs: z.array(z.object({ runId: z.string(), outDir: z.string(), epoch: z.number().int(), epochs: z.number().int() })) }),
    }),
    cancel: method({
      summary: 'Cancel a training run (its last checkpoint stays resumable)',
      input: z.object({ runId: z.string() }),
      output: z.object({ cancelled: z.boolean() }),
    }),
  },
  events: {
    epoch: EpochEvent,
    batch: BatchEvent,
  },
});
