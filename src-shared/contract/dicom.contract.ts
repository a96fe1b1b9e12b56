import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { PathSchema, VolumeSchema, WarningSchema } from './common.js';

/** What an object in a series is for: only `image` stacks can become a volume. */
export const SeriesKind = z.enum(['image', 'localizer', 'secondary-capture', 'structured-report', 'dose', 'segmentation', 'other']);
export const SliceOrientation = z.enum(['axial', 'coronal', 'sagittal', 'oblique', 'unknown']);

/**
 * One stack: the images of one series that share orientation and matrix size. A series with
 * several stacks (e.g. a localizer pair in two planes) lists each with its own `id`.
 */
export const SeriesSummarySchema = z.object({
  /** Pass back as `seriesId` to load this stack: the SeriesInstanceUID, plus `#n` when split. */
  id: z.string(),
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  studyDate: z.string(),
  studyDescription: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  modality: z.string(),
  description: z.string(),
  seriesNumber: z.number().nullable(),
  sopClassUid: z.string(),
  imageType: z.array(z.string()),
  kind: SeriesKind,
  orientation: SliceOrientation,
  rows: z.number().int(),
  columns: z.number().int(),
  /** Images (frames) in the stack. */
  sliceCount: z.number().int(),
  fileCount: z.number().int(),
  transferSyntaxUids: z.array(z.string()),
  /** Whether this stack can be assembled into a 3-D volume (and why not). */
  volumeCandidate: z.boolean(),
  notCandidateReason: z.string().optional(),
});
export type SeriesSummary = z.infer<typeof SeriesSummarySchema>;

/**
 * `volume.metadata` of a DICOM import: what exporters (DICOM SEG, reports) need to reference the
 * source. Keys are DICOM keywords; arrays are in slice order (k = 0..dims[2]-1).
 */
export const DicomSourceMetadataSchema = z.object({
  source: z.literal('dicom'),
  StudyInstanceUID: z.string(),
  SeriesInstanceUID: z.string(),
  FrameOfReferenceUID: z.string(),
  SOPClassUID: z.string(),
  SOPInstanceUIDs: z.array(z.string()),
  /** 1-based frame number inside its file (1 for single-frame files). */
  frameNumbers: z.array(z.number().int()),
  sourceFiles: z.array(z.string()),
  PatientName: z.string(),
  PatientID: z.string(),
  PatientBirthDate: z.string(),
  PatientSex: z.string(),
  StudyDate: z.string(),
  StudyTime: z.string(),
  AccessionNumber: z.string(),
  StudyID: z.string(),
  StudyDescription: z.string(),
  SeriesDescription: z.string(),
  SeriesNumber: z.number().nullable(),
  Modality: z.string(),
  Manufacturer: z.string(),
  ManufacturerModelName: z.string(),
  TransferSyntaxUID: z.string(),
  /** Values are Hounsfield units (rescale applied) when the modality is CT. */
  units: z.enum(['HU', 'rescaled', 'stored']),
  windowCenter: z.number().optional(),
  windowWidth: z.number().optional(),
  gantryTiltDeg: z.number().optional(),
  /** True distance (mm) of each slice from the first along the k axis; differs from k*spacing when spacing is uneven. */
  sliceOffsetsMm: z.array(z.number()).optional(),
  /** Exact ImagePositionPatient of each slice, when slices are the source's own (not equalised). */
  slicePositionsLps: z.array(z.tuple([z.number(), z.number(), z.number()])).optional(),
  /** Set when uneven slices were resampled onto equal steps: how many original slices there were. */
  equalizedFromSlices: z.number().int().optional(),
});
export type DicomSourceMetadata = z.infer<typeof DicomSourceMetadataSchema>;

export const ScanResultSchema = z.object({
  series: z.array(SeriesSummarySchema),
  /** The stack chosen automatically (largest axial CT image stack), null when none qualifies. */
  mainId: z.string().nullable(),
  filesSeen: z.number().int(),
  dicomFiles: z.number().int(),
  /** Files that are not DICOM (or not readable as DICOM), counted, not listed one by one. */
  skippedFiles: z.number().int(),
  usedDicomdir: z.boolean(),
  warnings: z.array(WarningSchema),
});
export type ScanResult = z.infer<typeof ScanResultSchema>;

const LoadInput = z.object({
  path: PathSchema,
  seriesId: z.string().min(1).optional(),
  /** Resample unevenly spaced slices onto equal steps (default true). */
  equalizeSpacing: z.boolean().optional(),
});

export const LoadResultSchema = z.object({
  format: z.enum(['dicom', 'nifti']),
  volume: VolumeSchema,
  series: z.array(SeriesSummarySchema),
  chosen: SeriesSummarySchema.nullable(),
  warnings: z.array(WarningSchema),
});

export const PngDatasetInfoSchema = z.object({
  imagesDir: z.string(),
  masksDir: z.string().nullable(),
  width: z.number().int(),
  height: z.number().int(),
  sliceCount: z.number().int(),
  patients: z.array(z.object({ id: z.string(), slices: z.number().int() })),
  /** Product class ids present in the masks, with pixel counts. */
  classPixelCounts: z.record(z.string(), z.number().int()),
  colorMap: z.string(),
  /** Dataset classes that the product splits (e.g. aorta without ascending/descending). */
  flags: z.array(z.string()),
  warnings: z.array(WarningSchema),
});
export type PngDatasetInfo = z.infer<typeof PngDatasetInfoSchema>;

export const dicomContract = service({
  methods: {
    scanFolder: method({
      summary: 'Scan a folder (or one file) for DICOM series: headers only, grouped into stacks',
      input: z.object({ path: PathSchema }),
      output: ScanResultSchema,
    }),
    loadSeries: method({
      summary: 'Load one DICOM series (the main CT unless seriesId is given) as an LPS volume',
      input: LoadInput,
      output: LoadResultSchema,
    }),
    loadVolume: method({
      summary: 'Load a NIfTI file (.nii/.nii.gz) or a DICOM folder/file as an LPS volume',
      input: LoadInput,
      output: LoadResultSchema,
    }),
    thumbnail: method({
      summary: 'A PNG thumbnail of the middle image of one scanned stack (its window; soft tissue for CT without one)',
      input: z.object({ path: PathSchema, seriesId: z.string().min(1), size: z.number().int().min(16).max(512).optional() }),
      output: z.object({
        /** PNG bytes, fitted into size x size (default 96) keeping the physical aspect ratio. */
        png: z.instanceof(Uint8Array),
        width: z.number().int(),
        height: z.number().int(),
        /** Which image of the stack (position order) was drawn. */
        sliceIndex: z.number().int(),
      }),
    }),
    inspectPngDataset: method({
      summary: 'Check a PNG slice + colour-mask dataset (patients, sizes, classes; unknown colours fail)',
      input: z.object({ path: PathSchema, colorMapPath: PathSchema.optional(), maxSlices: z.number().int().positive().optional() }),
      output: PngDatasetInfoSchema,
    }),
  },
});
