import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../src-shared/errors.js';
import type { Progress } from '../../../src-shared/rpc/define.js';
import { axis, cross, dot } from '../../../src-shared/volume/affine.js';
import { voxelCount, type Vec3, type Volume } from '../../../src-shared/volume/volume.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { yieldToLoop } from '../../util/abort.js';
import { encodePart10, tag, type DataElement } from './encode.js';
import { rleEncodeFrame16 } from './rle.js';
import { CT_IMAGE_STORAGE, TRANSFER_SYNTAXES, type TransferSyntaxName } from './transfer-syntax.js';
import { derivedUid, randomUid } from './uids.js';

export interface CtSeriesOptions {
  transferSyntax?: TransferSyntaxName;
  patient?: { name?: string; id?: string; birthDate?: string; sex?: 'M' | 'F' | 'O' | '' };
  study?: { instanceUid?: string; date?: string; time?: string; description?: string; id?: string; accessionNumber?: string };
  series?: { instanceUid?: string; number?: number; description?: string };
  frameOfReferenceUid?: string;
  /** Makes every UID reproducible (same seed -> same UIDs -> byte-identical files). */
  uidSeed?: string;
  manufacturer?: string;
  /** Extra or overriding elements added to every slice (e.g. private phantom parameters). */
  extraElements?: DataElement[];
  /**
   * Write each file atomically with fsync (default). Callers that write into a private temp
   * folder and rename the folder afterwards (the fixture cache) turn it off: 64-250 fsyncs
   * dominate the time on a busy disk.
   */
  atomicFiles?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface CtSeriesResult {
  files: string[];
  transferSyntaxUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  sopInstanceUids: string[];
  rescaleIntercept: number;
  rescaleSlope: number;
}

/** HU = stored + intercept; stored is signed 16-bit, so the usable HU range is [-1024, 31743]. */
export const RESCALE_INTERCEPT = -1024;
export const RESCALE_SLOPE = 1;
const HU_MIN = -1024;
const HU_MAX = 32767 + RESCALE_INTERCEPT;

function today(): { date: string; time: string } {
  const iso = new Date().toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}

/** DICOM cannot describe a sheared grid: the slice axis must be along +-(row x column). */
function checkGeometry(v: Volume): void {
  if (!(v.data instanceof Int16Array)) throw new AppError('VALIDATION', 'CT series writer needs Int16Array HU data');
  if (v.data.length !== voxelCount(v.dims)) throw new AppError('VALIDATION', 'Volume data length does not match dims');
  const i = axis(v.direction, 0);
  const j = axis(v.direction, 1);
  const k = axis(v.direction, 2);
  if (Math.abs(dot(i, j)) > 1e-4) throw new AppError('UNSUPPORTED', 'Row and column directions are not orthogonal');
  if (Math.abs(Math.abs(dot(cross(i, j), k)) - 1) > 1e-4) throw new AppError('UNSUPPORTED', 'Slice direction is not normal to the image plane (sheared grid)');
}

interface SeriesIds {
  study: string;
  series: string;
  frame: string;
  sops: string[];
}

function seriesIds(opts: CtSeriesOptions, slices: number): SeriesIds {
  const s = opts.uidSeed;
  const uid = (role: string) => (s === undefined ? randomUid() : derivedUid(s, role));
  const study = opts.study?.instanceUid ?? uid('study');
  const series = opts.series?.instanceUid ?? uid('series');
  const frame = opts.frameOfReferenceUid ?? uid('frame-of-reference');
  return { study, series, frame, sops: Array.from({ length: slices }, (_, k) => uid(`sop-${k}`)) };
}

/** The dataset of slice k (everything except file meta). */
export function ctSliceDataset(v: Volume<Int16Array>, k: number, ids: SeriesIds, opts: CtSeriesOptions, when: { date: string; time: string }): DataElement[] {
  const [nx, ny] = v.dims;
  const rowDir = axis(v.direction, 0);
  const colDir = axis(v.direction, 1);
  const sliceDir = axis(v.direction, 2);
  const pos: Vec3 = [0, 1, 2].map((r) => v.originLps[r] + k * v.spacingMm[2] * sliceDir[r]) as Vec3;
  const normal = cross(rowDir, colDir);
  const stored = new Int16Array(nx * ny);
  const base = k * nx * ny;
  for (let p = 0; p < stored.length; p++) {
    const hu = v.data[base + p];
    stored[p] = (hu < HU_MIN ? HU_MIN : hu > HU_MAX ? HU_MAX : hu) - RESCALE_INTERCEPT;
  }
  const ts = TRANSFER_SYNTAXES[opts.transferSyntax ?? 'explicit-le'];
  const date = opts.study?.date ?? when.date;
  const time = opts.study?.time ?? when.time;
  const e = (g: number, el: number, vr: DataElement['vr'], value: DataElement['value']): DataElement => ({ tag: tag(g, el), vr, value });
  const ds: DataElement[] = [
    e(0x0008, 0x0005, 'CS', 'ISO_IR 100'),
    e(0x0008, 0x0008, 'CS', ['DERIVED', 'SECONDARY', 'AXIAL']),
    e(0x0008, 0x0016, 'UI', CT_IMAGE_STORAGE),
    e(0x0008, 0x0018, 'UI', ids.sops[k]),
    e(0x0008, 0x0020, 'DA', date),
    e(0x0008, 0x0021, 'DA', date),
    e(0x0008, 0x0023, 'DA', date),
    e(0x0008, 0x0030, 'TM', time),
    e(0x0008, 0x0031, 'TM', time),
    e(0x0008, 0x0033, 'TM', time),
    e(0x0008, 0x0050, 'SH', opts.study?.accessionNumber ?? ''),
    e(0x0008, 0x0060, 'CS', 'CT'),
    e(0x0008, 0x0070, 'LO', opts.manufacturer ?? 'CardioSeg'),
    e(0x0008, 0x0090, 'PN', ''),
    e(0x0008, 0x1030, 'LO', opts.study?.description ?? 'Cardiac CT'),
    e(0x0008, 0x103e, 'LO', opts.series?.description ?? 'CardioSeg CT'),
    e(0x0010, 0x0010, 'PN', opts.patient?.name ?? 'Anonymous^Patient'),
    e(0x0010, 0x0020, 'LO', opts.patient?.id ?? 'ANON'),
    e(0x0010, 0x0030, 'DA', opts.patient?.birthDate ?? ''),
    e(0x0010, 0x0040, 'CS', opts.patient?.sex ?? ''),
    // An unpaired body part tells validators that Laterality (type 2C) does not apply.
    e(0x0018, 0x0015, 'CS', 'HEART'),
    e(0x0018, 0x0050, 'DS', v.spacingMm[2]),
    e(0x0018, 0x0060, 'DS', 120),
    e(0x0018, 0x5100, 'CS', 'HFS'),
    e(0x0020, 0x000d, 'UI', ids.study),
    e(0x0020, 0x000e, 'UI', ids.series),
    e(0x0020, 0x0010, 'SH', opts.study?.id ?? '1'),
    e(0x0020, 0x0011, 'IS', opts.series?.number ?? 1),
    e(0x0020, 0x0012, 'IS', 1),
    e(0x0020, 0x0013, 'IS', k + 1),
    e(0x0020, 0x0032, 'DS', pos),
    e(0x0020, 0x0037, 'DS', [...rowDir, ...colDir]),
    e(0x0020, 0x0052, 'UI', ids.frame),
    e(0x0020, 0x1040, 'LO', ''),
    e(0x0020, 0x1041, 'DS', dot(pos, normal)),
    e(0x0028, 0x0002, 'US', 1),
    e(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    e(0x0028, 0x0010, 'US', ny),
    e(0x0028, 0x0011, 'US', nx),
    // PixelSpacing is (between rows, between columns) = (j spacing, i spacing).
    e(0x0028, 0x0030, 'DS', [v.spacingMm[1], v.spacingMm[0]]),
    e(0x0028, 0x0100, 'US', 16),
    e(0x0028, 0x0101, 'US', 16),
    e(0x0028, 0x0102, 'US', 15),
    e(0x0028, 0x0103, 'US', 1),
    e(0x0028, 0x1050, 'DS', 300),
    e(0x0028, 0x1051, 'DS', 800),
    e(0x0028, 0x1052, 'DS', RESCALE_INTERCEPT),
    e(0x0028, 0x1053, 'DS', RESCALE_SLOPE),
    e(0x0028, 0x1054, 'LO', 'HU'),
    ts.encapsulated ? e(0x7fe0, 0x0010, 'OB', { fragments: [rleEncodeFrame16(stored, ny, nx)] }) : e(0x7fe0, 0x0010, 'OW', stored),
  ];
  if (!opts.extraElements?.length) return ds;
  const extra = new Map(opts.extraElements.map((x) => [x.tag, x]));
  return [...ds.filter((x) => !extra.has(x.tag)), ...extra.values()];
}

/**
 * Write a Volume of HU (Int16) as a CT Image Storage series, one file per k slice, named
 * `IM00001.dcm`... in slice order. Geometry tags come straight from the Volume record.
 */
export async function writeCtSeries(dir: string, volume: Volume<Int16Array>, opts: CtSeriesOptions = {}): Promise<CtSeriesResult> {
  checkGeometry(volume);
  const ts = TRANSFER_SYNTAXES[opts.transferSyntax ?? 'explicit-le'];
  if (!ts) throw new AppError('VALIDATION', `Unknown transfer syntax '${String(opts.transferSyntax)}'`);
  await mkdir(dir, { recursive: true });
  const nz = volume.dims[2];
  const ids = seriesIds(opts, nz);
  const when = today();
  const files: string[] = [];
  for (let k = 0; k < nz; k++) {
    const ds = ctSliceDataset(volume, k, ids, opts, when);
    const sop = ids.sops[k];
    const file = path.join(dir, `IM${String(k + 1).padStart(5, '0')}.dcm`);
    const bytes = encodePart10(ds, CT_IMAGE_STORAGE, sop, ts);
    if (opts.atomicFiles === false) await writeFile(file, bytes);
    else await writeFileAtomic(file, bytes);
    files.push(file);
    opts.onProgress?.({ stage: 'write-dicom', done: k + 1, total: nz });
    if (k % 8 === 7) await yieldToLoop(opts.signal);
  }
  return {
    files,
    transferSyntaxUid: ts.uid,
    studyInstanceUid: ids.study,
    seriesInstanceUid: ids.series,
    frameOfReferenceUid: ids.frame,
    sopInstanceUids: ids.sops,
    rescaleIntercept: RESCALE_INTERCEPT,
    rescaleSlope: RESCALE_SLOPE,
  };
}
