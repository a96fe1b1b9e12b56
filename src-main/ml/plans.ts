/**
 * plans.json: the one description of how a model sees data, saved with every model and read by
 * training and inference alike (nnU-Net's lesson: never re-derive preprocessing per stage).
 */
import { z } from 'zod';
import { CLASSES } from '../../src-shared/classes.js';
import { AppError } from '../../src-shared/errors.js';

export const PLANS_VERSION = 1;

export const NormalizationSchema = z.discriminatedUnion('kind', [
  /** CT in Hounsfield units: clip to [min, max] and map linearly to [0, 1]. */
  z.object({ kind: z.literal('hu-window'), min: z.number(), max: z.number() }),
  /** Images without physical units (8-bit PNG exports): each slice's own min..max -> [0, 1]. */
  z.object({ kind: z.literal('minmax-slice') }),
]);
export type Normalization = z.infer<typeof NormalizationSchema>;

export const SourceKind = z.enum(['ct', 'png']);
export type SourceKind = z.infer<typeof SourceKind>;

export const UNetConfigSchema = z.object({
  /** Filters of the first level; each deeper level doubles them (origin report: 64 -> 128 -> 256). */
  baseFilters: z.number().int().min(1).max(256),
  /** Number of 2x2 max-pool steps (origin report: 2). */
  depth: z.number().int().min(1).max(5),
  batchNorm: z.boolean(),
  convsPerBlock: z.number().int().min(1).max(3).default(2),
});
export type UNetConfig = z.infer<typeof UNetConfigSchema>;

export const REFERENCE_UNET: UNetConfig = { baseFilters: 64, depth: 2, batchNorm: false, convsPerBlock: 2 };
/** See model-card.md for the measurement behind this choice. */
export const DEFAULT_UNET: UNetConfig = { baseFilters: 16, depth: 2, batchNorm: true, convsPerBlock: 2 };

export const DatasetPlanSchema = z.object({
  id: z.string(),
  kind: z.enum(['png', 'nifti', 'dicom', 'synthetic']),
  source: SourceKind,
  /** Raw label code (as a string: an integer, or '#rrggbb' for colour masks) -> class id. */
  codeMap: z.record(z.string(), z.number().int().min(0)),
  /** Classes this dataset annotates; the loss of the others is masked. Always includes 0. */
  labeledClasses: z.array(z.number().int().min(0)),
  /**
   * Classes the dataset folds into another (e.g. one "aorta" label covering ascending and
   * descending aorta: {6: 1}). Their predicted probability is added to the target class.
   */
  mergedInto: z.record(z.string(), z.number().int().min(0)).default({}),
});
export type DatasetPlan = z.infer<typeof DatasetPlanSchema>;

export const PlansSchema = z.object({
  version: z.literal(PLANS_VERSION),
  classes: z.array(
    z.object({
      id: z.number().int().min(0),
      key: z.string(),
      name: z.string(),
      rgb: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
      snomed: z.object({ code: z.string(), meaning: z.string() }).nullable(),
    }),
  ),
  /** Network input [height, width]; every axial slice is resized to it. */
  inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  /** Slice offsets stacked as channels; [-1, 0, 1] gives the network through-plane context. */
  channelOffsets: z.array(z.number().int()).min(1),
  /** Per source kind, so a CT is never min-max scaled nor a PNG HU-windowed. */
  normalization: z.object({ ct: NormalizationSchema, png: NormalizationSchema }),
  resampling: z.object({
    /** Only in-plane: each axial slice is resized to inputSize; slices are never interpolated. */
    policy: z.literal('inplane-resize-to-input'),
    image: z.literal('bilinear'),
    /** Labels are resized nearest-neighbour only; interpolation would invent classes. */
    label: z.literal('nearest'),
    /** Edge slices repeat the nearest existing slice for missing neighbours. */
    missingNeighbour: z.literal('clamp'),
  }),
  datasets: z.array(DatasetPlanSchema),
  architecture: UNetConfigSchema,
});
export type Plans = z.infer<typeof PlansSchema>;

export function defaultPlans(opts: { inputSize?: [number, number]; architecture?: UNetConfig; datasets?: DatasetPlan[]; channelOffsets?: number[] } = {}): Plans {
  return {
    version: PLANS_VERSION,
    classes: CLASSES.map((c) => ({ id: c.id, key: c.key, name: c.name, rgb: [...c.rgb], snomed: c.snomed ? { ...c.snomed } : null })),
    inputSize: opts.inputSize ?? [256, 256],
    channelOffsets: opts.channelOffsets ?? [-1, 0, 1],
    normalization: { ct: { kind: 'hu-window', min: -200, max: 600 }, png: { kind: 'minmax-slice' } },
    resampling: { policy: 'inplane-resize-to-input', image: 'bilinear', label: 'nearest', missingNeighbour: 'clamp' },
    datasets: opts.datasets ?? [],
    architecture: opts.architecture ?? DEFAULT_UNET,
  };
}

export function parsePlans(json: unknown): Plans {
  const r = PlansSchema.safeParse(json);
  if (!r.success) throw new AppError('MODEL', 'plans.json is invalid', { issues: r.error.issues.slice(0, 10) });
  const ids = r.data.classes.map((c) => c.id);
  if (ids.some((id, i) => id !== i)) throw new AppError('MODEL', 'plans.json classes must have ids 0..K-1 in order', { ids });
  return r.data;
}

export const numClassesOf = (p: Plans) => p.classes.length;

/**
 * Per dataset, a [K x K] 0/1 matrix mapping model classes onto the classes the dataset can
 * tell apart: unlabeled classes fold into background unless `mergedInto` says otherwise.
 */
export function mergeMatrix(plans: Plans, ds: DatasetPlan): Float32Array {
  const k = numClassesOf(plans);
  const labeled = new Set(ds.labeledClasses);
  const m = new Float32Array(k * k);
  for (let c = 0; c < k; c++) {
    const merged = ds.mergedInto[String(c)];
    const target = labeled.has(c) ? c : merged !== undefined && labeled.has(merged) ? merged : 0;
    m[c * k + target] = 1;
  }
  return m;
}
