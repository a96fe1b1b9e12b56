import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-shared/errors.js';
import { dataPath, hasShared } from '../../../tests/helpers/paths.js';
import { importDicom } from '../../dicom/index.js';
import { runExport } from '../../exports/run.js';
import { buildSeg } from '../../exports/seg.js';
import { getPhantomFixture } from '../../phantom/index.js';
import { readNifti } from '../nifti/index.js';
import { readSeg } from './read-seg.js';

const SEGS = dataPath('dicom', 'dcmqi', 'data', 'segmentations');
const CT = `${SEGS}/ct-3slice`;

/** A gzip NRRD's voxels (the dcmqi fixtures: short, little endian). */
async function readNrrdShort(file: string): Promise<{ sizes: number[]; data: Int16Array }> {
  const buf = await readFile(file);
  const end = buf.indexOf('\n\n');
  const header = buf.subarray(0, end).toString('latin1');
  expect(header).toMatch(/type: short/);
  expect(header).toMatch(/encoding: gzip/);
  const sizes = (/sizes: ([\d ]+)/.exec(header)?.[1] ?? '').trim().split(' ').map(Number);
  const raw = gunzipSync(buf.subarray(end + 2));
  return { sizes, data: new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2) };
}

describe.skipIf(!hasShared)('readSeg', () => {
  it('reads back a SEG written by the project exporter voxel for voxel (by UID, and by position)', async () => {
    const { volume } = await importDicom(CT);
    const [nx, ny, nz] = volume.dims;
    const plane = nx * ny;
    // Three classes on different slices, one touching the image edge, from the real HU values.
    const labels = new Uint8Array(volume.data.length);
    for (let k = 0; k < nz; k++) {
      for (let p = 0; p < plane; p++) {
        const hu = volume.data[k * plane + p] as number;
        const x = p % nx;
        if (hu > 150) labels[k * plane + p] = 2;
        else if (k === 1 && hu > 20 && hu < 80 && x < 200) labels[k * plane + p] = 5;
        else if (k === 2 && x === 0) labels[k * plane + p] = 8;
      }
    }
    const seg = await buildSeg({ ...volume, data: labels }, volume.metadata, { name: 'CardioSeg', version: '0.0.0', modelId: 'test' });
    expect(seg.segments).toBe(3);
    const back = await readSeg(seg.bytes, volume);
    expect(back.placedBy).toEqual({ uid: seg.frames, position: 0 });
    expect(back.labels.dims).toEqual(volume.dims);
    expect(back.segments.map((s) => s.classId)).toEqual([2, 5, 8]);
    let diff = 0;
    for (let i = 0; i < labels.length; i++) if (back.labels.data[i] !== labels[i]) diff++;
    expect(diff).toBe(0);
    expect(back.segments.find((s) => s.classId === 8)?.voxels).toBe(ny);

    // Without the source UIDs (e.g. a re-exported CT), frames fall back to their positions.
    const renamed = { ...volume, metadata: { ...volume.metadata, SOPInstanceUIDs: volume.metadata.SOPInstanceUIDs.map((_, k) => `9.9.${k}`) } };
    const byPos = await readSeg(seg.bytes, renamed);
    expect(byPos.placedBy.position).toBe(seg.frames);
    expect(byPos.warnings.map((w) => w.code)).toContain('SEG_PLACED_BY_POSITION');
    expect(Buffer.from(byPos.labels.data).equals(Buffer.from(labels))).toBe(true);

    // ...but never onto a CT where no slice is at those positions.
    const moved = { ...renamed, originLps: [volume.originLps[0], volume.originLps[1], volume.originLps[2] + 0.5 * volume.spacingMm[2]] as typeof volume.originLps };
    const err = await readSeg(seg.bytes, moved).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('DATA');
    expect((err as Error).message).toMatch(/match no slice/);
  });

  it('reads dcmqi liver.dcm onto ct-3slice exactly like its NRRD, and names unmapped codes', async () => {
    const { volume } = await importDicom(CT);
    const err = await readSeg(`${SEGS}/liver.dcm`, volume).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('DATA');
    expect((err as Error).message).toMatch(/segment 1 "Liver" \(SRT T-62000 "Liver"\)/);

    const r = await readSeg(`${SEGS}/liver.dcm`, volume, { codeMap: { '1': 3 } });
    expect(r.placedBy.uid).toBe(3);
    const nrrd = await readNrrdShort(`${SEGS}/liver_seg.nrrd`);
    expect(nrrd.sizes).toEqual(volume.dims);
    const plane = volume.dims[0] * volume.dims[1];
    const perSlice = [0, 0, 0];
    let mismatch = 0;
    for (let i = 0; i < nrrd.data.length; i++) {
      const truth = nrrd.data[i] !== 0;
      if (truth !== (r.labels.data[i] === 3)) mismatch++;
      if (truth) perSlice[Math.floor(i / plane)]!++;
    }
    expect(mismatch).toBe(0);
    // A liver on every slice, in different amounts: a frame on the wrong slice would not match.
    expect(perSlice.every((n) => n > 1000)).toBe(true);
    expect(new Set(perSlice).size).toBe(3);
    expect(r.segments[0]?.voxels).toBe(perSlice.reduce((a, b) => a + b, 0));
  });

  it('refuses a file that is not a SEG', async () => {
    const { volume } = await importDicom(CT);
    const err = await readSeg(`${CT}/01.dcm`, volume).catch((e: unknown) => e);
    expect(isAppError(err) && (err as Error).message).toMatch(/not a DICOM Segmentation/);
  });

  it('round-trips all 8 structures of a phantom through exports (runExport SEG) voxel for voxel', async () => {
    const fx = await getPhantomFixture({ seed: 7, preset: 'small' });
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-readseg-'));
    try {
      const out = path.join(tmp, 'out');
      await runExport({ ctPath: fx.dicomDir, labelsPath: fx.labelsPath, formats: ['seg'], outDir: out });
      const segFile = (await readdir(out)).find((f) => f.endsWith('.dcm'));
      expect(segFile).toBeDefined();
      const [{ volume }, truth] = await Promise.all([importDicom(fx.dicomDir), readNifti(fx.labelsPath)]);
      const r = await readSeg(path.join(out, segFile!), volume);
      expect(r.segments.map((s) => s.classId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(r.placedBy.position).toBe(0);
      expect(r.labels.data.length).toBe(truth.data.length);
      let diff = 0;
      for (let i = 0; i < truth.data.length; i++) if (r.labels.data[i] !== truth.data[i]) diff++;
      expect(diff).toBe(0);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
