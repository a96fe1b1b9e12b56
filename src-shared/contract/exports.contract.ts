import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { PathSchema, Vec3Schema, WarningSchema } from './common.js';

export const ExportFormat = z.enum(['seg', 'nifti', 'stl', 'obj', 'roi', 'report']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/**
 * The mitral ROI as the geometry module hands it over: an oriented box in LPS millimetres.
 * Extra fields (landmarks, plane fit quality, ...) pass through into roi.json unchanged.
 */
export const ExportRoiSchema = z
  .object({
    centerLps: Vec3Schema,
    /** Unit vectors of the box axes in LPS; axes[2] is the mitral plane normal. */
    axes: z.tuple([Vec3Schema, Vec3Schema, Vec3Schema]),
    /** Full edge lengths of the box along each axis, mm. */
    sizeMm: Vec3Schema,
    measurements: z.record(z.string(), z.number()).optional(),
  })
  .passthrough();
export type ExportRoi = z.infer<typeof ExportRoiSchema>;

export const ExportModelInfoSchema = z.object({
  id: z.string().max(200),
  version: z.string().max(64).optional(),
  /** Mean validation Dice and per-class Dice (class key -> Dice) from the model card. */
  validationDice: z.number().min(0).max(1).optional(),
  perClassDice: z.record(z.string(), z.number()).optional(),
});
export type ExportModelInfo = z.infer<typeof ExportModelInfoSchema>;

export const ExportFileSchema = z.object({
  path: z.string(),
  format: z.enum(['seg', 'nifti', 'stl', 'obj', 'mtl', 'roi', 'json', 'csv', 'html', 'png']),
  bytes: z.number().int().nonnegative(),
});
export type ExportFile = z.infer<typeof ExportFileSchema>;

export const ExportRunInput = z.object({
  /** DICOM folder/file (needed for SEG) or a NIfTI CT. */
  ctPath: PathSchema,
  /** Label map (NIfTI) with product class ids; resampled onto the CT grid when it differs. */
  labelsPath: PathSchema,
  formats: z.array(ExportFormat).min(1),
  outDir: PathSchema,
  overwrite: z.boolean().optional(),
  roi: ExportRoiSchema.optional(),
  modelInfo: ExportModelInfoSchema.optional(),
  /** Mesh options: smoothing iterations (0 = none) and target triangle reduction (0..0.9). */
  smoothingIterations: z.number().int().min(0).max(200).optional(),
  decimate: z.number().min(0).max(0.9).optional(),
});

export const ExportRunOutput = z.object({
  files: z.array(ExportFileSchema),
  warnings: z.array(WarningSchema),
});
export type ExportRunOutput = z.infer<typeof ExportRunOutput>;

export const exportsContract = service({
  methods: {
    run: method({
      summary: 'Write DICOM SEG, NIfTI, STL/OBJ meshes, the mitral ROI and a report for a CT + label map',
      input: ExportRunInput,
      output: ExportRunOutput,
    }),
    stow: method({
      summary: 'Send a DICOM file (e.g. the SEG) to a DICOMweb STOW-RS endpoint',
      input: z.object({
        path: PathSchema,
        url: z.string().url(),
        /** Sent as `Authorization` when given; never logged. */
        authorization: z.string().max(4096).optional(),
      }),
      output: z.object({ status: z.number().int(), retrieveUrl: z.string().nullable(), warnings: z.array(WarningSchema) }),
    }),
  },
});
