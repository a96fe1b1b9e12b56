import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ijkToLps } from '../../../src-shared/volume/affine.js';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { TEST_OUTPUT } from '../../../tests/helpers/paths.js';
import { hasCommand, pythonWith } from '../../phantom/external-tools.js';
import { encodeNifti, parseNifti, readNifti, readNiftiDetailed, writeNifti } from './index.js';

const OUT = path.join(TEST_OUTPUT, 'nifti');
mkdirSync(OUT, { recursive: true });

const HAS_NIFTI_TOOL = hasCommand('nifti_tool');
const PY = pythonWith(['nibabel', 'numpy']);
const HAS_NIBABEL = PY !== null;
if (!HAS_NIFTI_TOOL) console.warn('nifti_tool missing (apt nifti-bin): its check is skipped');
if (!HAS_NIBABEL) console.warn('python3 with nibabel missing (apt python3-nibabel): nibabel checks are skipped');

/** A rotation about an oblique axis (right-handed), so no axis lines up with LPS. */
function obliqueDirection(): Mat3 {
  const ax = [1, 2, 3].map((x) => x / Math.hypot(1, 2, 3));
  const t = 0.4;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const [x, y, z] = ax;
  // Rodrigues; rows of R are the images of the unit axes here (i, j, k axis vectors).
  const R = [
    [c + x * x * (1 - c), x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
    [y * x * (1 - c) + z * s, c + y * y * (1 - c), y * z * (1 - c) - x * s],
    [z * x * (1 - c) - y * s, z * y * (1 - c) + x * s, c + z * z * (1 - c)],
  ];
  return [R[0][0], R[1][0], R[2][0], R[0][1], R[1][1], R[2][1], R[0][2], R[1][2], R[2][2]];
}

function sampleVolume(flipK = false): Volume<Int16Array> {
  const dims: Vec3 = [7, 5, 4];
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 4000) - 1024;
  const direction = obliqueDirection();
  if (flipK) for (let k = 6; k < 9; k++) direction[k] = -direction[k];
  return { dims, spacingMm: [0.7, 0.9, 1.3], originLps: [-101.5, 33.25, -240.75], direction, data };
}

function expectGeometryClose(a: Volume, b: Volume, tol = 1e-4): void {
  expect(a.dims).toEqual(b.dims);
  for (let k = 0; k < 3; k++) expect(a.spacingMm[k]).toBeCloseTo(b.spacingMm[k], 4);
  for (const corner of [
    [0, 0, 0],
    [b.dims[0] - 1, b.dims[1] - 1, b.dims[2] - 1],
    [b.dims[0] - 1, 0, 0],
  ] as Vec3[]) {
    const pa = ijkToLps(a, corner);
    const pb = ijkToLps(b, corner);
    for (let k = 0; k < 3; k++) expect(Math.abs(pa[k] - pb[k])).toBeLessThan(tol);
  }
}

function nibabelAffine(file: string): number[][] {
  const py = 'import sys,json,nibabel as nb; i=nb.load(sys.argv[1]); print(json.dumps(i.affine.tolist()))';
  return JSON.parse(execFileSync(PY as string, ['-c', py, file], { encoding: 'utf8' })) as number[][];
}

describe('NIfTI writer and reader', () => {
  it('round-trips an oblique int16 volume through .nii.gz (voxels exact, geometry < 1e-4 mm)', async () => {
    const v = sampleVolume();
    const f = path.join(OUT, 'oblique.nii.gz');
    await writeNifti(f, v, { description: 'round trip' });
    expect(readFileSync(f)[0]).toBe(0x1f); // gzip magic
    const r = await readNiftiDetailed(f);
    expect(r.transform).toBe('sform');
    expect(r.volume.data).toBeInstanceOf(Int16Array);
    expect(Buffer.from((r.volume.data as Int16Array).buffer).equals(Buffer.from(v.data.buffer))).toBe(true);
    expect(r.volume.metadata?.description).toBe('round trip');
    expectGeometryClose(r.volume, v);
  });

  it('keeps a left-handed grid (qfac -1) and uint8 labels in plain .nii', async () => {
    const v = sampleVolume(true);
    const labels: Volume<Uint8Array> = { ...v, data: Uint8Array.from(v.data, (x) => Math.abs(x) % 9) };
    const f = path.join(OUT, 'labels.nii');
    await writeNifti(f, labels);
    const bytes = readFileSync(f);
    expect(bytes.length).toBe(352 + labels.data.length);
    const back = await readNifti(f);
    expect(back.data).toEqual(labels.data);
    expectGeometryClose(back, labels);
    // The qform alone must say the same as the sform.
    const qOnly = new Uint8Array(bytes);
    new DataView(qOnly.buffer).setInt16(254, 0, true);
    const viaQ = parseNifti(qOnly);
    expect(viaQ.transform).toBe('qform');
    expect(viaQ.header.pixdim[0]).toBe(-1);
    expectGeometryClose(viaQ.volume, labels, 1e-3);
  });

  it('rejects truncated and non-NIfTI input with AppError codes', () => {
    const good = encodeNifti(sampleVolume());
    expect(() => parseNifti(good.subarray(0, good.length - 10))).toThrow(/truncated/);
    expect(() => parseNifti(new Uint8Array(400))).toThrow(expect.objectContaining({ code: 'DATA' }));
  });

  it.skipIf(!HAS_NIFTI_TOOL)('passes nifti_tool -check_hdr -check_nim', async () => {
    const f = path.join(OUT, 'checked.nii.gz');
    await writeNifti(f, sampleVolume());
    const r = spawnSync('nifti_tool', ['-check_hdr', '-check_nim', '-infiles', f], { encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/header IS GOOD/);
    expect(out).toMatch(/nifti_image IS GOOD/);
  });

  it.skipIf(!HAS_NIBABEL)('nibabel reads the affine as the LPS->RAS flip of the volume geometry', async () => {
    const v = sampleVolume();
    const f = path.join(OUT, 'nibabel.nii.gz');
    await writeNifti(f, v);
    const aff = nibabelAffine(f);
    for (const ijk of [
      [0, 0, 0],
      [6, 4, 3],
      [3, 0, 2],
    ] as Vec3[]) {
      const lps = ijkToLps(v, ijk);
      const ras = [0, 1, 2].map((r) => aff[r][0] * ijk[0] + aff[r][1] * ijk[1] + aff[r][2] * ijk[2] + aff[r][3]);
      expect(Math.abs(ras[0] + lps[0])).toBeLessThan(1e-3);
      expect(Math.abs(ras[1] + lps[1])).toBeLessThan(1e-3);
      expect(Math.abs(ras[2] - lps[2])).toBeLessThan(1e-3);
    }
  });

  it.skipIf(!HAS_NIBABEL)('reads a big-endian, qform-only, scaled file written by nibabel', async () => {
    const f = path.join(OUT, 'nibabel_be.nii');
    const py = [
      'import sys,numpy as np,nibabel as nb',
      'a=(np.arange(5*4*3).reshape((5,4,3),order="F")*3-20).astype(">i2")',
      'aff=np.array([[0,-0.8,0,10],[-0.5,0,0,-20],[0,0,2.5,30],[0,0,0,1]])',
      // Written by hand from nibabel's header: nibabel.save would re-scale to float32.
      'h=nb.Nifti1Header(endianness=">"); h.set_data_shape(a.shape); h.set_data_dtype(">i2")',
      'h.set_qform(aff,code=1); h.set_sform(aff,code=0); h["scl_slope"]=2; h["scl_inter"]=-7; h["vox_offset"]=352',
      'f=open(sys.argv[1],"wb"); f.write(h.binaryblock); f.write(bytes(4)); f.write(a.tobytes(order="F")); f.close()',
    ].join('\n');
    execFileSync(PY as string, ['-c', py, f]);
    const bytes = readFileSync(f);
    expect(bytes.readInt32BE(0)).toBe(348); // really big-endian
    const r = parseNifti(bytes);
    expect(r.transform).toBe('qform');
    expect(r.volume.dims).toEqual([5, 4, 3]);
    expect(r.volume.data).toBeInstanceOf(Int16Array);
    // Voxel (i,j,k) holds (i + 5*(j + 4*k))*3 - 20 raw (arange in Fortran order), scaled by 2, -7.
    const at = (i: number, j: number, k: number) => r.volume.data[i + 5 * (j + 4 * k)];
    expect(at(0, 0, 0)).toBe(-20 * 2 - 7);
    expect(at(1, 2, 1)).toBe(((1 + 5 * (2 + 4 * 1)) * 3 - 20) * 2 - 7);
    expect(r.volume.spacingMm.map((s) => Number(s.toFixed(4)))).toEqual([0.5, 0.8, 2.5]);
    // RAS column 0 is (0,-0.5,0) -> LPS i axis (0, +1, 0).
    expect(r.volume.direction.slice(0, 3).map((x) => Math.round(x) + 0)).toEqual([0, 1, 0]);
    expect(r.volume.originLps.map((x) => Number(x.toFixed(4)))).toEqual([-10, 20, 30]);
  });

  it('gzip and plain outputs carry identical NIfTI bytes', async () => {
    const v = sampleVolume();
    const a = path.join(OUT, 'same.nii');
    const b = path.join(OUT, 'same.nii.gz');
    await writeNifti(a, v);
    await writeNifti(b, v);
    expect(Buffer.compare(readFileSync(a), gunzipSync(readFileSync(b)))).toBe(0);
    writeFileSync(path.join(OUT, 'done'), 'ok');
  });
});
