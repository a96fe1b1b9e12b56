import { z } from 'zod';
import { method, service } from '../rpc/define.js';

export const TfBackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export const InferenceEngineName = z.enum(['onnxruntime-node', 'tfjs']);

export const SystemInfo = z.object({
  app: z.literal('CardioSeg'),
  version: z.string(),
  runtime: z.object({ node: z.string(), electron: z.string().nullable(), platform: z.string(), arch: z.string(), cpus: z.number().int() }),
  tfBackend: TfBackendName,
  tfBackendsTried: z.array(z.object({ name: TfBackendName, ok: z.boolean(), error: z.string().optional() })),
  inferenceEngine: InferenceEngineName,
  inferenceEngineError: z.string().optional(),
  defaultModel: z.object({ id: z.string(), path: z.string() }).nullable(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemContract = service({
  methods: {
    info: method({ summary: 'Version, TensorFlow.js backend, inference engine, default model', input: z.object({}), output: SystemInfo }),
  },
});
