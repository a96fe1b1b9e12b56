import type { SeriesSummary } from '../../src-shared/contract/dicom.contract.js';
import type { Warning } from '../../src-shared/errors.js';
import type { DicomHeader } from './header.js';

/** One image of a stack: a file, and which frame of it. */
export interface SliceRef {
  header: DicomHeader;
  frame: number;
}

export interface Stack {
  summary: SeriesSummary;
  slices: SliceRef[];
}

const SOP = {
  secondaryCapturePrefix: '1.2.840.10008.5.1.4.1.1.7',
  srPrefix: '1.2.840.10008.5.1.4.1.1.88.',
  doseSr: '1.2.840.10008.5.1.4.1.1.88.67',
  rtDose: '1.2.840.10008.5.1.4.1.1.481.2',
  segPrefix: '1.2.840.10008.5.1.4.1.1.66.',
};

const VOLUME_MODALITIES = new Set(['CT', 'MR', 'PT', 'NM', '']);

export function kindOf(h: DicomHeader): SeriesSummary['kind'] {
  const c = h.sopClassUid;
  if (c === SOP.doseSr || c === SOP.rtDose || h.modality === 'RTDOSE') return 'dose';
  if (c.startsWith(SOP.srPrefix) || h.modality === 'SR') return 'structured-report';
  if (c.startsWith(SOP.segPrefix) || h.modality === 'SEG') return 'segmentation';
  if (c === SOP.secondaryCapturePrefix || c.startsWith(`${SOP.secondaryCapturePrefix}.`)) return 'secondary-capture';
  if (['LOCALIZER', 'SCOUT', 'TOPOGRAM', 'SCANOGRAM'].some((t) => h.imageType.includes(t))) return 'localizer';
  if (!h.hasPixelData || h.rows === 0 || h.columns === 0) return 'other';
  if (h.imageType.includes('SECONDARY') && h.imageType.includes('SCREEN SAVE')) return 'secondary-capture';
  return 'image';
}

export function orientationOf(o: number[] | undefined): SeriesSummary['orientation'] {
  if (!o) return 'unknown';
  const n = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
  const a = n.map(Math.abs);
  const max = Math.max(...a);
  if (!(max > 0)) return 'unknown';
  // Within ~26 degrees of a main axis counts as that plane (GE tilted heads stay "axial").
  if (max < 0.9) return 'oblique';
  return a[2] === max ? 'axial' : a[1] === max ? 'coronal' : 'sagittal';
}

const orientKey = (o: number[] | undefined): string => (o ? o.map((x) => x.toFixed(3)).join(',') : 'none');

function summarize(id: string, slices: SliceRef[]): SeriesSummary {
  const h = (slices[0] as SliceRef).header;
  const kind = kindOf(h);
  const files = new Set(slices.map((s) => s.header.file));
  const frame0 = h.frames[0];
  const allGeom = slices.every((s) => {
    const f = s.header.frames[s.frame];
    return f?.position && f.orientation && f.pixelSpacing;
  });
  let reason: string | undefined;
  if (kind !== 'image') reason = `${kind} objects are not volume images`;
  else if (!VOLUME_MODALITIES.has(h.modality)) reason = `modality ${h.modality} is not a volume modality`;
  else if (h.samplesPerPixel !== 1) reason = `colour images (${h.samplesPerPixel} samples per pixel)`;
  else if (!allGeom) reason = 'images lack position/orientation/pixel spacing';
  const summary: SeriesSummary = {
    id,
    studyInstanceUid: h.studyInstanceUid,
    seriesInstanceUid: h.seriesInstanceUid,
    studyDate: h.studyDate,
    studyDescription: h.studyDescription,
    patientName: h.patientName,
    patientId: h.patientId,
    modality: h.modality,
    description: h.seriesDescription,
    seriesNumber: h.seriesNumber,
    sopClassUid: h.sopClassUid,
    imageType: h.imageType,
    kind,
    orientation: orientationOf(frame0?.orientation),
    rows: h.rows,
    columns: h.columns,
    sliceCount: slices.length,
    fileCount: files.size,
    transferSyntaxUids: [...new Set(slices.map((s) => s.header.transferSyntax))].sort(),
    volumeCandidate: reason === undefined,
  };
  if (reason) summary.notCandidateReason = reason;
  return summary;
}

/**
 * Studies -> series -> stacks (same orientation and matrix). Files without a SeriesInstanceUID
 * are grouped under a synthetic id so they can still be listed and chosen.
 */
export function groupStacks(headers: DicomHeader[]): { stacks: Stack[]; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const bySeries = new Map<string, DicomHeader[]>();
  for (const h of headers) {
    const uid = h.seriesInstanceUid || `no-series-uid:${h.studyInstanceUid || 'unknown'}`;
    const list = bySeries.get(uid);
    if (list) list.push(h);
    else bySeries.set(uid, [h]);
  }
  const stacks: Stack[] = [];
  for (const [uid, list] of bySeries) {
    const groups = new Map<string, SliceRef[]>();
    const seenSop = new Set<string>();
    for (const h of list) {
      if (h.sopInstanceUid && seenSop.has(h.sopInstanceUid)) {
        warnings.push({ code: 'DUPLICATE_INSTANCE', message: `SOPInstanceUID ${h.sopInstanceUid} appears twice; the copy is ignored`, file: h.file });
        continue;
      }
      if (h.sopInstanceUid) seenSop.add(h.sopInstanceUid);
      if (!h.hasPixelData && h.rows > 0 && h.columns > 0) {
        warnings.push({ code: 'MISSING_PIXEL_DATA', message: 'Image header without PixelData (truncated file?); the file is listed but cannot be loaded', file: h.file });
      }
      for (let f = 0; f < h.numberOfFrames; f++) {
        const key = `${kindOf(h)}|${h.rows}x${h.columns}|${orientKey(h.frames[f]?.orientation)}`;
        const g = groups.get(key);
        if (g) g.push({ header: h, frame: f });
        else groups.set(key, [{ header: h, frame: f }]);
      }
    }
    const ordered = [...groups.values()].sort((a, b) => b.length - a.length);
    const images = ordered.filter((g) => kindOf((g[0] as SliceRef).header) === 'image');
    if (images.length > 1) {
      const sizes = new Set(images.map((g) => `${(g[0] as SliceRef).header.rows}x${(g[0] as SliceRef).header.columns}`));
      if (sizes.size > 1) {
        warnings.push({
          code: 'MIXED_MATRIX',
          message: `Series ${uid} mixes matrix sizes (${[...sizes].join(', ')}); split into ${images.length} stacks`,
          details: { seriesInstanceUid: uid, sizes: [...sizes] },
        });
      }
    }
    ordered.forEach((slices, n) => stacks.push({ summary: summarize(n === 0 ? uid : `${uid}#${n + 1}`, slices), slices }));
  }
  stacks.sort((a, b) => (a.summary.seriesNumber ?? 1e9) - (b.summary.seriesNumber ?? 1e9) || a.summary.id.localeCompare(b.summary.id));
  return { stacks, warnings };
}

/** The main CT: largest axial CT image stack; then any CT; then any volume candidate. */
export function chooseMain(stacks: Stack[]): Stack | undefined {
  const cands = stacks.filter((s) => s.summary.volumeCandidate);
  const score = (s: Stack): number =>
    (s.summary.modality === 'CT' ? 4 : 0) + (s.summary.orientation === 'axial' ? 2 : 0) + (s.summary.sliceCount > 1 ? 1 : 0);
  return cands.sort((a, b) => score(b) - score(a) || b.summary.sliceCount - a.summary.sliceCount)[0];
}

/** By stack id, by SeriesInstanceUID (its first stack), or by SeriesNumber when that is unique. */
export function findStack(stacks: Stack[], id: string): Stack | undefined {
  const exact = stacks.find((s) => s.summary.id === id) ?? stacks.find((s) => s.summary.seriesInstanceUid === id && !s.summary.id.includes('#'));
  if (exact || !/^\d+$/.test(id)) return exact;
  const byNumber = stacks.filter((s) => s.summary.seriesNumber === Number(id) && !s.summary.id.includes('#'));
  return byNumber.length === 1 ? byNumber[0] : undefined;
}
