import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { HttpUrlSchema, Mat3Schema, PathSchema, Vec3Schema, WarningSchema } from './common.js';

export const ExportFormat = z.enum(['seg', 'nifti', 'stl', 'obj', 'roi', 'report']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/**
 * The mitral ROI as src-main/geometry's `detectMitralValve` returns it: an oriented box in LPS
 * millimetres (axes row-major like Volume.direction, axes[6..8] = valve normal) and the annulus
 * measurements. Other fields pass through into roi.json unchanged.
 */
export const ExportRoiSchema = z
  .object({
    box: z
      .object({
        centreLps: Vec3Schema,
        axes: Mat3Schema,
        sizeMm: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
        spacingMm: Vec3Schema.optional(),
      })
      .passthrough(),
    annulus: z.record(z.string(), z.unknown()).optional(),
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
  /** Windowed-sinc smoothing iterations for meshes (0 = raw marching cubes; default 15). */
  smoothingIterations: z.number().int().min(0).max(200).optional(),
  /** Mesh decimation as a sampling step in voxels: 1 = full resolution, 2 ≈ 4x fewer triangles. */
  meshStep: z.number().int().min(1).max(4).optional(),
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
        /** The STOW-RS studies endpoint the user typed, e.g. http://pacs:8042/dicom-web/studies. */
        url: HttpUrlSchema,
        /** Sent as `Authorization` when given; never logged. */
        authorization: z.string().max(4096).optional(),
      }),
      output: z.object({
        /** HTTP status of the STOW-RS response (200, or 202 when some instances were refused). */
        status: z.number().int(),
        retrieveUrl: z.string().nullable(),
        /** Instances the PACS reports as stored (ReferencedSOPSequence) and refused (FailedSOPSequence). */
        stored: z.number().int().nonnegative(),
        failed: z.number().int().nonnegative(),
        warnings: z.array(WarningSchema),
      }),
    }),
  },
});
