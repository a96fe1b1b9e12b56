import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLASSES } from '../../../src-shared/classes.js';
import { hasCommand, pythonWith } from '../../../src-main/phantom/external-tools.js';

/** Running the independent validators (Debian tools, pydicom, nibabel) the export tests trust. */
export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PY = pythonWith(['pydicom', 'nibabel', 'numpy']);
export const HAVE = {
  dciodvfy: hasCommand('dciodvfy', ['-help']),
  dcentvfy: hasCommand('dcentvfy', ['-help']),
  dcm2niix: hasCommand('dcm2niix', ['-h']),
  niftiTool: hasCommand('nifti_tool', ['-help']),
  admesh: hasCommand('admesh', ['--help']),
};

export interface RunResult {
  status: number | null;
  out: string;
}
export function run(cmd: string, args: string[]): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export interface SegBack {
  frames: number;
  slices: number;
  rows: number;
  cols: number;
  positions: number[][];
  segments: Array<{ number: number; label: string; code: string; lab: number[]; algorithm: string; algorithmVersion: string }>;
}

/** pydicom rebuilds the label volume from the SEG (slice, row, col order by slice position). */
export async function segToLabels(seg: string, ctDir: string, tmp: string): Promise<{ info: SegBack; labels: Uint8Array }> {
  if (!PY) throw new Error('python with pydicom/nibabel missing');
  const codes = Object.fromEntries(CLASSES.filter((c) => c.snomed).map((c) => [c.snomed!.code, c.id]));
  const codesPath = path.join(tmp, 'codes.json');
  const rawPath = path.join(tmp, 'seg-labels.raw');
  await writeFile(codesPath, JSON.stringify(codes));
  const r = run(PY, [path.join(HERE, 'seg_to_labels.py'), seg, ctDir, codesPath, rawPath]);
  if (r.status !== 0) throw new Error(`seg_to_labels.py failed (${r.status}): ${r.out}`);
  return { info: JSON.parse(r.out.trim().split('\n').pop() as string) as SegBack, labels: new Uint8Array(await readFile(rawPath)) };
}

export interface NiftiCompare {
  shapeA: number[];
  shapeB: number[];
  affineMaxDiff: number;
  qformSformMaxDiff: number;
  sformCodeA: number;
  qformCodeA: number;
  equalFraction?: number;
  equalFractionAboveAir?: number | null;
}
export function niftiCompare(ours: string, ref: string): NiftiCompare {
  if (!PY) throw new Error('python with nibabel missing');
  const r = run(PY, [path.join(HERE, 'nifti_compare.py'), ours, ref]);
  if (r.status !== 0) throw new Error(`nifti_compare.py failed: ${r.out}`);
  return JSON.parse(r.out.trim().split('\n').pop() as string) as NiftiCompare;
}

/** dcm2niix's NIfTI of a series (uncompressed), the geometry reference. */
export function dcm2niix(dir: string, outDir: string): string {
  const r = run('dcm2niix', ['-z', 'n', '-b', 'n', '-f', 'ref', '-o', outDir, dir]);
  if (r.status !== 0) throw new Error(`dcm2niix failed (${r.status}): ${r.out}`);
  return path.join(outDir, 'ref.nii');
}

export interface AdmeshReport {
  status: number | null;
  facets: number;
  parts: number;
  disconnected: number;
  added: number;
  removed: number;
  backwards: number;
  reversed: number;
  volume: number;
  holesNote: boolean;
}
export function admesh(stl: string): AdmeshReport {
  const r = run('admesh', [stl]);
  const num = (re: RegExp): number => Number(re.exec(r.out)?.[1] ?? NaN);
  return {
    status: r.status,
    facets: num(/Number of facets\s*:\s*(\d+)/),
    parts: num(/Number of parts\s*:\s*(\d+)/),
    disconnected: num(/Total disconnected facets\s*:\s*(\d+)\s+\d+/),
    added: num(/Facets added\s*:\s*(\d+)/),
    removed: num(/Facets removed\s*:\s*(\d+)/),
    backwards: num(/Backwards edges\s*:\s*(\d+)/),
    reversed: num(/Facets reversed\s*:\s*(\d+)/),
    volume: num(/Volume\s*:\s*(-?[\d.]+)/),
    holesNote: r.out.includes('No holes need to be filled'),
  };
}
