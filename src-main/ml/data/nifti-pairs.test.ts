import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { writeNifti } from '../../io/nifti/index.js';
import { loadNiftiPairs } from './nifti-pairs.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nifti-pairs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The same patient stored LPS (DICOM order) and mirrored in i and j (RAS, dcm2niix's habit). */
function pair(): { lps: [Volume<Int16Array>, Volume<Uint8Array>]; ras: [Volume<Int16Array>, Volume<Uint8Array>] } {
  const dims: Vec3 = [6, 5, 3];
  const img = new Int16Array(90).map((_, i) => i * 7 - 300);
  const lab = new Uint8Array(90).map((_, i) => (i % 11 === 0 ? 3 : i % 7 === 0 ? 2 : 0));
  const g = { dims, spacingMm: [1, 1, 2] as Vec3, originLps: [10, 20, 30] as Vec3, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3 };
  const flip = <T extends Int16Array | Uint8Array>(a: T): T => {
    const out = a.slice() as T;
    for (let k = 0; k < 3; k++) for (let j = 0; j < 5; j++) for (let i = 0; i < 6; i++) out[5 - i + 6 * (4 - j + 5 * k)] = a[i + 6 * (j + 5 * k)]!;
    return out;
  };
  const rg = { ...g, originLps: [15, 24, 30] as Vec3, direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] as Mat3 };
  return { lps: [{ ...g, data: img }, { ...g, data: lab }], ras: [{ ...rg, data: flip(img) }, { ...rg, data: flip(lab) }] };
}

describe('NIfTI training pairs', () => {
  it('present a RAS-stored pair to the network exactly like its LPS-stored twin', async () => {
    const p = pair();
    const files: string[] = [];
    for (const [name, [img, lab]] of Object.entries(p)) {
      await writeNifti(path.join(tmp, `${name}-img.nii.gz`), img);
      await writeNifti(path.join(tmp, `${name}-lab.nii.gz`), lab);
      files.push(name);
    }
    const load = (n: string) => loadNiftiPairs({ kind: 'nifti', pairs: [{ image: path.join(tmp, `${n}-img.nii.gz`), label: path.join(tmp, `${n}-lab.nii.gz`) }] }, 0);
    const [a, b] = await Promise.all([load('lps'), load('ras')]);
    for (let z = 0; z < 3; z++) {
      expect(Array.from(b.cases[0]!.image.slice(z)!)).toEqual(Array.from(a.cases[0]!.image.slice(z)!));
      expect(Array.from(b.cases[0]!.label(z)!)).toEqual(Array.from(a.cases[0]!.label(z)!));
    }
  });
});
