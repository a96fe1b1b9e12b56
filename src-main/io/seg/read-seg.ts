import { readFile } from 'node:fs/promises';
import type { DataSet } from 'dicom-parser';
import { CLASSES } from '../../../src-shared/classes.js';
import { AppError, type Warning } from '../../../src-shared/errors.js';
import { lpsToIjk } from '../../../src-shared/volume/affine.js';
import type { Vec3, Volume, VolumeGeometry } from '../../../src-shared/volume/volume.js';
import { PIXEL_DATA, TS, item, num, nums, parseDicomBytes, str, transferSyntaxOf, us } from '../../dicom/parse.js';

export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

/** The CT the SEG annotates, as the importer returns it (not reoriented): grid + per-slice SOP references. */
export interface SegTarget extends VolumeGeometry {
  metadata: { SOPInstanceUIDs: string[]; frameNumbers?: number[]; equalizedFromSlices?: number };
}

export interface SegSegment {
  number: number;
  label: string;
  /** SegmentedPropertyTypeCodeSequence, e.g. SCT 82471001 "Left atrium". */
  type: { value: string; scheme: string; meaning: string } | null;
  classId: number;
  voxels: number;
}

export interface ReadSegOptions {
  /** Segment number (as a string) -> class id; wins over the SNOMED type codes. */
  codeMap?: Record<string, number>;
}

export interface ReadSegResult {
  labels: Volume<Uint8Array<ArrayBuffer>>;
  segments: SegSegment[];
  /** How each frame was placed: by ReferencedSOPInstanceUID, or by ImagePositionPatient. */
  placedBy: { uid: number; position: number };
  warnings: Warning[];
}

const SNOMED_SCHEMES = new Set(['SCT', 'SRT', 'SNM3']);
const BY_SNOMED = new Map(CLASSES.filter((c) => c.snomed).map((c) => [c.snomed!.code, c.id]));
/** Within this many voxels a frame position counts as a CT slice (positions are written with ~6 digits). */
const POSITION_TOL_VOXELS = 0.1;

const numsOf = (d: DataSet | undefined, tag: string, n: number): number[] | undefined => (d ? nums(d, tag, n) : undefined);
const usOf = (d: DataSet | undefined, tag: string): number | undefined => (d ? us(d, tag) : undefined);

function codeOf(ds: DataSet | undefined): SegSegment['type'] {
  if (!ds) return null;
  const value = str(ds, 'x00080100') || str(ds, 'x00080119') || str(ds, 'x00080120');
  return value ? { value, scheme: str(ds, 'x00080102'), meaning: str(ds, 'x00080104') } : null;
}

function readSegments(ds: DataSet, opts: ReadSegOptions): SegSegment[] {
  const items = ds.elements['x00620002']?.items ?? [];
  if (items.length === 0) throw new AppError('DATA', 'The SEG has no SegmentSequence');
  const segs: SegSegment[] = [];
  const unknown: string[] = [];
  for (const it of items) {
    const s = it.dataSet;
    if (!s) continue;
    const number = us(s, 'x00620004') ?? 0;
    const label = str(s, 'x00620005');
    const type = codeOf(item(s, 'x0062000f'));
    const mapped = opts.codeMap?.[String(number)];
    const bySnomed = type && SNOMED_SCHEMES.has(type.scheme) ? BY_SNOMED.get(type.value) : undefined;
    const classId = mapped ?? bySnomed;
    if (classId === undefined) {
      unknown.push(`segment ${number} "${label}" (${type ? `${type.scheme} ${type.value} "${type.meaning}"` : 'no type code'})`);
      continue;
    }
    if (!Number.isInteger(classId) || classId < 0 || classId > 255) throw new AppError('VALIDATION', `codeMap maps segment ${number} to ${classId}, not a class id`);
    segs.push({ number, label, type, classId, voxels: 0 });
  }
  if (unknown.length) {
    throw new AppError('DATA', `SEG segments with no product class: ${unknown.join('; ')}. Map them with a codeMap keyed by segment number`, {
      unknown,
      known: CLASSES.filter((c) => c.snomed).map((c) => `${c.snomed!.code} ${c.name}`),
    });
  }
  return segs;
}

interface FrameRef {
  segment: number;
  uid: string;
  frameNumber: number | undefined;
  position: Vec3 | undefined;
}

function frameRefs(ds: DataSet, frames: number): FrameRef[] {
  const shared = item(ds, 'x52009229');
  const perFrame = ds.elements['x52009230']?.items ?? [];
  if (perFrame.length !== frames) throw new AppError('DATA', `The SEG has ${frames} frames but ${perFrame.length} per-frame functional groups`);
  return perFrame.map((it) => {
    const pf = it.dataSet;
    const pick = (tag: string): DataSet | undefined => item(pf, tag) ?? item(shared, tag);
    const src = item(pick('x00089124'), 'x00082112');
    const pos = numsOf(pick('x00209113'), 'x00200032', 3);
    return {
      segment: usOf(pick('x0062000a'), 'x0062000b') ?? 0,
      uid: src ? str(src, 'x00081155') : '',
      frameNumber: src ? num(src, 'x00081160') : undefined,
      position: pos as Vec3 | undefined,
    };
  });
}

/** Frame -> CT slice k: the referenced instance (and frame) first, else the plane position. */
function placeFrames(refs: FrameRef[], ct: SegTarget): { ks: number[]; byUid: number; byPos: number } {
  const byUid = new Map<string, number[]>();
  ct.metadata.SOPInstanceUIDs.forEach((u, k) => byUid.set(u, [...(byUid.get(u) ?? []), k]));
  let uidCount = 0;
  let posCount = 0;
  const unplaced: string[] = [];
  const ks = refs.map((r, n) => {
    const cands = byUid.get(r.uid);
    if (cands) {
      const k = cands.length === 1 ? cands[0] : cands.find((c) => (ct.metadata.frameNumbers?.[c] ?? 1) === (r.frameNumber ?? 1));
      if (k !== undefined) {
        uidCount++;
        return k;
      }
    }
    if (r.position) {
      const [i, j, k] = lpsToIjk(ct, r.position);
      const kr = Math.round(k);
      if (Math.abs(i) < POSITION_TOL_VOXELS && Math.abs(j) < POSITION_TOL_VOXELS && Math.abs(k - kr) < POSITION_TOL_VOXELS && kr >= 0 && kr < ct.dims[2]) {
        posCount++;
        return kr;
      }
    }
    unplaced.push(`frame ${n + 1} (${r.uid || 'no reference'}${r.position ? ` at ${r.position.map((x) => x.toFixed(2)).join(', ')}` : ''})`);
    return -1;
  });
  if (unplaced.length) {
    throw new AppError('DATA', `${unplaced.length} SEG frame(s) match no slice of the CT (neither by SOP Instance UID nor by position): ${unplaced.slice(0, 5).join('; ')}`, { unplaced });
  }
  return { ks, byUid: uidCount, byPos: posCount };
}

/** Frame n as 0/1 per pixel: BINARY is one LSB-first bit stream over all frames; FRACTIONAL is thresholded at half. */
function frameMask(ds: DataSet, n: number, plane: number, type: string): Uint8Array {
  const el = ds.elements[PIXEL_DATA];
  if (!el) throw new AppError('DATA', 'The SEG has no PixelData');
  const bytes = ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
  const out = new Uint8Array(plane);
  if (type === 'BINARY') {
    const first = n * plane;
    if (((first + plane + 7) >> 3) > bytes.length) throw new AppError('DATA', `SEG PixelData is truncated at frame ${n + 1}`);
    for (let p = 0; p < plane; p++) {
      const bit = first + p;
      out[p] = ((bytes[bit >> 3] as number) >> (bit & 7)) & 1;
    }
    return out;
  }
  const max = num(ds, 'x00620010') ?? 255;
  if ((n + 1) * plane > bytes.length) throw new AppError('DATA', `SEG PixelData is truncated at frame ${n + 1}`);
  for (let p = 0; p < plane; p++) out[p] = (bytes[n * plane + p] as number) * 2 >= max && bytes[n * plane + p] !== 0 ? 1 : 0;
  return out;
}

/**
 * Read a DICOM Segmentation (BINARY or FRACTIONAL, native transfer syntax) onto the grid of the
 * CT it annotates: a class-id label volume. Segments become classes through their SNOMED type
 * codes (or `codeMap` by segment number); a segment that maps to nothing is an error naming it.
 */
export async function readSeg(fileOrBytes: string | Uint8Array, ct: SegTarget, opts: ReadSegOptions = {}): Promise<ReadSegResult> {
  const name = typeof fileOrBytes === 'string' ? fileOrBytes : 'SEG';
  const bytes = typeof fileOrBytes === 'string' ? await readFile(fileOrBytes) : fileOrBytes;
  const ds = parseDicomBytes(bytes, { headerOnly: false });
  const sop = str(ds, 'x00080016') || str(ds, 'x00020002');
  if (sop !== SEG_SOP_CLASS) throw new AppError('DATA', `${name} is not a DICOM Segmentation (SOP class ${sop || 'missing'})`);
  const ts = transferSyntaxOf(ds);
  if (![TS.IMPLICIT_LE, TS.EXPLICIT_LE, TS.DEFLATED_LE].includes(ts as never)) {
    throw new AppError('UNSUPPORTED', `${name}: SEG pixel data in transfer syntax ${ts} is not supported (convert with dcmdrle/gdcmconv --raw)`, { transferSyntax: ts });
  }
  if (ct.metadata.equalizedFromSlices !== undefined) {
    throw new AppError('DATA', `${name}: the CT was resampled onto equal slice steps, so its slices are not the SEG's source slices; import it with equalizeSpacing: false`);
  }
  const type = str(ds, 'x00620001').toUpperCase();
  if (type !== 'BINARY' && type !== 'FRACTIONAL') throw new AppError('UNSUPPORTED', `${name}: SegmentationType ${type || '(missing)'} is not supported`);
  const rows = us(ds, 'x00280010') ?? 0;
  const cols = us(ds, 'x00280011') ?? 0;
  const [nx, ny, nz] = ct.dims;
  if (cols !== nx || rows !== ny) throw new AppError('DATA', `${name}: SEG frames are ${cols}x${rows}, the CT slices ${nx}x${ny}`);
  const shared = item(ds, 'x52009229');
  const iop = numsOf(item(shared, 'x00209116'), 'x00200037', 6);
  if (iop) {
    const d = ct.direction;
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);
    if (cos(iop.slice(0, 3), d.slice(0, 3)) < 0.9998 || cos(iop.slice(3, 6), d.slice(3, 6)) < 0.9998) {
      throw new AppError('DATA', `${name}: SEG frames are oriented ${iop.join('\\')}, not like the CT's slices`);
    }
  }

  const frames = Math.max(0, Math.floor(num(ds, 'x00280008') ?? 0));
  const segments = readSegments(ds, opts);
  const segByNumber = new Map(segments.map((s) => [s.number, s]));
  const refs = frameRefs(ds, frames);
  const { ks, byUid, byPos } = placeFrames(refs, ct);
  const plane = nx * ny;
  const data = new Uint8Array(plane * nz);
  let overlaps = 0;
  for (let n = 0; n < frames; n++) {
    const seg = segByNumber.get((refs[n] as FrameRef).segment);
    if (!seg) throw new AppError('DATA', `${name}: frame ${n + 1} names segment ${(refs[n] as FrameRef).segment}, which the SegmentSequence lacks`);
    const mask = frameMask(ds, n, plane, type);
    const off = (ks[n] as number) * plane;
    for (let p = 0; p < plane; p++) {
      if (!mask[p]) continue;
      if (data[off + p] !== 0 && data[off + p] !== seg.classId) overlaps++;
      data[off + p] = seg.classId;
      seg.voxels++;
    }
  }
  const warnings: Warning[] = [];
  if (overlaps) warnings.push({ code: 'SEG_OVERLAP', message: `${overlaps} voxels belong to more than one segment; the later segment's class was kept`, details: { voxels: overlaps } });
  if (byPos) warnings.push({ code: 'SEG_PLACED_BY_POSITION', message: `${byPos} of ${frames} frames were placed by ImagePositionPatient (their SOP Instance reference is not in the CT)` });
  const labels: Volume<Uint8Array<ArrayBuffer>> = {
    dims: [nx, ny, nz],
    spacingMm: [...ct.spacingMm],
    originLps: [...ct.originLps],
    direction: [...ct.direction] as VolumeGeometry['direction'],
    data,
    metadata: { source: 'dicom-seg', file: name },
  };
  return { labels, segments, placedBy: { uid: byUid, position: byPos }, warnings };
}
