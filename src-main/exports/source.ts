import { DicomSourceMetadataSchema, type DicomSourceMetadata } from '../../src-shared/contract/dicom.contract.js';
import { AppError, toAppError, type Warning } from '../../src-shared/errors.js';
import type { Volume } from '../../src-shared/volume/volume.js';
import { importDicom } from '../dicom/index.js';
import { readNifti } from '../io/nifti/index.js';

export interface CtSource {
  ct: Volume;
  /** Present when the CT came from DICOM: what a SEG must reference. */
  dicom: DicomSourceMetadata | null;
  /** Import warnings, prefixed `IMPORT_`; they go into the report. */
  warnings: Warning[];
}

export const isNiftiPath = (p: string): boolean => /\.nii(\.gz)?$/i.test(p);

export async function loadCtSource(ctPath: string, signal?: AbortSignal): Promise<CtSource> {
  if (isNiftiPath(ctPath)) return { ct: await readNifti(ctPath), dicom: null, warnings: [] };
  let r;
  try {
    // A SEG must lie on the source's own slices: never the equalised resampling of uneven series.
    r = await importDicom(ctPath, { signal, equalizeSpacing: false });
  } catch (e) {
    throw toAppError(e, 'DATA');
  }
  const meta = DicomSourceMetadataSchema.safeParse(r.volume.metadata);
  if (!meta.success) throw new AppError('DATA', 'The DICOM importer returned no source metadata', { issues: meta.error.issues.slice(0, 5) });
  return { ct: r.volume, dicom: meta.data, warnings: r.warnings.map((w) => ({ ...w, code: `IMPORT_${w.code}` })) };
}
