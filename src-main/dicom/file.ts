import { AppError, toAppError } from '../../src-shared/errors.js';
import { extractHeader, type DicomHeader } from './header.js';
import { parseDicomBytes } from './parse.js';
import { decodeStoredFrame, type StoredArray } from './pixels.js';

/**
 * One file's header and stored pixel values, from bytes already in memory. Every failure is an
 * AppError whose message starts with the file path (the fuzz test holds it to that).
 */
export async function decodeDicomBytes(bytes: Uint8Array, file: string, maxFrames = 4): Promise<{ header: DicomHeader; frames: StoredArray[] }> {
  try {
    const ds = parseDicomBytes(bytes, { headerOnly: false });
    const header = extractHeader(ds, file);
    const frames: StoredArray[] = [];
    if (header.hasPixelData && header.rows > 0 && header.columns > 0) {
      const n = Math.min(header.numberOfFrames, maxFrames);
      for (let f = 0; f < n; f++) frames.push(await decodeStoredFrame(ds, header, f));
    }
    return { header, frames };
  } catch (e) {
    const err = toAppError(e, 'DATA');
    throw new AppError(err.code, `${file}: ${err.message}`, { file });
  }
}
