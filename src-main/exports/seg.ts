import { readFile } from 'node:fs/promises';
import type { DicomSourceMetadata } from '../../src-shared/contract/dicom.contract.js';
import { CLASSES } from '../../src-shared/classes.js';
import { AppError, type Warning } from '../../src-shared/errors.js';
import { ijkToLps } from '../../src-shared/volume/affine.js';
import type { Volume } from '../../src-shared/volume/volume.js';
import { srgbToDicomLab } from './cielab.js';
import { dcmjs, fileCharset, readDicomFile, type NaturalDataset } from './dcmjs.js';

/**
 * DICOM Segmentation (BINARY) of a label map on the source CT's grid. Frames are written in
 * segment-then-slice order and each references its source image by SOP Instance UID, so readers
 * that re-sort frames can still place them.
 */
export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

export interface SegAlgorithm {
  name: string;
  version: string;
  modelId: string;
}

/** Attributes of the patient, study and frame-of-reference entities, copied verbatim from the source. */
const COPIED = [
  'SpecificCharacterSet',
  'PatientName',
  'PatientID',
  'IssuerOfPatientID',
  'PatientBirthDate',
  'PatientSex',
  'OtherPatientIDs',
  'PatientAge',
  'PatientSize',
  'PatientWeight',
  'PatientIdentityRemoved',
  'DeidentificationMethod',
  'DeidentificationMethodCodeSequence',
  'StudyInstanceUID',
  'StudyDate',
  'StudyTime',
  'ReferringPhysicianName',
  'StudyID',
  'AccessionNumber',
  'StudyDescription',
  'FrameOfReferenceUID',
  'PositionReferenceIndicator',
];

const code = (value: string, scheme: string, meaning: string) => ({ CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning });

function dicomDateTime(d: Date): { date: string; time: string } {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return { date: `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`, time: `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}` };
}

/** Why a SEG cannot reference this source (anonymisers sometimes blank the UIDs), or null. */
export function segSourceProblem(meta: DicomSourceMetadata): string | null {
  const missing = (['StudyInstanceUID', 'SeriesInstanceUID', 'FrameOfReferenceUID', 'SOPClassUID'] as const).filter((k) => !meta[k]);
  if (meta.SOPInstanceUIDs.some((u) => !u)) missing.push('SOPInstanceUID' as never);
  return missing.length ? `the source series has no ${missing.join(', ')}, so nothing can reference it` : null;
}

export async function buildSeg(
  labels: Volume<Uint8Array>,
  meta: DicomSourceMetadata,
  algorithm: SegAlgorithm,
  opts: { seriesNumber?: number; now?: Date } = {},
): Promise<{ bytes: Uint8Array; segments: number; frames: number; warnings: Warning[] }> {
  const warnings: Warning[] = [];
  const [nx, ny, nz] = labels.dims;
  if (meta.SOPInstanceUIDs.length !== nz) {
    throw new AppError('DATA', `Source series has ${meta.SOPInstanceUIDs.length} images but the label grid has ${nz} slices`);
  }
  const problem = segSourceProblem(meta);
  if (problem) throw new AppError('DATA', `Cannot write a DICOM SEG: ${problem}`);
  const sourceFile = meta.sourceFiles[0];
  if (!sourceFile) throw new AppError('DATA', 'Source metadata lists no files');
  const srcBytes = await readFile(sourceFile);
  const src = readDicomFile(srcBytes, true).dataset;

  // Which classes appear on which slices.
  const plane = nx * ny;
  const present = new Map<number, number[]>();
  for (let k = 0; k < nz; k++) {
    const seen = new Set<number>();
    const d = labels.data;
    for (let p = k * plane, end = p + plane; p < end; p++) if (d[p] !== 0) seen.add(d[p] as number);
    for (const c of seen) present.set(c, [...(present.get(c) ?? []), k]);
  }
  const classIds = [...present.keys()].sort((a, b) => a - b);
  const unknown = classIds.filter((c) => !CLASSES[c]?.snomed);
  if (unknown.length) warnings.push({ code: 'SEG_UNKNOWN_CLASS', message: `Label values without a product class were left out: ${unknown.join(', ')}` });
  const segClasses = classIds.filter((c) => CLASSES[c]?.snomed);
  if (!segClasses.length) throw new AppError('DATA', 'The label map has no structures to put in a SEG');

  const multiFrameSource = new Set(meta.SOPInstanceUIDs).size !== meta.SOPInstanceUIDs.length;
  const frames: Array<{ seg: number; k: number }> = [];
  segClasses.forEach((c, s) => {
    for (const k of present.get(c) ?? []) frames.push({ seg: s + 1, k });
  });

  // BINARY frames are one continuous bit stream (frames need not start on a byte).
  const pixels = new Uint8Array(Math.ceil((frames.length * plane) / 8 / 2) * 2);
  frames.forEach((f, n) => {
    const cls = segClasses[f.seg - 1] as number;
    const base = n * plane;
    const off = f.k * plane;
    for (let p = 0; p < plane; p++) {
      if (labels.data[off + p] === cls) {
        const bit = base + p;
        pixels[bit >> 3]! |= 1 << (bit & 7);
      }
    }
  });

  // Uneven slice spacing: the importer keeps each slice's true offset along k.
  const offsets = meta.sliceOffsetsMm?.length === nz ? meta.sliceOffsetsMm : null;
  const kAxis: [number, number, number] = [labels.direction[6], labels.direction[7], labels.direction[8]];
  // Prefer the source's own positions: with gantry tilt they are sheared off the k axis.
  const positions = meta.slicePositionsLps?.length === nz ? meta.slicePositionsLps : null;
  const slicePosition = (k: number) =>
    positions ? [...positions[k]!] : offsets ? labels.originLps.map((o, a) => o + kAxis[a]! * offsets[k]!) : ijkToLps(labels, [0, 0, k]);
  const uneven = offsets ? offsets.some((o, k) => Math.abs(o - k * labels.spacingMm[2]) > 1e-3) : false;
  const uid = () => dcmjs.data.DicomMetaDictionary.uid();
  const dimOrg = uid();
  const { date, time } = dicomDateTime(opts.now ?? new Date());
  const dir = labels.direction;
  const ds: NaturalDataset = {};
  // Empty source values are not copied (an empty Type 1C value would be an error of ours now).
  for (const key of COPIED) if (src[key] !== undefined && src[key] !== '' && !(Array.isArray(src[key]) && !(src[key] as unknown[]).length)) ds[key] = src[key];
  if (ds.PatientIdentityRemoved === 'YES' && !ds.DeidentificationMethod && !ds.DeidentificationMethodCodeSequence) {
    ds.DeidentificationMethod = 'Source de-identified; method not recorded';
  }
  // dcmjs always writes UTF-8 (ISO_IR 192): the same text, different bytes for non-ASCII names.
  const charset = fileCharset(srcBytes);
  const nonAscii = COPIED.some((k) => /[^\x00-\x7f]/.test(JSON.stringify(src[k] ?? '')));
  if (nonAscii && !/ISO_IR 192/.test(charset)) {
    warnings.push({ code: 'SEG_CHARSET', message: `Patient/study text was re-encoded from ${charset || 'the default character set'} to UTF-8; byte-comparing tools (dcentvfy) may call it different` });
  }
  // Type 2: present even when empty (anonymised sources often drop them).
  for (const key of ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'StudyID', 'AccessionNumber', 'PositionReferenceIndicator']) {
    if (ds[key] === undefined) ds[key] = '';
  }
  ds.FrameOfReferenceUID = meta.FrameOfReferenceUID || ds.FrameOfReferenceUID;
  ds.StudyInstanceUID = meta.StudyInstanceUID || ds.StudyInstanceUID;
  const sopInstanceUid = uid();
  Object.assign(ds, {
    SOPClassUID: SEG_SOP_CLASS,
    SOPInstanceUID: sopInstanceUid,
    Modality: 'SEG',
    SeriesInstanceUID: uid(),
    SeriesNumber: opts.seriesNumber ?? 300,
    SeriesDescription: `${algorithm.name} segmentation`,
    SeriesDate: date,
    SeriesTime: time,
    InstanceNumber: 1,
    ContentDate: date,
    ContentTime: time,
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentLabel: 'CARDIOSEG',
    ContentDescription: `Cardiac structures (${algorithm.modelId})`.slice(0, 64),
    ContentCreatorName: `${algorithm.name}^Algorithm`,
    Manufacturer: algorithm.name,
    ManufacturerModelName: algorithm.modelId.slice(0, 64),
    DeviceSerialNumber: '0',
    SoftwareVersions: algorithm.version,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: ny,
    Columns: nx,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    NumberOfFrames: frames.length,
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimOrg }],
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimOrg, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' },
      { DimensionOrganizationUID: dimOrg, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'ImagePositionPatient' },
    ],
    SegmentSequence: segClasses.map((c, s) => {
      const cls = CLASSES[c]!;
      return {
        SegmentNumber: s + 1,
        SegmentLabel: cls.name,
        SegmentedPropertyCategoryCodeSequence: [code('123037004', 'SCT', 'Anatomical Structure')],
        SegmentedPropertyTypeCodeSequence: [code(cls.snomed!.code, 'SCT', cls.snomed!.meaning)],
        SegmentAlgorithmType: 'AUTOMATIC',
        SegmentAlgorithmName: algorithm.name,
        SegmentationAlgorithmIdentificationSequence: [
          {
            AlgorithmFamilyCodeSequence: [code('123110', 'DCM', 'Artificial Intelligence')],
            AlgorithmName: algorithm.name,
            AlgorithmVersion: algorithm.version,
            AlgorithmParameters: `model=${algorithm.modelId}`.slice(0, 1024),
          },
        ],
        RecommendedDisplayCIELabValue: srgbToDicomLab(cls.rgb),
        TrackingID: cls.key,
        TrackingUID: uid(),
      };
    }),
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: [dir[0], dir[1], dir[2], dir[3], dir[4], dir[5]] }],
        PixelMeasuresSequence: [
          {
            PixelSpacing: [labels.spacingMm[1], labels.spacingMm[0]],
            SliceThickness: labels.spacingMm[2],
            ...(uneven ? {} : { SpacingBetweenSlices: labels.spacingMm[2] }),
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames.map((f) => ({
      DerivationImageSequence: [
        {
          SourceImageSequence: [
            {
              ReferencedSOPClassUID: meta.SOPClassUID,
              ReferencedSOPInstanceUID: meta.SOPInstanceUIDs[f.k],
              ...(multiFrameSource ? { ReferencedFrameNumber: meta.frameNumbers[f.k] } : {}),
              PurposeOfReferenceCodeSequence: [code('121322', 'DCM', 'Source image for image processing operation')],
            },
          ],
          DerivationCodeSequence: [code('113076', 'DCM', 'Segmentation')],
        },
      ],
      FrameContentSequence: [{ DimensionIndexValues: [f.seg, f.k + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: slicePosition(f.k) }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.seg }],
    })),
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: meta.SeriesInstanceUID,
        ReferencedInstanceSequence: [...new Set(meta.SOPInstanceUIDs)].map((u) => ({ ReferencedSOPClassUID: meta.SOPClassUID, ReferencedSOPInstanceUID: u })),
      },
    ],
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OB' },
  });

  const version = new Uint8Array([0, 1]);
  const fileMeta = dcmjs.data.DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: version.buffer,
    MediaStorageSOPClassUID: SEG_SOP_CLASS,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: '2.25.169221893837482394912344512398651209811',
    ImplementationVersionName: `CARDIOSEG_${algorithm.version}`.slice(0, 16),
  });
  const dict = new dcmjs.data.DicomDict(fileMeta);
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
  return { bytes: new Uint8Array(dict.write()), segments: segClasses.length, frames: frames.length, warnings };
}
