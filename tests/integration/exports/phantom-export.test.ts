import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../../src-shared/classes.js';
import type { ExportRunOutput } from '../../../src-shared/contract/exports.contract.js';
import type { Volume } from '../../../src-shared/volume/volume.js';
import { main } from '../../../src-main/cli/main.js';
import { writeCtSeries } from '../../../src-main/dicom/writer/index.js';
import { readNifti, writeNifti } from '../../../src-main/io/nifti/index.js';
import { ijkToLps } from '../../../src-shared/volume/affine.js';
import { generatePhantom } from '../../../src-main/phantom/generate.js';
import { admesh, HAVE, PY, run, segToLabels } from './tools.js';

/**
 * The whole export through the CLI on a synthetic heart written as a DICOM series whose patient
 * name and series description are hostile file names. Every file is checked by an outside tool.
 */
const tools = PY && HAVE.dciodvfy && HAVE.dcentvfy && HAVE.niftiTool && HAVE.admesh;
if (!tools) console.warn('phantom export test skipped: needs python3-pydicom/nibabel, dicom3tools, nifti-bin, admesh');

async function cli(args: string[]): Promise<{ code: number; json: unknown }> {
  let out = '';
  const code = await main([...args, '--json', '--quiet'], (s) => {
    out += s;
  });
  return { code, json: JSON.parse(out) };
}

describe.skipIf(!tools)('cardioseg export on a DICOM phantom', () => {
  let tmp = '';
  let dicomDir = '';
  let labels: Volume<Uint8Array>;
  let ct: Volume<Int16Array>;
  let result: ExportRunOutput;
  let args: string[] = [];
  const byName = (suffix: string) => result.files.find((f) => f.path.endsWith(suffix));

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-phantom-export-'));
    const p = generatePhantom({ seed: 7, preset: 'small', dims: [80, 72, 48] });
    ct = p.ct;
    labels = p.labels;
    dicomDir = path.join(tmp, 'dicom');
    await writeCtSeries(dicomDir, ct, { patient: { name: '../../CON^Evil<>', id: 'P1' }, series: { description: 'NUL/..\\x' }, uidSeed: 'exports-test' });
    const labelsPath = path.join(tmp, 'labels.nii.gz');
    await writeNifti(labelsPath, labels);
    const modelPath = path.join(tmp, 'model.json');
    await writeFile(modelPath, JSON.stringify({ id: 'cardioseg-unet-test', version: '3', validationDice: 0.876, perClassDice: { left_ventricle: 0.93 } }));
    args = ['export', dicomDir, '--labels', labelsPath, '--out', path.join(tmp, 'out'), '--formats', 'seg,nifti,stl,obj,roi,report', '--model', modelPath];
    const r = await cli(args);
    expect(r.code).toBe(0);
    result = r.json as ExportRunOutput;
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('names files from sanitised DICOM text, all inside the output folder', () => {
    const out = path.join(tmp, 'out');
    for (const f of result.files) expect(path.relative(out, f.path).startsWith('..')).toBe(false);
    const seg = result.files.find((f) => f.format === 'seg')!;
    expect(path.dirname(seg.path)).toBe(out);
    expect(path.basename(seg.path)).toBe('CON_Evil_NUL_._x.seg.dcm');
  });

  it('SEG: pydicom rebuilds the labels exactly; dciodvfy and dcentvfy pass', async () => {
    const seg = byName('.seg.dcm')!.path;
    const back = await segToLabels(seg, dicomDir, tmp);
    expect(back.info.segments.length).toBe(8);
    expect(Buffer.compare(Buffer.from(back.labels), Buffer.from(labels.data))).toBe(0);
    const v = run('dciodvfy', [seg]);
    expect(v.out).not.toMatch(/^Error/m);
    expect(v.status).toBe(0);
    const fs = await import('node:fs');
    const e = run('dcentvfy', [seg, ...fs.readdirSync(dicomDir).map((f) => path.join(dicomDir, f))]);
    expect(e.out).not.toMatch(/Error/);
    expect(e.status).toBe(0);
  });

  it('STL: every structure closed, volume within 3 % of its voxels; OBJ/MTL carry the colours', async () => {
    const voxelMm3 = labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2];
    const mtl = await readFile(byName('structures.mtl')!.path, 'utf8');
    for (const cls of CLASSES.slice(1)) {
      const stl = byName(`meshes/${cls.key}.stl`)!.path;
      const a = admesh(stl);
      expect(a.status).toBe(0);
      expect(a.holesNote).toBe(true);
      // Parts may be >1 (the vena cava is SVC + IVC); closedness is about edges and holes.
      expect([a.disconnected, a.added, a.removed, a.backwards]).toEqual([0, 0, 0, 0]);
      const count = labels.data.reduce((s, v) => s + (v === cls.id ? 1 : 0), 0);
      expect(Math.abs(a.volume - count * voxelMm3) / (count * voxelMm3), cls.key).toBeLessThan(0.03);
      const obj = await readFile(byName(`meshes/${cls.key}.obj`)!.path, 'utf8');
      expect(obj.match(/^f /gm)?.length).toBe(a.facets);
      expect(obj).toContain(`usemtl ${cls.key}`);
      expect(mtl).toContain(`newmtl ${cls.key}\nKa ${cls.rgb.map((c) => (c / 255).toFixed(4)).join(' ')}`);
    }
  });

  it('ROI: cropped NIfTIs pass nifti_tool, meshes close, roi.json has the measurements', async () => {
    const roi = JSON.parse(await readFile(byName('roi/roi.json')!.path, 'utf8')) as { frame: string; measurements: Record<string, number>; crop: { dims: number[] } };
    expect(roi.frame).toBe('LPS');
    expect(roi.measurements.areaMm2).toBeGreaterThan(50);
    for (const f of ['roi/ct_roi.nii.gz', 'roi/labels_roi.nii.gz', 'roi/ct_roi_valve.nii.gz', 'roi/labels_roi_valve.nii.gz']) {
      const t = run('nifti_tool', ['-check_hdr', '-check_nim', '-infiles', byName(f)!.path]);
      expect(t.status).toBe(0);
      expect(t.out).toMatch(/nifti_image IS GOOD/);
    }
    // The valve-aligned volume's k axis is the valve normal and its centre is the box centre.
    const valve = await readNifti(byName('roi/labels_roi_valve.nii.gz')!.path);
    const box = (roi as unknown as { box: { centreLps: number[]; axes: number[] } }).box;
    for (let a = 0; a < 9; a++) expect(valve.direction[a]).toBeCloseTo(box.axes[a]!, 4);
    const centre = ijkToLps(valve, valve.dims.map((d) => (d - 1) / 2) as [number, number, number]);
    for (let a = 0; a < 3; a++) expect(centre[a]).toBeCloseTo(box.centreLps[a]!, 3);
    expect(valve.data.some((v) => v === 2) && valve.data.some((v) => v === 3)).toBe(true);
    const la = byName('roi/meshes/left_atrium.stl')!.path;
    expect(admesh(la).holesNote).toBe(true);
  });

  it('report: numbers match the truth, pictures exist, HTML links them', async () => {
    const rep = JSON.parse(await readFile(byName('report/report.json')!.path, 'utf8')) as {
      structures: Array<{ key: string; voxelCount: number; volumeMl: number; meanHu: number }>;
      model: { id: string; validationDice: number };
      images: Array<{ file: string }>;
      mitral: { measurements: Record<string, number> } | null;
    };
    expect(rep.model.validationDice).toBe(0.876);
    expect(rep.mitral?.measurements.perimeterMm).toBeGreaterThan(0);
    for (const s of rep.structures) {
      const id = CLASSES.find((c) => c.key === s.key)!.id;
      let n = 0;
      let hu = 0;
      for (let p = 0; p < labels.data.length; p++) {
        if (labels.data[p] !== id) continue;
        n++;
        hu += ct.data[p]!;
      }
      expect(s.voxelCount).toBe(n);
      expect(s.volumeMl).toBeCloseTo((n * labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2]) / 1000, 6);
      expect(s.meanHu).toBeCloseTo(hu / n, 3);
    }
    const csv = await readFile(byName('report/report.csv')!.path, 'utf8');
    expect(csv.split('\r\n').filter((l) => l.startsWith('structure,')).length).toBe(8);
    expect(csv).toContain('model,validation_dice,cardioseg-unet-test,,,,0.876,dice');
    const html = await readFile(byName('report/report.html')!.path, 'utf8');
    expect(rep.images.length).toBe(8 * 3 + 1);
    for (const img of rep.images) {
      expect(html).toContain(`src="${img.file}"`);
      const meta = await sharp(path.join(path.dirname(byName('report/report.html')!.path), img.file)).metadata();
      expect(meta.format).toBe('png');
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(512);
    }
    expect(html).not.toContain('<>');
  });

  it('refuses to overwrite without --overwrite, replaces with it', async () => {
    const seg = byName('.seg.dcm')!.path;
    const before = await stat(seg);
    const again = await cli(args);
    expect(again.code).toBe(1);
    expect((again.json as { error: { code: string } }).error.code).toBe('IO');
    expect((await stat(seg)).mtimeMs).toBe(before.mtimeMs);
    // Only the SEG, to keep the test short: --formats given twice, the last wins.
    const forced = await cli([...args, '--formats', 'seg', '--overwrite']);
    expect(forced.code).toBe(0);
    expect((await stat(seg)).mtimeMs).toBeGreaterThan(before.mtimeMs);
  });
});
