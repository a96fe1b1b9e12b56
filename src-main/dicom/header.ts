import type { DataSet } from 'dicom-parser';
import { FLOAT_PIXEL_DATA, PIXEL_DATA, DOUBLE_PIXEL_DATA, item, num, nums, str, transferSyntaxOf, us } from './parse.js';

/** Geometry and value transform of one frame (a single-frame file has exactly one). */
export interface FrameInfo {
  /** ImagePositionPatient: LPS mm of the centre of the first transmitted pixel. */
  position?: [number, number, number];
  /** ImageOrientationPatient: row direction (i axis) then column direction (j axis). */
  orientation?: [number, number, number, number, number, number];
  /** PixelSpacing: [between rows (j), between columns (i)] in mm. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
}

/** Everything the importer needs from one file's header (plain data: it crosses worker boundaries). */
export interface DicomHeader {
  file: string;
  transferSyntax: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  modality: string;
  imageType: string[];
  seriesDescription: string;
  seriesNumber: number | null;
  instanceNumber: number | null;
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  accessionNumber: string;
  studyId: string;
  manufacturer: string;
  manufacturerModelName: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  samplesPerPixel: number;
  photometric: string;
  planarConfiguration: number;
  numberOfFrames: number;
  pixelPaddingValue?: number;
  pixelPaddingRangeLimit?: number;
  gantryTiltDeg?: number;
  /** Whether a PixelData element (or float pixel data) exists in the header. */
  hasPixelData: boolean;
  isDicomdir: boolean;
  frames: FrameInfo[];
}

const DICOMDIR_SOP = '1.2.840.10008.1.3.10';

function frameFromGroups(shared: DataSet | undefined, perFrame: DataSet | undefined, base: FrameInfo): FrameInfo {
  const pick = (seq: string): DataSet | undefined => item(perFrame, seq) ?? item(shared, seq);
  const out: FrameInfo = { ...base };
  const pos = pick('x00209113');
  const p = pos && nums(pos, 'x00200032', 3);
  if (p) out.position = p as FrameInfo['position'];
  const ori = pick('x00209116');
  const o = ori && nums(ori, 'x00200037', 6);
  if (o) out.orientation = o as FrameInfo['orientation'];
  const meas = pick('x00289110');
  if (meas) {
    const ps = nums(meas, 'x00280030', 2);
    if (ps) out.pixelSpacing = ps as [number, number];
    const t = num(meas, 'x00180050');
    if (t !== undefined) out.sliceThickness = t;
  }
  const pvt = pick('x00289145');
  if (pvt) {
    const s = num(pvt, 'x00281053');
    const i = num(pvt, 'x00281052');
    if (s !== undefined) out.rescaleSlope = s;
    if (i !== undefined) out.rescaleIntercept = i;
  }
  const voi = pick('x00289132');
  if (voi) {
    const c = num(voi, 'x00281050');
    const w = num(voi, 'x00281051');
    if (c !== undefined) out.windowCenter = c;
    if (w !== undefined) out.windowWidth = w;
  }
  return out;
}

export function extractHeader(ds: DataSet, file: string): DicomHeader {
  const numberOfFrames = Math.max(1, Math.floor(num(ds, 'x00280008') ?? 1));
  const slope = num(ds, 'x00281053');
  const base: FrameInfo = {
    rescaleSlope: slope !== undefined && slope !== 0 ? slope : 1,
    rescaleIntercept: num(ds, 'x00281052') ?? 0,
  };
  const p = nums(ds, 'x00200032', 3);
  if (p) base.position = p as FrameInfo['position'];
  const o = nums(ds, 'x00200037', 6);
  if (o) base.orientation = o as FrameInfo['orientation'];
  const ps = nums(ds, 'x00280030', 2);
  if (ps) base.pixelSpacing = ps as [number, number];
  const t = num(ds, 'x00180050');
  if (t !== undefined) base.sliceThickness = t;
  const wc = num(ds, 'x00281050');
  const ww = num(ds, 'x00281051');
  if (wc !== undefined) base.windowCenter = wc;
  if (ww !== undefined) base.windowWidth = ww;

  const shared = item(ds, 'x52009229');
  const perFrameItems = ds.elements['x52009230']?.items;
  const frames: FrameInfo[] = [];
  if (shared || perFrameItems) {
    for (let f = 0; f < numberOfFrames; f++) frames.push(frameFromGroups(shared, perFrameItems?.[f]?.dataSet, base));
  } else {
    for (let f = 0; f < numberOfFrames; f++) frames.push(base);
  }

  const seriesNumber = num(ds, 'x00200011');
  const instanceNumber = num(ds, 'x00200013');
  const pixelEl = ds.elements[PIXEL_DATA] ?? ds.elements[FLOAT_PIXEL_DATA] ?? ds.elements[DOUBLE_PIXEL_DATA];
  const sopClassUid = str(ds, 'x00080016') || str(ds, 'x00020002');
  const imageType = (ds.string('x00080008') ?? '').split('\\').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const padding = ds.elements['x00280120'];
  const pixelRepresentation = us(ds, 'x00280103') ?? 0;
  const readPad = (tag: string): number | undefined => {
    const el = ds.elements[tag];
    if (!el || el.length < 2) return undefined;
    return pixelRepresentation === 1 ? ds.int16(tag) : ds.uint16(tag);
  };
  const header: DicomHeader = {
    file,
    transferSyntax: transferSyntaxOf(ds),
    sopClassUid,
    sopInstanceUid: str(ds, 'x00080018') || str(ds, 'x00020003'),
    studyInstanceUid: str(ds, 'x0020000d'),
    seriesInstanceUid: str(ds, 'x0020000e'),
    frameOfReferenceUid: str(ds, 'x00200052'),
    modality: str(ds, 'x00080060').toUpperCase(),
    imageType,
    seriesDescription: str(ds, 'x0008103e'),
    seriesNumber: seriesNumber === undefined ? null : seriesNumber,
    instanceNumber: instanceNumber === undefined ? null : instanceNumber,
    patientName: str(ds, 'x00100010'),
    patientId: str(ds, 'x00100020'),
    patientBirthDate: str(ds, 'x00100030'),
    patientSex: str(ds, 'x00100040'),
    studyDate: str(ds, 'x00080020'),
    studyTime: str(ds, 'x00080030'),
    studyDescription: str(ds, 'x00081030'),
    accessionNumber: str(ds, 'x00080050'),
    studyId: str(ds, 'x00200010'),
    manufacturer: str(ds, 'x00080070'),
    manufacturerModelName: str(ds, 'x00081090'),
    rows: us(ds, 'x00280010') ?? 0,
    columns: us(ds, 'x00280011') ?? 0,
    bitsAllocated: us(ds, 'x00280100') ?? 0,
    bitsStored: us(ds, 'x00280101') ?? us(ds, 'x00280100') ?? 0,
    highBit: us(ds, 'x00280102') ?? 0,
    pixelRepresentation,
    samplesPerPixel: us(ds, 'x00280002') ?? 1,
    photometric: str(ds, 'x00280004').toUpperCase(),
    planarConfiguration: us(ds, 'x00280006') ?? 0,
    numberOfFrames,
    hasPixelData: pixelEl !== undefined,
    isDicomdir: sopClassUid === DICOMDIR_SOP || ds.elements['x00041220'] !== undefined,
    frames,
  };
  if (padding) {
    const v = readPad('x00280120');
    if (v !== undefined) header.pixelPaddingValue = v;
    const lim = readPad('x00280121');
    if (lim !== undefined) header.pixelPaddingRangeLimit = lim;
  }
  const tilt = num(ds, 'x00181120');
  if (tilt !== undefined) header.gantryTiltDeg = tilt;
  return header;
}
