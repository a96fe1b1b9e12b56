import type { DicomSourceMetadata, SeriesSummary } from '../../src-shared/contract/dicom.contract.js';
import type { Warning } from '../../src-shared/errors.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import type { Volume } from '../../src-shared/volume/volume.js';
import { importDicomImpl } from './import.js';

export type { DicomSourceMetadata, SeriesSummary };

export interface ImportDicomOptions {
  /** A SeriesSummary.id, a SeriesInstanceUID, or a unique SeriesNumber; default: the main CT chosen automatically. */
  seriesUid?: string;
  /** Resample unevenly spaced slices onto equal steps (default true); false keeps them, misplaced. */
  equalizeSpacing?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface DicomVolume extends Volume<Int16Array<ArrayBuffer> | Float32Array<ArrayBuffer>> {
  metadata: DicomSourceMetadata;
}

export interface ImportDicomResult {
  volume: DicomVolume;
  series: SeriesSummary[];
  chosen: SeriesSummary;
  warnings: Warning[];
}

/**
 * Import a DICOM folder (recursive) or a single file: scan headers, choose the main CT (or
 * `seriesUid`), decode it to HU in LPS. Int16Array when rescaled values are integers in range,
 * else Float32Array.
 */
export async function importDicom(pathOrFolder: string, opts: ImportDicomOptions = {}): Promise<ImportDicomResult> {
  return importDicomImpl(pathOrFolder, opts);
}

export { scanDicom } from './import.js';
