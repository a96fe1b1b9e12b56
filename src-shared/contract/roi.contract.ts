import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { GeometrySchema, Mat3Schema, PathSchema, Vec3Schema, VolumeSchema, WarningSchema } from './common.js';

const PositiveVec3 = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
const UnitVec3 = Vec3Schema;

/**
 * Oriented ROI box in LPS. `axes` rows: x = commissural (or largest-diameter) direction, y =
 * septal-lateral, z = valve normal from atrium to ventricle. The extracted sub-volume has these
 * axes as its direction cosines, so its k slices are parallel to the valve plane.
 */
export const RoiBoxSchema = z.object({
  centreLps: Vec3Schema,
  axes: Mat3Schema,
  sizeMm: z.tuple([z.number().positive().max(500), z.number().positive().max(500), z.number().positive().max(500)]),
  spacingMm: z.tuple([z.number().min(0.05).max(10), z.number().min(0.05).max(10), z.number().min(0.05).max(10)]),
});
export type RoiBox = z.infer<typeof RoiBoxSchema>;

/** Adjustment applied to a box before extraction (the UI's drag/rotate/resize, or the CLI's). */
export const RoiAdjustmentSchema = z.object({
  centreLps: Vec3Schema.optional(),
  /** Shift along the box's own x, y, z axes (mm). */
  shiftMm: Vec3Schema.optional(),
  /** Rotations (degrees) about the box's x, then y, then z axis. */
  rotateDeg: Vec3Schema.optional(),
  sizeMm: PositiveVec3.optional(),
  spacingMm: PositiveVec3.optional(),
});

export const AnnulusSchema = z.object({
  centreLps: Vec3Schema,
  normalLps: UnitVec3,
  planeRmsMm: z.number(),
  contourLps: z.array(Vec3Schema),
  areaMm2: z.number(),
  orificeAreaMm2: z.number(),
  perimeterMm: z.number(),
  maxDiameterMm: z.number(),
  maxDiameterDirLps: UnitVec3,
  minDiameterMm: z.number(),
  minDiameterDirLps: UnitVec3,
  septalLateralMm: z.number().nullable(),
  septalLateralDirLps: UnitVec3.nullable(),
  commissuralMm: z.number().nullable(),
  commissuralDirLps: UnitVec3.nullable(),
  lvLongAxisLps: UnitVec3.nullable(),
  angleToLvLongAxisDeg: z.number().nullable(),
});
export type Annulus = z.infer<typeof AnnulusSchema>;

export const DetectOptionsSchema = z.object({
  laLabel: z.number().int().min(1).max(255).default(2),
  lvLabel: z.number().int().min(1).max(255).default(3),
  /** Gives the septal side; null when the segmentation has no aorta. */
  aortaLabel: z.number().int().min(1).max(255).nullable().default(1),
  /** LA and LV voxels within this distance of each other form the interface. */
  toleranceMm: z.number().min(0.2).max(20).default(3),
  minVolumeMl: z.number().min(0).max(1000).default(0.5),
  /** Margin around the annulus for the default box. */
  marginMm: z.number().min(0).max(100).default(10),
  roiSpacingMm: z.number().min(0.05).max(10).optional(),
});

/** What is kept with a study (`<studyDir>/mitral-roi.json`). */
export const RoiRecordSchema = z.object({
  version: z.literal(1),
  savedAt: z.string(),
  box: RoiBoxSchema,
  /** The box as detected, before the user adjusted it (null if entered by hand). */
  detectedBox: RoiBoxSchema.nullable(),
  annulus: AnnulusSchema.nullable(),
  source: z.object({ labelsPath: z.string().optional(), ctPath: z.string().optional() }),
  note: z.string().max(2000).optional(),
});
export type RoiRecord = z.infer<typeof RoiRecordSchema>;

export const ROI_RECORD_FILE = 'mitral-roi.json';

const VolumeSource = z.object({ labelsPath: PathSchema.optional(), labels: VolumeSchema.optional() });

export const roiContract = service({
  methods: {
    detect: method({
      summary: 'Find the mitral annulus between LA and LV in a label volume, measure it, propose an ROI box',
      input: DetectOptionsSchema.extend(VolumeSource.shape).refine((v) => (v.labelsPath === undefined) !== (v.labels === undefined), {
        message: 'give exactly one of labelsPath or labels',
      }),
      output: z.object({
        annulus: AnnulusSchema,
        box: RoiBoxSchema,
        interface: z.object({
          /** Voxels of the box in which the contact was searched (the rest is scanned once). */
          searchVoxels: z.number().int(),
          points: z.number().int(),
          rawPoints: z.number().int(),
          droppedAsOutliers: z.number().int(),
          inliers: z.number().int(),
          laVoxels: z.number().int(),
          lvVoxels: z.number().int(),
          laVolumeMl: z.number(),
          lvVolumeMl: z.number(),
        }),
        warnings: z.array(WarningSchema),
        timingsMs: z.record(z.string(), z.number()),
      }),
    }),
    extract: method({
      summary: 'Resample CT (trilinear) and/or labels (nearest) in the ROI box; optionally write NIfTI + roi.json',
      input: z
        .object({
          ctPath: PathSchema.optional(),
          ct: VolumeSchema.optional(),
          labelsPath: PathSchema.optional(),
          labels: VolumeSchema.optional(),
          box: RoiBoxSchema,
          adjust: RoiAdjustmentSchema.optional(),
          /** Copied into roi.json so exports and reports can quote the measurements. */
          annulus: AnnulusSchema.optional(),
          /** Writes roi-ct.nii.gz, roi-labels.nii.gz and roi.json there. */
          outDir: PathSchema.optional(),
          /** Return the ROI volumes in the response (default true; the CLI turns it off). */
          returnVolumes: z.boolean().default(true),
          /** CT value outside the source volume. */
          ctOutside: z.number().default(-1024),
        })
        .refine((v) => [v.ctPath, v.ct, v.labelsPath, v.labels].some((x) => x !== undefined), { message: 'give a CT and/or a label volume' }),
      output: z.object({
        box: RoiBoxSchema,
        geometry: GeometrySchema,
        ct: VolumeSchema.optional(),
        labels: VolumeSchema.optional(),
        written: z.array(z.string()),
        warnings: z.array(WarningSchema),
      }),
    }),
    save: method({
      summary: 'Store the (adjusted) ROI with the study as <studyDir>/mitral-roi.json',
      input: z.object({ studyDir: PathSchema, roi: RoiRecordSchema.omit({ savedAt: true, version: true }) }),
      output: z.object({ path: z.string(), record: RoiRecordSchema }),
    }),
    load: method({
      summary: "Read the study's stored ROI (null when none was saved)",
      input: z.object({ studyDir: PathSchema }),
      output: z.object({ path: z.string(), record: RoiRecordSchema.nullable() }),
    }),
  },
});
