import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { WarningSchema } from './common.js';

export const TfBackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export const InferenceEngineName = z.enum(['onnxruntime-node', 'tfjs']);

export const ModelRefSchema = z.object({ id: z.string(), path: z.string() });
export type ModelRef = z.infer<typeof ModelRefSchema>;

/** The model segmentation uses when none is named: adopted by the user (settings) or bundled. */
export const DefaultModelRefSchema = ModelRefSchema.extend({ source: z.enum(['adopted', 'bundled']) });

export const DefaultModelStateSchema = z.object({
  /** What a segmentation without a model folder uses now; null when nothing is adopted or bundled. */
  current: DefaultModelRefSchema.nullable(),
  /** The adopted folder as saved, also while it is missing (then `current` is the bundled one). */
  adopted: z.string().nullable(),
  bundled: ModelRefSchema.nullable(),
  /** DEFAULT_MODEL_MISSING when the adopted folder has vanished. */
  warnings: z.array(WarningSchema),
});
export type DefaultModelState = z.infer<typeof DefaultModelStateSchema>;

export const SystemInfo = z.object({
  app: z.literal('CardioSeg'),
  version: z.string(),
  runtime: z.object({ node: z.string(), electron: z.string().nullable(), platform: z.string(), arch: z.string(), cpus: z.number().int() }),
  tfBackend: TfBackendName,
  tfBackendsTried: z.array(z.object({ name: TfBackendName, ok: z.boolean(), error: z.string().optional() })),
  inferenceEngine: InferenceEngineName,
  inferenceEngineError: z.string().optional(),
  defaultModel: DefaultModelRefSchema.nullable(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemContract = service({
  methods: {
    info: method({ summary: 'Version, TensorFlow.js backend, inference engine, default model', input: z.object({}), output: SystemInfo }),
  },
});
