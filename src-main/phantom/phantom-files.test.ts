import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ijkToLps, lpsToIjk } from '../../src-shared/volume/affine.js';
import type { Vec3 } from '../../src-shared/volume/volume.js';
import { TEST_OUTPUT } from '../../tests/helpers/paths.js';
import { TRANSFER_SYNTAX_NAMES, type TransferSyntaxName } from '../dicom/writer/index.js';
import { readNifti, readNiftiDetailed } from '../io/nifti/index.js';
import { hasCommand, pythonWith } from './external-tools.js';
import { getPhantomFixture, type PhantomFixture } from './fixture.js';
import { generatePhantom, type PhantomResult } from './generate.js';
import { writePhantomFolder } from './output.js';

const OUT = path.join(TEST_OUTPUT, 'phantom-files');
const PY_DICOM = pythonWith(['pydicom', 'numpy']);
const PY_NIB = pythonWith(['nibabel', 'numpy']);
const HAS_DCIODVFY = hasCommand('dciodvfy', ['-help']);
const HAS_DCM2NIIX = hasCommand('dcm2niix', ['-h']);
const HAS_NIFTI_TOOL = hasCommand('nifti_tool');
const HAS_DCMCONV = hasCommand('dcmconv', ['--version']);
for (const [ok, what] of [
  [PY_DICOM, 'python3-pydicom'],
  [PY_NIB, 'python3-nibabel'],
  [HAS_DCIODVFY, 'dicom3tools (dciodvfy)'],
  [HAS_DCM2NIIX, 'dcm2niix'],
  [HAS_NIFTI_TOOL, 'nifti-bin (nifti_tool)'],
  [HAS_DCMCONV, 'dcmtk (dcmconv)'],
] as const) {
  if (!ok) console.warn(`${what} is not installed: its phantom checks are skipped`);
}

/** pydicom: sort by position along the slice normal, apply rescale, dump HU as int16 bytes. */
const PYDICOM_DUMP = `
import sys, glob, numpy as np, pydicom
fs = [pydicom.dcmread(f) for f in glob.glob(sys.argv[1] + '/*.dcm')]
iop = np.array(fs[0].ImageOrientationPatient, dtype=float)
n = np.cross(iop[:3], iop[3:])
fs.sort(key=lambda d: float(np.dot(n, np.array(d.ImagePositionPatient, dtype=float))))
vol = np.stack([d.pixel_array.astype(np.float64) * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in fs])
assert np.all(vol == np.round(vol))
vol.astype('<i2').tofile(sys.argv[2])
print(len(fs))
`;

function dciodvfy(file: string): { status: number | null; errors: string[]; out: string } {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  return { status: r.status, errors: out.split('\n').filter((l) => /^\s*Error/i.test(l)), out };
}

describe('phantom files (DICOM series, NIfTI labels, truth.json) against independent tools', () => {
  let fx: PhantomFixture;
  let mem: PhantomResult;
  const syntaxDirs = new Map<TransferSyntaxName, string>();

  beforeAll(async () => {
    fx = await getPhantomFixture({ seed: 7, preset: 'small' });
    mem = generatePhantom({ seed: 7, preset: 'small' });
    rmSync(OUT, { recursive: true, force: true });
    for (const ts of TRANSFER_SYNTAX_NAMES) {
      if (ts === 'explicit-le') {
        syntaxDirs.set(ts, fx.dicomDir);
        continue;
      }
      const f = await writePhantomFolder(path.join(OUT, ts), mem, { syntax: ts, ctNifti: false, atomicFiles: false });
      syntaxDirs.set(ts, f.dicomDir);
    }
  });

  it('cache fixture is reused and matches the in-memory generator', async () => {
    expect(path.basename(fx.dir)).toBe('phantom_seed7_96x96x64_1.8x1.8x2.2mm');
    expect(fx.dicomFiles).toHaveLength(64);
    const again = await getPhantomFixture({ seed: 7, preset: 'small' });
    expect(again.dir).toBe(fx.dir);
    expect(again.truth).toEqual(mem.truth);
    const labels = await readNifti(fx.labelsPath);
    expect(Buffer.compare(Buffer.from(labels.data.buffer, labels.data.byteOffset, labels.data.byteLength), Buffer.from(mem.labels.data.buffer))).toBe(0);
  });

  it('regenerating gives byte-identical DICOM files, labels and truth.json (seeded UIDs, fixed dates)', async () => {
    const again = await writePhantomFolder(path.join(OUT, 'again'), generatePhantom({ seed: 7, preset: 'small' }), { ctNifti: false, atomicFiles: false });
    const files = readdirSync(again.dicomDir).sort();
    expect(files).toEqual(fx.dicomFiles.map((f) => path.basename(f)));
    for (const f of files) expect(Buffer.compare(readFileSync(path.join(again.dicomDir, f)), readFileSync(path.join(fx.dicomDir, f))), f).toBe(0);
    expect(Buffer.compare(readFileSync(again.labelsPath), readFileSync(fx.labelsPath))).toBe(0);
    expect(readFileSync(again.truthPath, 'utf8')).toBe(readFileSync(fx.truthPath, 'utf8'));
  });

  it('truth.json volumes match volumes computed independently from labels.nii.gz within 1 %', async () => {
    const truth = JSON.parse(readFileSync(fx.truthPath, 'utf8')) as typeof mem.truth;
    const labels = await readNifti(fx.labelsPath);
    const voxMl = (labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2]) / 1000;
    const counts = new Map<number, number>();
    for (const v of labels.data) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(truth.structures).toHaveLength(8);
    for (const s of truth.structures) {
      const ml = (counts.get(s.id) ?? 0) * voxMl;
      expect(ml).toBeGreaterThan(0);
      expect(Math.abs(ml - s.volumeMl) / ml).toBeLessThan(0.01);
    }
    expect(truth.annulus.majorDiameterMm).toBeCloseTo(2 * truth.annulus.semiMajorMm, 9);
  });

  it.skipIf(!HAS_DCIODVFY)('dciodvfy reports no errors (every explicit-LE file; first/last of implicit, big-endian, RLE); dcentvfy agrees', () => {
    const files = [...fx.dicomFiles];
    for (const ts of ['implicit-le', 'big-endian', 'rle'] as const) {
      const all = readdirSync(syntaxDirs.get(ts)!).filter((f) => f.endsWith('.dcm')).sort();
      files.push(path.join(syntaxDirs.get(ts)!, all[0]), path.join(syntaxDirs.get(ts)!, all[all.length - 1]));
    }
    for (const f of files) {
      const r = dciodvfy(f);
      expect(r.errors, `${f}\n${r.out}`).toEqual([]);
      expect(r.status, r.out).toBe(0);
    }
    // Patient/study/series/frame-of-reference attributes agree across the whole series.
    const e = spawnSync('dcentvfy', fx.dicomFiles, { encoding: 'utf8' });
    const eout = `${e.stdout}${e.stderr}`;
    expect(eout.split('\n').filter((l) => /^\s*Error/i.test(l)), eout).toEqual([]);
    expect(e.status, eout).toBe(0);
  });

  it.skipIf(!HAS_DCIODVFY || !HAS_DCMCONV)('deflated files decode in dcmtk (dciodvfy cannot read deflate): the explicit-LE result validates', () => {
    const dir = syntaxDirs.get('deflate')!;
    const first = readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort()[0];
    const out = path.join(OUT, 'deflate-as-explicit.dcm');
    execFileSync('dcmconv', ['+te', path.join(dir, first), out], { stdio: 'pipe' });
    const r = dciodvfy(out);
    expect(r.errors, r.out).toEqual([]);
    expect(r.status, r.out).toBe(0);
  });

  it.skipIf(!PY_DICOM)('pydicom reads every transfer syntax back to the identical HU volume', () => {
    mkdirSync(OUT, { recursive: true });
    const expected = Buffer.from(mem.ct.data.buffer, mem.ct.data.byteOffset, mem.ct.data.byteLength);
    for (const ts of TRANSFER_SYNTAX_NAMES) {
      const raw = path.join(OUT, `pydicom_${ts}.raw`);
      const n = execFileSync(PY_DICOM as string, ['-c', PYDICOM_DUMP, syntaxDirs.get(ts)!, raw], { encoding: 'utf8' });
      expect(Number(n.trim())).toBe(64);
      expect(Buffer.compare(readFileSync(raw), expected), ts).toBe(0);
    }
  });

  it.skipIf(!HAS_DCM2NIIX)('dcm2niix converts the series with the expected affine and HU; our reader and nibabel agree on it', async () => {
    const dir = path.join(OUT, 'dcm2niix');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('dcm2niix', ['-z', 'y', '-b', 'n', '-f', 'ct', '-o', dir, fx.dicomDir], { stdio: 'pipe' });
    const nii = path.join(dir, 'ct.nii.gz');
    const parsed = await readNiftiDetailed(nii);
    const v = parsed.volume;
    expect(v.dims.slice().sort()).toEqual([...mem.ct.dims].sort());
    // Every voxel of dcm2niix's grid maps (through its affine) onto our voxel with the same HU.
    let checked = 0;
    let maxPosErr = 0;
    const [nx, ny, nz] = v.dims;
    for (let k = 0; k < nz; k += 7)
      for (let j = 0; j < ny; j += 5)
        for (let i = 0; i < nx; i += 3) {
          const ours = lpsToIjk(mem.ct, ijkToLps(v, [i, j, k]));
          const r = ours.map(Math.round) as Vec3;
          maxPosErr = Math.max(maxPosErr, ...ours.map((x, a) => Math.abs(x - r[a]) * mem.ct.spacingMm[a]));
          expect(v.data[i + nx * (j + ny * k)]).toBe(mem.ct.data[r[0] + 96 * (r[1] + 96 * r[2])]);
          checked++;
        }
    expect(checked).toBeGreaterThan(1000);
    expect(maxPosErr).toBeLessThan(0.01);
    if (PY_NIB) {
      const py = 'import sys,json,nibabel as nb; print(json.dumps(nb.load(sys.argv[1]).affine.tolist()))';
      const aff = JSON.parse(execFileSync(PY_NIB, ['-c', py, nii], { encoding: 'utf8' })) as number[][];
      for (const ijk of [
        [0, 0, 0],
        [nx - 1, ny - 1, nz - 1],
        [3, 50, 20],
      ] as Vec3[]) {
        const lps = ijkToLps(v, ijk);
        const ras = [0, 1, 2].map((r) => aff[r][0] * ijk[0] + aff[r][1] * ijk[1] + aff[r][2] * ijk[2] + aff[r][3]);
        expect(Math.abs(ras[0] + lps[0])).toBeLessThan(0.01);
        expect(Math.abs(ras[1] + lps[1])).toBeLessThan(0.01);
        expect(Math.abs(ras[2] - lps[2])).toBeLessThan(0.01);
      }
    }
  });

  it.skipIf(!HAS_NIFTI_TOOL || !PY_NIB)('labels.nii.gz passes nifti_tool and nibabel sees the LPS->RAS flip of the CT grid', () => {
    const r = spawnSync('nifti_tool', ['-check_hdr', '-check_nim', '-infiles', fx.labelsPath], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/nifti_image IS GOOD/);
    const py = 'import sys,json,nibabel as nb; i=nb.load(sys.argv[1]); print(json.dumps([i.affine.tolist(), list(i.shape), int(i.get_fdata().max())]))';
    const [aff, shape, max] = JSON.parse(execFileSync(PY_NIB as string, ['-c', py, fx.labelsPath], { encoding: 'utf8' })) as [number[][], number[], number];
    expect(shape).toEqual([96, 96, 64]);
    expect(max).toBe(8);
    const lps = ijkToLps(mem.labels, [95, 95, 63]);
    const ras = [0, 1, 2].map((row) => aff[row][0] * 95 + aff[row][1] * 95 + aff[row][2] * 63 + aff[row][3]);
    expect(ras[0]).toBeCloseTo(-lps[0], 2);
    expect(ras[1]).toBeCloseTo(-lps[1], 2);
    expect(ras[2]).toBeCloseTo(lps[2], 2);
  });
});
