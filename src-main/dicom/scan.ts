import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, toAppError, type Warning } from '../../src-shared/errors.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import { yieldToLoop } from '../util/abort.js';
import { isDicomdirName, readDicomdir } from './dicomdir.js';
import { extractHeader, type DicomHeader } from './header.js';
import { PIXEL_DATA, parseDicomBytes } from './parse.js';

export interface ScanOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Parallel file reads; header parsing is cheap, so I/O latency is what this hides. */
  concurrency?: number;
  /** Per-file bound (ms) on reading a file, so a stuck mount or device cannot hang the scan. */
  fileTimeoutMs?: number;
  maxFiles?: number;
}

export interface ScanFilesResult {
  headers: DicomHeader[];
  filesSeen: number;
  skipped: number;
  usedDicomdir: boolean;
  warnings: Warning[];
}

/** First read; most CT headers fit, the rest are re-read whole. */
const HEAD_BYTES = 64 * 1024;
const DICOM_EXT = /\.(dcm|dicom|dic|ima)$/i;
const SKIP_NAMES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

export async function listFiles(root: string, opts: { signal?: AbortSignal; maxFiles?: number } = {}): Promise<string[]> {
  let st;
  try {
    st = await stat(root);
  } catch (e) {
    throw new AppError('NOT_FOUND', `Path not found: ${root}`, { cause: toAppError(e, 'IO').message });
  }
  if (st.isFile()) return [root];
  if (!st.isDirectory()) throw new AppError('IO', `Not a file or folder: ${root}`);
  const max = opts.maxFiles ?? 200_000;
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    if (opts.signal?.aborted) throw new AppError('ABORTED', 'The operation was cancelled');
    const dir = stack.pop() as string;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable sub-folder: its files are simply not seen
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && !SKIP_NAMES.has(e.name)) out.push(p);
      if (out.length >= max) throw new AppError('DATA', `More than ${max} files under ${root}; choose a smaller folder`);
    }
  }
  return out;
}

async function readBytes(file: string, maxBytes: number | null, timeoutMs: number): Promise<{ bytes: Buffer; size: number }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const n = maxBytes === null ? size : Math.min(size, maxBytes);
    const bytes = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      if (signal.aborted) throw new AppError('IO', `Reading took longer than ${timeoutMs} ms`);
      const { bytesRead } = await fh.read(bytes, off, n - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return { bytes: off === n ? bytes : bytes.subarray(0, off), size };
  } finally {
    await fh.close();
  }
}

/** Read one file's header; null when the file is not DICOM at all (skipped, not a warning). */
export async function readHeader(file: string, timeoutMs = 10_000): Promise<DicomHeader | null> {
  const head = await readBytes(file, HEAD_BYTES, timeoutMs);
  if (head.size < 8) return null;
  if (!looksLikeDicom(head.bytes)) return null;
  let ds;
  if (head.size > head.bytes.length) {
    try {
      ds = parseDicomBytes(head.bytes, { headerOnly: true });
      // Cut before pixel data on an element boundary parses "OK": only trust it when it got there.
      if (!ds.elements[PIXEL_DATA]) ds = undefined;
    } catch {
      ds = undefined;
    }
  }
  if (!ds) {
    const whole = head.size > head.bytes.length ? (await readBytes(file, null, timeoutMs)).bytes : head.bytes;
    ds = parseDicomBytes(whole, { headerOnly: true });
  }
  return extractHeader(ds, file);
}

/** Cheap sniff: Part 10 magic, or a bare dataset starting with a group 0002/0008 tag. */
export function looksLikeDicom(b: Uint8Array): boolean {
  if (b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d) return true;
  const group = b[0] | (b[1] << 8);
  const elem = b[2] | (b[3] << 8);
  return (group === 0x0008 || group === 0x0002) && elem < 0x0100;
}

/** Read the headers of every file under `root` (a folder, recursively, or one file). */
export async function scanFiles(root: string, opts: ScanOptions = {}): Promise<ScanFilesResult> {
  const walked = await listFiles(root, opts);
  const warnings: Warning[] = [];
  const headers: DicomHeader[] = [];
  let skipped = 0;
  let done = 0;
  let usedDicomdir = false;
  // DICOMDIR is honoured, not trusted: what it lists is added to what the walk found (a file it
  // misses is still imported), and what it lists but is not there becomes a warning.
  const fileSet = new Set(walked);
  for (const dir of walked.filter(isDicomdirName)) {
    const refs = await readDicomdir(dir);
    if (refs.files.length) usedDicomdir = true;
    warnings.push(...refs.warnings);
    for (const f of refs.files) fileSet.add(f);
  }
  const files = [...fileSet];
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const timeout = opts.fileTimeoutMs ?? 10_000;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      if (opts.signal?.aborted) return;
      const file = files[next++] as string;
      try {
        const h = await readHeader(file, timeout);
        if (!h) {
          skipped++;
          // Files named like DICOM that do not look like it deserve a word; others are just counted.
          if (DICOM_EXT.test(file)) warnings.push({ code: 'NOT_DICOM', message: 'Named like a DICOM file but has no DICOM header; skipped', file });
        }
        else if (!h.isDicomdir) headers.push(h);
      } catch (e) {
        skipped++;
        warnings.push({ code: 'UNREADABLE_FILE', message: toAppError(e, 'DATA').message, file });
      }
      done++;
      if (done % 64 === 0) {
        opts.onProgress?.({ stage: 'scan', done, total: files.length });
        await yieldToLoop(opts.signal);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  if (opts.signal?.aborted) throw new AppError('ABORTED', 'The operation was cancelled');
  opts.onProgress?.({ stage: 'scan', done: files.length, total: files.length });
  // Sorted by path so grouping and warnings are deterministic whatever order reads finished in.
  headers.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  warnings.sort((a, b) => ((a.file ?? '') < (b.file ?? '') ? -1 : 1));
  return { headers, filesSeen: files.length, skipped, usedDicomdir, warnings };
}
