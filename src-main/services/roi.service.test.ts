import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roiContract } from '../../src-shared/contract/roi.contract.js';
import { isAppError } from '../../src-shared/errors.js';
import { createClient } from '../../src-shared/rpc/client.js';
import { createMemoryPair } from '../../src-shared/rpc/memory.js';
import { Router } from '../../src-shared/rpc/router.js';
import { dot, ijkToLps, norm, sub } from '../../src-shared/volume/affine.js';
import type { Vec3 } from '../../src-shared/volume/volume.js';
import { smallValveStudy } from '../geometry/analytic-phantom.js';
import { readNifti, writeNifti } from '../io/nifti/index.js';
import { createRoiService } from './roi.service.js';

const contract = { roi: roiContract };
const lin = (p: Vec3) => 3 * p[0] - 2 * p[1] + p[2] + 100;

let dir = '';
let labelsPath = '';
let ctPath = '';
const study = smallValveStudy();
const router = new Router(contract, { roi: createRoiService() });
const [serverSide, clientSide] = createMemoryPair();
router.serve(serverSide);
const api = createClient(contract, clientSide).roi;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-roi-'));
  labelsPath = path.join(dir, 'labels.nii.gz');
  ctPath = path.join(dir, 'ct.nii.gz');
  await writeNifti(labelsPath, study.labels);
  // A CT that is linear in LPS: trilinear resampling must reproduce it exactly anywhere inside.
  const ct = { ...study.labels, data: new Float32Array(study.labels.data.length) };
  const [nx, ny] = ct.dims;
  for (let c = 0; c < ct.data.length; c++) ct.data[c] = lin(ijkToLps(ct, [c % nx, Math.floor(c / nx) % ny, Math.floor(c / (nx * ny))]));
  await writeNifti(ctPath, ct);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('roi service (files in, files out)', () => {
  it('detect -> extract (NIfTI + roi.json) -> the written ROI maps back to the source CT', async () => {
    const det = await api.detect({ labelsPath, marginMm: 6 });
    expect(norm(sub(det.annulus.centreLps, study.valve.centre))).toBeLessThan(1);
    expect(Math.abs(det.annulus.maxDiameterMm - 2 * study.valve.a)).toBeLessThan(1);
    const outDir = path.join(dir, 'out');
    const ex = await api.extract({ ctPath, labelsPath, box: det.box, annulus: det.annulus, outDir });
    expect(ex.written.map((p) => path.basename(p)).sort()).toEqual(['roi-ct.nii.gz', 'roi-labels.nii.gz', 'roi.json']);
    const roiCt = await readNifti(path.join(outDir, 'roi-ct.nii.gz'));
    expect(roiCt.dims).toEqual(ex.geometry.dims);
    for (let a = 0; a < 9; a++) expect(roiCt.direction[a]).toBeCloseTo(ex.geometry.direction[a], 4);
    for (let a = 0; a < 3; a++) expect(roiCt.originLps[a]).toBeCloseTo(ex.geometry.originLps[a], 3);
    // The ROI's slices are parallel to the valve plane: its k axis is the valve normal.
    expect(dot([roiCt.direction[6], roiCt.direction[7], roiCt.direction[8]], det.annulus.normalLps)).toBeGreaterThan(0.9999);
    const [rx, ry] = roiCt.dims;
    let checked = 0;
    for (let c = 0; c < roiCt.data.length; c += 7) {
      const w = ijkToLps(roiCt, [c % rx, Math.floor(c / rx) % ry, Math.floor(c / (rx * ry))]);
      if (roiCt.data[c] === -1024) continue;
      expect(Math.abs(roiCt.data[c] - lin(w))).toBeLessThan(0.02);
      checked++;
    }
    expect(checked).toBeGreaterThan(roiCt.data.length / 7 / 2);
    const roiLabels = await readNifti(path.join(outDir, 'roi-labels.nii.gz'));
    const centreIdx = roiLabels.dims.map((d) => Math.floor(d / 2));
    // Just below the annulus centre (towards the LV) the label is LV.
    const k = Math.min(roiLabels.dims[2] - 1, centreIdx[2] + 3);
    expect(roiLabels.data[centreIdx[0] + rx * (centreIdx[1] + ry * k)]).toBe(3);
    const json = JSON.parse(await readFile(path.join(outDir, 'roi.json'), 'utf8')) as { box: unknown; annulus: { areaMm2: number } };
    expect(json.box).toEqual(ex.box);
    expect(json.annulus.areaMm2).toBeCloseTo(det.annulus.areaMm2, 6);
  });

  it('adjust + re-extract, save with the study, load it back', async () => {
    const det = await api.detect({ labels: study.labels });
    const ex = await api.extract({ labels: study.labels, box: det.box, adjust: { rotateDeg: [10, 0, 0], shiftMm: [0, 0, 2], sizeMm: [30, 30, 12] } });
    const z: Vec3 = [ex.box.axes[6], ex.box.axes[7], ex.box.axes[8]];
    expect((Math.acos(dot(z, det.annulus.normalLps)) * 180) / Math.PI).toBeCloseTo(10, 5);
    expect(ex.labels?.dims).toEqual([Math.round(30 / det.box.spacingMm[0]), Math.round(30 / det.box.spacingMm[1]), Math.round(12 / det.box.spacingMm[2])]);
    const studyDir = path.join(dir, 'study');
    const none = await api.load({ studyDir });
    expect(none.record).toBeNull();
    const saved = await api.save({ studyDir, roi: { box: ex.box, detectedBox: det.box, annulus: det.annulus, source: { labelsPath } } });
    const loaded = await api.load({ studyDir });
    expect(loaded.path).toBe(saved.path);
    expect(loaded.record?.box).toEqual(ex.box);
    expect(loaded.record?.detectedBox).toEqual(det.box);
    expect(loaded.record?.annulus?.areaMm2).toBe(det.annulus.areaMm2);
    // Re-extracting from the stored box gives the same grid as before saving.
    const again = await api.extract({ labels: study.labels, box: loaded.record!.box });
    expect(again.geometry).toEqual(ex.geometry);
    expect(again.labels?.data).toEqual(ex.labels?.data);
  });

  it('errors cross the RPC as DATA with the structure named', async () => {
    const noLv = { ...study.labels, data: study.labels.data.map((v) => (v === 3 ? 0 : v)) };
    const err = await api.detect({ labels: noLv }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('DATA');
    expect((err as Error).message).toMatch(/left ventricle.*missing/);
    expect((err as { details: { structure: string } }).details.structure).toBe('lv');
    const studyDir = path.join(dir, 'broken');
    const det = await api.detect({ labels: study.labels });
    await api.save({ studyDir, roi: { box: det.box, detectedBox: null, annulus: null, source: {} } });
    await writeFile(path.join(studyDir, 'mitral-roi.json'), '{"version": 2}');
    const bad = await api.load({ studyDir }).catch((e: unknown) => e);
    expect(isAppError(bad) && bad.code).toBe('DATA');
  });
});
