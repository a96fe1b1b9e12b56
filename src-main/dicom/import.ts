import { AppError, type Warning } from '../../src-shared/errors.js';
import type { ScanResult } from '../../src-shared/contract/dicom.contract.js';
import { assembleVolume } from './assemble.js';
import { equalizeSlices } from './equalize.js';
import { stackGeometry } from './geometry.js';
import { chooseMain, findStack, groupStacks, type Stack } from './group.js';
import type { DicomVolume, ImportDicomOptions, ImportDicomResult } from './index.js';
import { scanFiles, type ScanOptions } from './scan.js';

export interface ScanDetail {
  result: ScanResult;
  stacks: Stack[];
}

/** Headers only: list studies/series/stacks and pick the main CT. */
export async function scanDicom(root: string, opts: ScanOptions = {}): Promise<ScanDetail> {
  const scan = await scanFiles(root, opts);
  const { stacks, warnings } = groupStacks(scan.headers);
  const main = chooseMain(stacks);
  return {
    stacks,
    result: {
      series: stacks.map((s) => s.summary),
      mainId: main?.summary.id ?? null,
      filesSeen: scan.filesSeen,
      dicomFiles: scan.headers.length,
      skippedFiles: scan.skipped,
      usedDicomdir: scan.usedDicomdir,
      warnings: [...scan.warnings, ...warnings],
    },
  };
}

export async function importDicomImpl(root: string, opts: ImportDicomOptions = {}): Promise<ImportDicomResult> {
  const { stacks, result } = await scanDicom(root, { signal: opts.signal, onProgress: opts.onProgress });
  if (result.filesSeen === 0) throw new AppError('NOT_FOUND', `No files under ${root}`);
  if (stacks.length === 0) {
    throw new AppError('NOT_FOUND', `No DICOM images under ${root} (${result.filesSeen} files seen, ${result.skippedFiles} skipped)`, {
      warnings: result.warnings.slice(0, 20),
    });
  }
  let stack: Stack | undefined;
  if (opts.seriesUid) {
    stack = findStack(stacks, opts.seriesUid);
    if (!stack) throw new AppError('NOT_FOUND', `Series ${opts.seriesUid} is not under ${root}`, { available: stacks.map((s) => s.summary.id) });
    if (!stack.summary.volumeCandidate) {
      throw new AppError('UNSUPPORTED', `Series ${opts.seriesUid} cannot be loaded as a volume: ${stack.summary.notCandidateReason ?? 'unknown reason'}`);
    }
  } else {
    stack = chooseMain(stacks);
    if (!stack) {
      throw new AppError('NOT_FOUND', `No series under ${root} can be loaded as a volume`, {
        series: stacks.map((s) => ({ id: s.summary.id, kind: s.summary.kind, reason: s.summary.notCandidateReason })),
      });
    }
  }
  const label = stack.summary.description ? `"${stack.summary.description}"` : stack.summary.id;
  const geo = stackGeometry(stack.slices, label);
  const assembled = await assembleVolume(geo.ordered, { signal: opts.signal, onProgress: opts.onProgress });
  const h = (geo.ordered[0] as (typeof geo.ordered)[0]).header;
  const f0 = h.frames[0];
  const warnings: Warning[] = [...result.warnings, ...geo.warnings, ...assembled.warnings];
  let data = assembled.data;
  let ordered = geo.ordered;
  let sliceOffsetsMm = geo.sliceOffsetsMm;
  const geometry = { ...geo.geometry };
  if (geo.uneven && opts.equalizeSpacing !== false) {
    const plane = geometry.dims[0] * geometry.dims[1];
    const eq = equalizeSlices(data, plane, geo.sliceOffsetsMm, geo.uneven.medianStepMm);
    data = eq.data;
    ordered = eq.nearestSource.map((k) => geo.ordered[k] as (typeof geo.ordered)[0]);
    sliceOffsetsMm = eq.nearestSource.map((_, j) => Math.round(j * eq.spacingMm * 1e4) / 1e4);
    geometry.dims = [geometry.dims[0], geometry.dims[1], eq.slices];
    geometry.spacingMm = [geometry.spacingMm[0], geometry.spacingMm[1], eq.spacingMm];
    warnings.push({
      code: 'EQUALIZED',
      message: `Resampled ${geo.ordered.length} unevenly spaced slices to ${eq.slices} slices of ${eq.spacingMm.toFixed(3)} mm (linear interpolation along the slice axis, like dcm2niix's _Eq output) so every slice is in place; per-slice source references name the nearest original slice`,
      details: { sourceSlices: geo.ordered.length, slices: eq.slices, spacingMm: eq.spacingMm },
    });
  } else if (geo.uneven) {
    warnings.push({
      code: 'MISPLACED_SLICES',
      message: `Slices are kept as acquired on the mean spacing ${geometry.spacingMm[2].toFixed(2)} mm: slices away from the ends are misplaced by up to ${geo.uneven.maxMisplacementMm} mm (see metadata.sliceOffsetsMm for true positions)`,
    });
  }
  const volume: DicomVolume = {
    ...geometry,
    data,
    metadata: {
      source: 'dicom',
      StudyInstanceUID: h.studyInstanceUid,
      SeriesInstanceUID: h.seriesInstanceUid,
      FrameOfReferenceUID: h.frameOfReferenceUid,
      SOPClassUID: h.sopClassUid,
      SOPInstanceUIDs: ordered.map((s) => s.header.sopInstanceUid),
      frameNumbers: ordered.map((s) => s.frame + 1),
      sourceFiles: ordered.map((s) => s.header.file),
      PatientName: h.patientName,
      PatientID: h.patientId,
      PatientBirthDate: h.patientBirthDate,
      PatientSex: h.patientSex,
      StudyDate: h.studyDate,
      StudyTime: h.studyTime,
      AccessionNumber: h.accessionNumber,
      StudyID: h.studyId,
      StudyDescription: h.studyDescription,
      SeriesDescription: h.seriesDescription,
      SeriesNumber: h.seriesNumber,
      Modality: h.modality,
      Manufacturer: h.manufacturer,
      ManufacturerModelName: h.manufacturerModelName,
      TransferSyntaxUID: h.transferSyntax,
      units: assembled.units,
      sliceOffsetsMm,
      // Only when each volume slice IS a source slice (not after equalisation).
      ...(ordered === geo.ordered ? { slicePositionsLps: geo.slicePositionsLps } : {}),
      ...(ordered !== geo.ordered ? { equalizedFromSlices: geo.ordered.length } : {}),
      ...(f0?.windowCenter !== undefined ? { windowCenter: f0.windowCenter } : {}),
      ...(f0?.windowWidth !== undefined ? { windowWidth: f0.windowWidth } : {}),
      ...(geo.tiltDeg > 0.05 ? { gantryTiltDeg: Math.round(geo.tiltDeg * 100) / 100 } : {}),
    },
  };
  if (!h.seriesInstanceUid || !h.studyInstanceUid) warnings.push({ code: 'NO_UIDS', message: 'The series has no StudyInstanceUID/SeriesInstanceUID (anonymised?); exports must create new ones' });
  if (!h.frameOfReferenceUid) warnings.push({ code: 'NO_FRAME_OF_REFERENCE', message: 'The series has no FrameOfReferenceUID; exports cannot reference its coordinate system' });
  return { volume, series: result.series, chosen: stack.summary, warnings };
}
