import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../../src-shared/classes.js';
import { ijkToLps } from '../../../src-shared/volume/affine.js';
import type { Volume } from '../../../src-shared/volume/volume.js';
import { srgbToDicomLab } from '../../../src-main/exports/cielab.js';
import { runExport } from '../../../src-main/exports/run.js';
import { loadCtSource } from '../../../src-main/exports/source.js';
import { readNifti, writeNifti } from '../../../src-main/io/nifti/index.js';
import { dataPath, hasShared } from '../../helpers/paths.js';
import { ellipsoidLabels, flipAxes } from './fixture.js';
import { admesh, dcm2niix, HAVE, niftiCompare, PY, run, segToLabels } from './tools.js';

/**
 * Exports of real scanner series checked by independent tools: pydicom rebuilds the SEG's labels,
 * dciodvfy/dcentvfy validate it against the CT, nibabel compares our NIfTI with dcm2niix's.
 */
const SERIES = [
  // Structures on a 3-slice series touch both ends: the meshes must still close.
  { name: 'dcmqi ct-3slice', dir: dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'ct-3slice'), stl: true },
  // Meshes of 512x512 structures cost seconds and add nothing the phantom test does not check.
  { name: 'Philips phantom (dcm_qa_ct S2010)', dir: dataPath('dicom', 'dcm_qa_ct', 'In', 'Philips', 'S21570', 'S2010'), stl: false },
];
const tools = hasShared && PY && HAVE.dciodvfy && HAVE.dcentvfy && HAVE.dcm2niix && HAVE.niftiTool && HAVE.admesh;
if (!tools) console.warn('exports real-series tests skipped: need ../shared/data, python3-pydicom/nibabel, dicom3tools, dcm2niix, nifti-bin, admesh');

/** Compare pydicom's (slice, row, col) volume with ours, placing slices by position. */
function expectSameLabels(ours: Volume<Uint8Array>, back: Uint8Array, positions: number[][], offsetsMm?: number[]): void {
  const [nx, ny, nz] = ours.dims;
  expect(positions.length).toBe(nz);
  expect(back.length).toBe(nx * ny * nz);
  const plane = nx * ny;
  let mismatches = 0;
  positions.forEach((pos, s) => {
    const at = (kk: number) => (offsetsMm ? ours.originLps.map((o, a) => o + ours.direction[6 + a]! * offsetsMm[kk]!) : ijkToLps(ours, [0, 0, kk]));
    const k = [...Array(nz).keys()].find((kk) => Math.hypot(...at(kk).map((v, a) => v - (pos[a] as number))) < 1e-3);
    expect(k, `slice at ${pos.join(',')}`).toBeDefined();
    for (let p = 0; p < plane; p++) if (back[s * plane + p] !== ours.data[(k as number) * plane + p]) mismatches++;
  });
  expect(mismatches).toBe(0);
}

describe.skipIf(!tools).each(SERIES)('export of $name', ({ dir, stl }) => {
  let tmp = '';
  let labels: Volume<Uint8Array>;
  let files: Array<{ path: string; format: string }> = [];
  let warnings: Array<{ code: string }> = [];
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-export-'));
    const { ct } = await loadCtSource(dir);
    labels = ellipsoidLabels(ct);
    // Stored with flipped rows and slices, as dcm2niix-style tools do: the exporter must resample.
    const labelsPath = path.join(tmp, 'labels-flipped.nii.gz');
    await writeNifti(labelsPath, flipAxes(labels, [false, true, true]));
    const r = await runExport({ ctPath: dir, labelsPath, formats: stl ? ['seg', 'nifti', 'stl'] : ['seg', 'nifti'], outDir: path.join(tmp, 'out'), modelInfo: { id: 'test-model-1' } });
    files = r.files;
    warnings = r.warnings;
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('writes a SEG that pydicom turns back into the same labels, voxel for voxel', async () => {
    expect(warnings.map((w) => w.code)).not.toContain('LABELS_RESAMPLED');
    const seg = files.find((f) => f.format === 'seg');
    expect(seg).toBeDefined();
    const back = await segToLabels(seg!.path, dir, tmp);
    expectSameLabels(labels, back.labels, back.info.positions);
    expect(back.info.segments.map((s) => s.label).sort()).toEqual(['Left atrium', 'Left ventricle', 'Vena cava']);
    for (const s of back.info.segments) {
      const cls = CLASSES.find((c) => c.name === s.label)!;
      expect(s.code).toBe(cls.snomed!.code);
      expect(s.lab).toEqual(srgbToDicomLab(cls.rgb));
      expect(s.algorithm).toBe('CardioSeg');
    }
  });

  it('passes dciodvfy (0 errors) and dcentvfy with the source CT', async () => {
    const seg = files.find((f) => f.format === 'seg')!.path;
    const v = run('dciodvfy', [seg]);
    expect(v.out).not.toMatch(/^Error/m);
    expect(v.status).toBe(0);
    const ct = (await import('node:fs')).readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => !f.endsWith('DIRFILE'));
    const e = run('dcentvfy', [seg, ...ct]);
    expect(e.out).not.toMatch(/Error/);
    expect(e.status).toBe(0);
  });

  it('writes NIfTI whose world coordinates equal dcm2niix’s, and nifti_tool finds GOOD', async () => {
    const ref = dcm2niix(dir, tmp);
    const ct = files.find((f) => f.path.endsWith('_ct.nii.gz'))!.path;
    const lab = files.find((f) => f.path.endsWith('_labels.nii.gz'))!.path;
    const c = niftiCompare(ct, ref);
    expect(c.shapeA).toEqual(c.shapeB);
    expect(c.affineMaxDiff).toBeLessThan(0.01);
    expect(c.qformSformMaxDiff).toBeLessThan(0.01);
    expect(c.equalFractionAboveAir).toBeGreaterThan(0.999);
    expect(niftiCompare(lab, ref).affineMaxDiff).toBeLessThan(0.01);
    for (const f of [ct, lab]) {
      const t = run('nifti_tool', ['-check_hdr', '-check_nim', '-infiles', f]);
      expect(t.status).toBe(0);
      expect(t.out).toMatch(/header IS GOOD/);
      expect(t.out).toMatch(/nifti_image IS GOOD/);
    }
    const back = await readNifti(lab);
    expect(Buffer.compare(Buffer.from(back.data as Uint8Array), Buffer.from(labels.data))).toBe(0);
  });

  it.skipIf(!stl)('writes closed STL surfaces (admesh)', async () => {
    const stls = files.filter((f) => f.format === 'stl');
    expect(stls.length).toBe(3);
    for (const s of stls) {
      const a = admesh(s.path);
      expect(a.status).toBe(0);
      expect(a.holesNote).toBe(true);
      expect([a.disconnected, a.added, a.removed, a.backwards, a.reversed]).toEqual([0, 0, 0, 0, 0]);
      expect(a.volume).toBeGreaterThan(0);
      expect((await readFile(s.path)).subarray(0, 80).toString('latin1')).toMatch(/SPACE=LPS/);
    }
  });
});

describe.skipIf(!tools)('export of the Siemens J2K series (no UIDs, labels from dcm2niix geometry)', () => {
  const dir = dataPath('dicom', 'siemens-abdomen-j2k', 'example_ct_dicom');
  const refLabels = dataPath('dicom', 'siemens-abdomen-j2k', 'example_seg_dicom.nii.gz');
  let tmp = '';
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  it('puts TotalSegmentator labels on the CT grid exactly and matches dcm2niix; skips the SEG', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-export-j2k-'));
    // Map a few TotalSegmentator classes onto product ids: liver->LV, spleen->LA, aorta->desc. aorta, IVC->vena cava.
    const ts = await readNifti(refLabels);
    const map = new Map([[5, 3], [1, 2], [52, 6], [63, 8]]);
    const mapped = { ...ts, data: Uint8Array.from(ts.data as Uint8Array, (v) => map.get(v) ?? 0) };
    const labelsPath = path.join(tmp, 'labels.nii.gz');
    await writeNifti(labelsPath, mapped);
    const r = await runExport({ ctPath: dir, labelsPath, formats: ['seg', 'nifti'], outDir: path.join(tmp, 'out') });
    expect(r.warnings.map((w) => w.code)).toContain('SEG_SKIPPED');
    expect(r.files.some((f) => f.format === 'seg')).toBe(false);
    const lab = r.files.find((f) => f.path.endsWith('_labels.nii.gz'))!.path;
    const same = niftiCompare(lab, labelsPath);
    expect(same.affineMaxDiff).toBeLessThan(0.01);
    expect(same.equalFraction).toBe(1);
    // example_seg_dicom.nii.gz has exactly dcm2niix's geometry for this series (MANIFEST), so the
    // CT NIfTI must share its world coordinates too (running dcm2niix on J2K here costs seconds).
    expect(niftiCompare(r.files.find((f) => f.path.endsWith('_ct.nii.gz'))!.path, refLabels).affineMaxDiff).toBeLessThan(0.01);
  });
});

describe.skipIf(!tools)('SEG of the GE head CT (gantry tilt, uneven slice spacing, blank birth date/sex)', () => {
  const dir = dataPath('dicom', 'dcm_qa_ct', 'In', 'GE');
  let tmp = '';
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  it('places every frame at its true slice position; dciodvfy 0 errors, dcentvfy passes', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-export-ge-'));
    const src = await loadCtSource(dir);
    expect(src.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['IMPORT_GANTRY_TILT', 'IMPORT_UNEVEN_SPACING']));
    const labels = ellipsoidLabels(src.ct);
    const labelsPath = path.join(tmp, 'labels.nii.gz');
    await writeNifti(labelsPath, labels);
    const r = await runExport({ ctPath: dir, labelsPath, formats: ['seg'], outDir: path.join(tmp, 'out') });
    const seg = r.files.find((f) => f.format === 'seg')!.path;
    const back = await segToLabels(seg, dir, tmp);
    expectSameLabels(labels, back.labels, back.info.positions, src.dicom!.sliceOffsetsMm);
    const v = run('dciodvfy', [seg]);
    expect(v.out).not.toMatch(/^Error/m);
    expect(v.status).toBe(0);
    const e = run('dcentvfy', [seg, ...(await import('node:fs')).readdirSync(dir).map((f) => path.join(dir, f))]);
    expect(e.out).not.toMatch(/^Error/m);
    expect(e.status).toBe(0);
  });
});
