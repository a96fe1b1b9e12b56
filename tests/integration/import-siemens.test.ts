import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importDicom } from '../../src-main/dicom/index.js';
import { readNiftiDetailed } from '../../src-main/io/nifti/index.js';
import { extractHeader } from '../../src-main/dicom/header.js';
import { parseDicomBytes } from '../../src-main/dicom/parse.js';
import { ijkToLps, lpsToRas } from '../../src-shared/volume/affine.js';
import type { Vec3 } from '../../src-shared/volume/volume.js';
import { dataPath, hasShared } from '../helpers/paths.js';

const root = dataPath('dicom', 'siemens-abdomen-j2k');

/** The NIfTI's voxel -> RAS affine as nibabel reads it (an independent reader). */
const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
function nibabelAffine(file: string): number[][] | null {
  try {
    const out = execFileSync(PY, ['-c', `import nibabel, json; print(json.dumps(nibabel.load(${JSON.stringify(file)}).affine.tolist()))`], { encoding: 'utf8' });
    return JSON.parse(out) as number[][];
  } catch {
    return null;
  }
}

describe.skipIf(!hasShared)('siemens-abdomen-j2k (JPEG 2000, InstanceNumber decreasing with z)', async () => {
  const r = hasShared ? await importDicom(`${root}/example_ct_dicom`) : undefined;

  it('maps every voxel to the same world position as example_seg_dicom.nii.gz (RAS there, LPS here) within 0.01 mm', async () => {
    const v = r!.volume;
    const nifti = (await readNiftiDetailed(`${root}/example_seg_dicom.nii.gz`)).volume;
    expect(v.dims).toEqual(nifti.dims);
    // dcm2niix stores rows bottom-up: its voxel (i, ny-1-j, k) is our (i, j, k). Check the grid
    // corners and a few inner voxels both through our NIfTI reader and through nibabel.
    const ny = v.dims[1];
    const aff = nibabelAffine(`${root}/example_seg_dicom.nii.gz`);
    if (!aff) console.warn('python3-nibabel is missing: the NIfTI affine is checked with our own reader only');
    const pts: Vec3[] = [[0, 0, 0], [511, 0, 0], [0, 511, 0], [0, 0, 19], [511, 511, 19], [100, 200, 7], [300, 50, 13]];
    for (const p of pts) {
      const ours = ijkToLps(v, p);
      const q: Vec3 = [p[0], ny - 1 - p[1], p[2]];
      const theirs = ijkToLps(nifti, q);
      for (let a = 0; a < 3; a++) expect(Math.abs(ours[a] - theirs[a])).toBeLessThan(0.01);
      if (aff) {
        const ras = lpsToRas(ours);
        for (let a = 0; a < 3; a++) {
          const row = aff[a] as number[];
          const w = (row[0] as number) * q[0] + (row[1] as number) * q[1] + (row[2] as number) * q[2] + (row[3] as number);
          expect(Math.abs(ras[a] - w)).toBeLessThan(0.01);
        }
      }
    }
    expect(v.spacingMm[2]).toBeCloseTo(2.0, 6);
  });

  it('orders slices by position along the normal although InstanceNumber decreases', () => {
    const v = r!.volume;
    const files = v.metadata.sourceFiles;
    const z = files.map((f) => {
      const h = extractHeader(parseDicomBytes(readFileSync(f), { headerOnly: true }), f);
      return { z: h.frames[0]!.position![2], inst: h.instanceNumber as number };
    });
    for (let k = 1; k < z.length; k++) {
      expect(z[k]!.z).toBeGreaterThan(z[k - 1]!.z);
      expect(z[k]!.inst).toBeLessThan(z[k - 1]!.inst);
    }
    expect(z[0]!.z).toBe(-804.5);
    expect(v.originLps[2]).toBe(-804.5);
    expect(v.metadata.SOPInstanceUIDs).toHaveLength(20);
    expect(new Set(v.metadata.SOPInstanceUIDs).size).toBe(20);
  });

  it('decodes HU like dcm2niix (-1024..1839) into Int16', () => {
    const d = r!.volume.data;
    expect(d).toBeInstanceOf(Int16Array);
    let min = Infinity;
    let max = -Infinity;
    for (const x of d) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect([min, max]).toEqual([-1024, 1839]);
    expect(r!.volume.metadata.Manufacturer.toUpperCase()).toContain('SIEMENS');
  });
});
