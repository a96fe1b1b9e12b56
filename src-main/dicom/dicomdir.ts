import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataSet } from 'dicom-parser';
import { toAppError, type Warning } from '../../src-shared/errors.js';
import { parseDicomBytes } from './parse.js';

/**
 * DICOMDIR (PS3.10 media directory): the files its directory records reference, resolved on disk.
 * Referenced File IDs are relative to the folder holding the DICOMDIR (the media root), with `\`
 * separators and upper-case names that a copied CD may have in another case. Philips writes a
 * tree of private directory files (DIRFILE) whose IDs are still relative to that root; those are
 * followed too.
 */

const DIRECTORY_STORAGE = '1.2.840.10008.1.3.10';
const DIR_NAME = /^(dicomdir|dirfile)$/i;
/** A DICOMDIR lists one entry per image; more than this is a corrupt or hostile file. */
const MAX_REFS = 500_000;
const MAX_DEPTH = 8;
const MAX_NAMED = 20;

export interface DicomdirRefs {
  /** Image (and other non-directory) files the directories reference that exist. */
  files: string[];
  /** Directory files read (the DICOMDIR itself and any nested DIRFILEs). */
  directories: string[];
  warnings: Warning[];
}

export const isDicomdirName = (file: string): boolean => path.basename(file).toUpperCase() === 'DICOMDIR';

interface Ref {
  components: string[];
  recordType: string;
  sopClass: string;
}

function records(ds: DataSet): Ref[] {
  const seq = ds.elements['x00041220'];
  const out: Ref[] = [];
  for (const item of seq?.items ?? []) {
    const rec = item.dataSet;
    if (!rec) continue;
    const id = rec.string('x00041500');
    if (!id) continue;
    const components = id.split('\\').map((c) => c.trim()).filter((c) => c !== '' && c !== '.' && c !== '..');
    if (components.length === 0) continue;
    out.push({ components, recordType: (rec.string('x00041430') ?? '').trim().toUpperCase(), sopClass: rec.string('x00041510') ?? '' });
    if (out.length > MAX_REFS) break;
  }
  return out;
}

/** Resolve components under `base`, exact first, then case-insensitively (ISO 9660 copies). */
async function resolve(base: string, components: string[], listing: Map<string, Promise<string[]>>): Promise<string | null> {
  const exact = path.join(base, ...components);
  try {
    if ((await stat(exact)).isFile()) return exact;
  } catch {
    // fall through to the case-insensitive walk
  }
  let dir = base;
  for (const c of components) {
    let names = listing.get(dir);
    if (!names) {
      names = readdir(dir).catch(() => []);
      listing.set(dir, names);
    }
    const hit = (await names).find((n) => n.toUpperCase() === c.toUpperCase());
    if (!hit) return null;
    dir = path.join(dir, hit);
  }
  try {
    return (await stat(dir)).isFile() ? dir : null;
  } catch {
    return null;
  }
}

/** Read one DICOMDIR and every directory file it leads to; never throws (problems are warnings). */
export async function readDicomdir(dicomdir: string): Promise<DicomdirRefs> {
  const root = path.dirname(dicomdir);
  const out: DicomdirRefs = { files: [], directories: [], warnings: [] };
  const seen = new Set<string>();
  const listing = new Map<string, Promise<string[]>>();
  const visit = async (dirFile: string, depth: number): Promise<void> => {
    if (seen.has(dirFile) || depth > MAX_DEPTH) return;
    seen.add(dirFile);
    let refs: Ref[];
    try {
      refs = records(parseDicomBytes(await readFile(dirFile), { headerOnly: false }));
    } catch (e) {
      out.warnings.push({ code: 'DICOMDIR_UNREADABLE', message: `Directory file could not be read; its folder is still scanned: ${toAppError(e, 'DATA').message}`, file: dirFile });
      return;
    }
    out.directories.push(dirFile);
    const missing: string[] = [];
    for (const r of refs) {
      // Philips DIRFILEs resolve against the media root; fall back to the directory file's folder.
      const found = (await resolve(root, r.components, listing)) ?? (await resolve(path.dirname(dirFile), r.components, listing));
      if (!found) {
        missing.push(r.components.join('/'));
        continue;
      }
      if (r.sopClass === DIRECTORY_STORAGE || DIR_NAME.test(path.basename(found))) await visit(found, depth + 1);
      else if (!seen.has(found)) {
        seen.add(found);
        out.files.push(found);
      }
    }
    if (missing.length) {
      const named = missing.slice(0, MAX_NAMED).join(', ');
      const more = missing.length > MAX_NAMED ? ` (+${missing.length - MAX_NAMED} more)` : '';
      out.warnings.push({
        code: 'DICOMDIR_MISSING_FILES',
        message: `The directory lists ${missing.length} file(s) that are not on disk: ${named}${more}`,
        file: dirFile,
        details: { missing: missing.slice(0, 1000), count: missing.length },
      });
    }
  };
  await visit(dicomdir, 0);
  return out;
}
