import { z } from 'zod';
import { voxelCount, type Vec3 } from '../volume/volume.js';
import { method, service } from '../rpc/define.js';
import { GeometrySchema, PathSchema, TimingsSchema, VolumeSchema, WarningSchema } from './common.js';
import { InferenceEngineName } from './system.contract.js';

/** A Uint8 volume on a CT grid: label ids, or confidence x255. */
export const Uint8VolumeSchema = GeometrySchema.extend({
  data: z.instanceof(Uint8Array),
  metadata: z.record(z.string(), z.unknown()).optional(),
}).refine((v) => v.data.length === voxelCount(v.dims as Vec3), { message: 'data length does not match dims', path: ['data'] });

export const SegmentationEngineChoice = z.enum(['auto', 'onnxruntime-node', 'tfjs']);

export const SegmentationRunInput = z.object({
  /** A DICOM folder or file, a NIfTI CT (.nii/.nii.gz), or a volume already in memory (HU). */
  input: z.union([z.object({ path: PathSchema, seriesUid: z.string().optional() }), z.object({ volume: VolumeSchema })]),
  /** Folder with model.json + weights + plans.json; default: the bundled model. */
  modelDir: PathSchema.optional(),
  /** When given, labels.nii.gz and confidence.nii.gz are written there too. */
  outDir: PathSchema.optional(),
  /** auto: tfjs on a native GPU, else onnxruntime-node, else tfjs (wasm/cpu). */
  engine: SegmentationEngineChoice.default('auto'),
  batchSize: z.number().int().min(1).max(64).default(4),
  postprocess: z
    .object({
      largestComponent: z.boolean().default(true),
      fillHoles: z.boolean().default(true),
      /** Connectivity of a structure's voxels for the largest-component step (holes use the dual, 6). */
      connectivity: z.union([z.literal(6), z.literal(26)]).default(26),
    })
    .default({ largestComponent: true, fillHoles: true, connectivity: 26 }),
});
export type SegmentationRunInput = z.input<typeof SegmentationRunInput>;

export const SegmentationClassStats = z.object({
  id: z.number().int(),
  key: z.string(),
  name: z.string(),
  voxels: z.number().int().nonnegative(),
  volumeMl: z.number().nonnegative(),
  /** Mean max-softmax probability over the class's voxels (0..1); null when the class is absent. */
  meanConfidence: z.number().min(0).max(1).nullable(),
  /** Voxels removed as small disconnected pieces / added as enclosed holes. */
  removedVoxels: z.number().int().nonnegative(),
  filledVoxels: z.number().int().nonnegative(),
});

export const SegmentationRunOutput = z.object({
  /** Class ids (plans.json classes) on the input CT's grid, voxel for voxel. */
  labels: Uint8VolumeSchema,
  /** Per-voxel max softmax probability x255 (divide by 255), on the same grid. */
  confidence: Uint8VolumeSchema,
  /** Multiply a stored confidence value by this to get the probability 0..1 (1/255). */
  confidenceScale: z.number(),
  engine: z.object({
    name: InferenceEngineName,
    detail: z.string(),
    onnxPath: z.string().optional(),
    /** true when this run exported the ONNX file, false when a cached one was reused. */
    onnxExported: z.boolean().optional(),
  }),
  model: z.object({ dir: z.string(), sourceHash: z.string(), inputSize: z.tuple([z.number(), z.number()]) }),
  /** Storage order of the input ('LPS', 'RAS', ...); other orders are permuted to LPS for the network and back, losslessly. */
  orientation: z.object({ source: z.string(), reoriented: z.boolean() }),
  /** ms: load, export, read, preprocess, forward, label, postprocess, write, total. */
  timings: TimingsSchema,
  perClass: z.array(SegmentationClassStats),
  files: z.object({ labels: z.string(), confidence: z.string() }).optional(),
  warnings: z.array(WarningSchema),
});
export type SegmentationRunOutput = z.infer<typeof SegmentationRunOutput>;

export const segmentationContract = service({
  methods: {
    run: method({
      summary: 'Segment a CT (DICOM, NIfTI or in-memory volume) with a U-Net: labels + confidence volumes',
      input: SegmentationRunInput,
      output: SegmentationRunOutput,
    }),
  },
});
