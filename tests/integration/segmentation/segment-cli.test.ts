import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { createLocalClient } from '../../../src-main/core.js';
import { importDicom } from '../../../src-main/dicom/index.js';
import { readNifti, writeNifti } from '../../../src-main/io/nifti/index.js';
import { findDefaultModel } from '../../../src-main/ml/default-model.js';
import { writeTinyModelDir } from '../../../src-main/ml/infer/tiny-model.js';
import type { SegmentCommandResult } from '../../../src-main/cli/commands/segment.js';
import { dataPath } from '../../helpers/paths.js';

let tmp: string;
let modelDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-segment-cli-'));
  modelDir = await writeTinyModelDir(path.join(tmp, 'model'), { inputSize: [64, 64] });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});


describe('cardioseg segment', () => {
  const ct = dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'ct-3slice');
  it.skipIf(!existsSync(ct))('segments a real DICOM series: NIfTI labels and confidence on the CT grid, engine and timings reported', async () => {
    const out = path.join(tmp, 'out-dicom');
    const r = await runCli(['segment', ct, '--out', out, '--model', modelDir, '--json', '--quiet']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as SegmentCommandResult;
    expect(res.engine.name).toBe('onnxruntime-node');
    expect(res.timings.forwardMs).toBeGreaterThan(0);
    expect(res.perClass.reduce((a, c) => a + c.voxels, 0)).toBe(512 * 512 * 3);

    const src = (await importDicom(ct)).volume;
    const labels = await readNifti(path.join(out, 'labels.nii.gz'));
    const conf = await readNifti(path.join(out, 'confidence.nii.gz'));
    for (const v of [labels, conf]) {
      expect(v.dims).toEqual(src.dims);
      expect(v.data).toBeInstanceOf(Uint8Array);
      v.spacingMm.forEach((s, i) => expect(s).toBeCloseTo(src.spacingMm[i]!, 4));
      v.originLps.forEach((s, i) => expect(s).toBeCloseTo(src.originLps[i]!, 3));
      v.direction.forEach((s, i) => expect(s).toBeCloseTo(src.direction[i]!, 5));
    }
    // Confidence is a max over 9 softmax outputs: never below 1/9.
    expect(Math.min(...(conf.data as Uint8Array).subarray(0, 5000))).toBeGreaterThanOrEqual(Math.floor(255 / 9));
  });

  it('reads a NIfTI CT and reuses the cached ONNX export on the second run', async () => {
    const n = 40 * 40 * 5;
    const data = Int16Array.from({ length: n }, (_, i) => (((i % 40) - 20) ** 2 + ((((i / 40) | 0) % 40) - 20) ** 2 < 120 ? 350 : -700));
    const ctPath = path.join(tmp, 'ct.nii.gz');
    await writeNifti(ctPath, { dims: [40, 40, 5], spacingMm: [0.9, 0.9, 3], originLps: [10, -20, 30], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data });
    // In-process here (the worker path is covered above and below): three runs, seconds saved.
    process.env.CARDIOSEG_INFER_INLINE = '1';
    try {
      const run = async (out: string, ...extra: string[]) =>
        JSON.parse((await runCli(['segment', ctPath, '--out', path.join(tmp, out), '--model', modelDir, '--json', '--quiet', ...extra])).out) as SegmentCommandResult;
      const first = await run('o1');
      const second = await run('o2', '--batch', '2');
      expect(second.engine.onnxExported).toBe(false);
      expect(second.model.sourceHash).toBe(first.model.sourceHash);
      const a = await readNifti(path.join(tmp, 'o1', 'labels.nii.gz'));
      const b = await readNifti(path.join(tmp, 'o2', 'labels.nii.gz'));
      const bytes = (v: typeof a) => Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength);
      expect(bytes(b).equals(bytes(a))).toBe(true); // batch size changes nothing
      expect((await run('o3', '--engine', 'tfjs')).engine.name).toBe('tfjs');
    } finally {
      delete process.env.CARDIOSEG_INFER_INLINE;
    }
  });

  it('runs in a worker thread: progress reaches the caller and an abort stops it with ABORTED', async () => {
    const client = createLocalClient();
    const ac = new AbortController();
    const stages: string[] = [];
    const data = new Int16Array(32 * 32 * 40).fill(100);
    try {
      await expect(
        client.segmentation.run(
          { input: { volume: { dims: [32, 32, 40], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data } }, modelDir, batchSize: 1 },
          {
            signal: ac.signal,
            onProgress: (p) => {
              stages.push(p.stage);
              if (p.stage === 'infer' && p.done >= 2) ac.abort();
            },
          },
        ),
      ).rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      client.close();
    }
    expect(stages).toContain('infer');
    expect(stages).not.toContain('postprocess');
  });

  it('without --model: uses the bundled model, or fails with a clear NOT_FOUND', async () => {
    const r = await runCli(['segment', path.join(tmp, 'ct.nii.gz'), '--out', path.join(tmp, 'o4'), '--json', '--quiet']);
    if (await findDefaultModel()) {
      expect(r.code).toBe(0);
    } else {
      expect(r.code).toBe(1);
      const err = (JSON.parse(r.out) as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toMatch(/--model/);
    }
  });

  it('rejects bad options as usage errors', async () => {
    expect((await runCli(['segment', 'x.nii.gz', '--model', modelDir])).code).toBe(2); // no --out
    expect((await runCli(['segment', 'x.nii.gz', '--out', tmp, '--engine', 'gpu'])).code).toBe(2);
  });
});
