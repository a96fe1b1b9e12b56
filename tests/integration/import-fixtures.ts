import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';

/** Fixture helpers for the importer tests: edit real DICOM files in memory (little endian only). */

const made: string[] = [];
let hooked = false;

/** Remove every folder tmpDir made (test files call it in afterAll: forked workers skip exit hooks). */
export function cleanupTmpDirs(): void {
  for (const m of made.splice(0)) rmSync(m, { recursive: true, force: true });
}

/** A fresh temp folder, removed by cleanupTmpDirs() or when the process exits. */
export function tmpDir(tag: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `cardioseg-import-${tag}-`));
  made.push(d);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const m of made) rmSync(m, { recursive: true, force: true });
    });
  }
  return d;
}

/**
 * Replace one top-level element's value (string VRs), rewriting its length field, so a real file
 * can be given a NaN spacing, another series UID, etc. Works for explicit and implicit VR LE.
 */
export function patchElement(bytes: Uint8Array, tag: string, value: string): Uint8Array {
  const buf = Buffer.from(bytes);
  const ds = dicomParser.parseDicom(buf, { untilTag: 'x7fe00010' });
  const el = ds.elements[tag];
  if (!el) throw new Error(`patchElement: ${tag} not in file`);
  let v = Buffer.from(value, 'latin1');
  if (v.length % 2) v = Buffer.concat([v, Buffer.from(el.vr === 'UI' ? [0] : [0x20])]);
  const explicit = el.vr !== undefined && buf.toString('latin1', el.dataOffset - 4, el.dataOffset - 2) === el.vr;
  const before = buf.subarray(0, el.dataOffset);
  const after = buf.subarray(el.dataOffset + el.length);
  const out = Buffer.concat([before, v, after]);
  if (explicit) out.writeUInt16LE(v.length, el.dataOffset - 2);
  else out.writeUInt32LE(v.length, el.dataOffset - 4);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Cut the file just before its PixelData element: parses "OK", but has no pixels. */
export function cutBeforePixelData(bytes: Uint8Array): Uint8Array {
  const ds = dicomParser.parseDicom(Buffer.from(bytes), { untilTag: 'x7fe00010' });
  const el = ds.elements.x7fe00010;
  if (!el) throw new Error('no PixelData');
  const longExplicit = el.vr !== undefined && Buffer.from(bytes).toString('latin1', el.dataOffset - 8, el.dataOffset - 6) === el.vr;
  const headerLen = el.dataOffset - (longExplicit ? 12 : 8);
  return bytes.slice(0, headerLen);
}

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be replayed from its seed. */
export { mulberry32 as rng } from '../../src-shared/random.js';
