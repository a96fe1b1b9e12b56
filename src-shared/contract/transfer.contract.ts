import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { PathSchema, WarningSchema } from './common.js';
import { TrainingDatasetSpec, ValidationMetrics } from './training.contract.js';

/**
 * Transfer learning: start from a pretrained network (tfjs layers model, Keras 2 .h5, Keras 2/3
 * config JSON, a CardioSeg model folder, or a 3D brainchop MeshNet turned 2D), keep its encoder,
 * attach the CardioSeg decoder + 9-class softmax head, then train frozen -> progressively unfrozen.
 */
export const TransferLayer = z.object({
  name: z.string(),
  className: z.string(),
  outputShape: z.array(z.number().nullable()),
  params: z.number().int(),
  dilated: z.boolean(),
});

export const TransferInspectInput = z.object({
  path: PathSchema,
  /** Overrides of the proposal, by layer name. */
  cut: z.string().optional(),
  skips: z.array(z.string()).optional(),
});

export const TransferInspectOutput = z.object({
  kind: z.enum(['tfjs', 'keras-h5', 'keras-config', 'cardioseg']),
  keras3: z.boolean(),
  inputShape: z.array(z.number().nullable()),
  spatialDims: z.number().int(),
  layers: z.array(TransferLayer),
  cut: z.string(),
  skips: z.array(z.string()),
  reason: z.string(),
  warnings: z.array(WarningSchema),
});
export type TransferInspectOutput = z.infer<typeof TransferInspectOutput>;

export const TransferSchedule = z.object({
  /** Total epochs (the budget); 0 only builds and saves the transfer model. */
  epochs: z.number().int().min(0).max(10_000).default(20),
  learningRate: z.number().positive().max(1).default(1e-3),
  /** Learning-rate multiplier once encoder blocks train. */
  fineTuneFactor: z.number().positive().max(1).default(0.1),
  /** Share of the epochs spent with the encoder frozen (feature extraction). */
  featureShare: z.number().min(0.05).max(1).default(0.5),
  /** At most this many encoder blocks are unfrozen, bottleneck first (default: all that can train). */
  maxBlocks: z.number().int().min(0).optional(),
});

export const TransferTrainInput = z.object({
  from: PathSchema,
  cut: z.string().optional(),
  skips: z.array(z.string()).optional(),
  datasets: z.array(TrainingDatasetSpec).min(1),
  outDir: PathSchema,
  inputSize: z.tuple([z.number().int().min(8).max(1024), z.number().int().min(8).max(1024)]).default([128, 128]),
  channelOffsets: z.array(z.number().int().min(-4).max(4)).min(1).max(9).optional(),
  schedule: TransferSchedule.default({ epochs: 20, learningRate: 1e-3, fineTuneFactor: 0.1, featureShare: 0.5 }),
  batchSize: z.number().int().min(1).max(64).default(4),
  augment: z.boolean().default(true),
  validationFraction: z.number().min(0).max(0.9).default(0.2),
  seed: z.number().int().default(1),
  maxSlicesPerEpoch: z.number().int().min(0).default(0),
  decoderFilters: z.number().int().min(1).max(256).default(16),
  /** encoderInput = scale * x + offset for x in [0,1] after the plan's normalisation. */
  encoderInput: z.object({ scale: z.number(), offset: z.number(), note: z.string().default('caller-provided') }).optional(),
  /** Let the 1x1 input adapter train (not possible in front of dilated convolutions). */
  adapterTrainable: z.boolean().default(false),
  /** Dilated convolutions: re-expressed exactly through space-to-batch so they can train, or kept native and frozen. */
  dilation: z.enum(['space-to-batch', 'frozen']).default('space-to-batch'),
  mode: z.enum(['auto', 'new-decoder', 'finetune']).default('auto'),
});
export type TransferTrainInput = z.input<typeof TransferTrainInput>;

export const TransferStageResult = z.object({
  stage: z.number().int(),
  unfrozenBlocks: z.number().int(),
  learningRate: z.number(),
  epochs: z.number().int(),
  trainableParams: z.number().int(),
  trainLoss: z.array(z.number()),
  validation: ValidationMetrics,
  seconds: z.number(),
});

export const TransferTrainOutput = z.object({
  modelDir: z.string(),
  backend: z.string(),
  mode: z.enum(['new-decoder', 'finetune']),
  cut: z.string(),
  skips: z.array(z.string()),
  encoderBlocks: z.number().int(),
  pinnedBatchNorm: z.array(z.string()),
  dilated: z.array(z.string()),
  derived2d: z.boolean(),
  trainPatients: z.array(z.string()),
  validationPatients: z.array(z.string()),
  stages: z.array(TransferStageResult),
  /** Validation after the last stage (null when no epochs ran). */
  validation: ValidationMetrics.nullable(),
  seconds: z.number(),
  warnings: z.array(WarningSchema),
});
export type TransferTrainOutput = z.infer<typeof TransferTrainOutput>;

export const transferContract = service({
  methods: {
    inspect: method({ summary: 'List a pretrained model\'s layers and propose the encoder cut and skip layers', input: TransferInspectInput, output: TransferInspectOutput }),
    train: method({ summary: 'Build a transfer model (pretrained encoder + CardioSeg decoder) and train it frozen -> progressively unfrozen', input: TransferTrainInput, output: TransferTrainOutput }),
  },
});
