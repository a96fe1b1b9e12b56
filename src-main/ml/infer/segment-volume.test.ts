import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-shared/errors.js';
import type { Progress } from '../../../src-shared/rpc/define.js';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { defaultPlans } from '../plans.js';
import type { SliceEngine } from './engines.js';
import { reorientationOf, toCanonical } from '../orientation.js';
import { segmentVolume } from './segment-volume.js';

/**
 * A stand-in network that thresholds the centre channel: class 2 (p=0.9) where the normalised
 * pixel is > 0.5, else background (p=0.8). It makes the expected label volume computable by hand.
 */
function thresholdEngine(k: number, calls: { n: number } = { n: 0 }): SliceEngine {
  return {
    name: 'tfjs',
    detail: 'fake',
    async predict(x, [n, h, w, c]) {
      calls.n++;
      const out = new Float32Array(n * h * w * k);
      for (let p = 0; p < n * h * w; p++) {
        const fg = (x[p * c + Math.floor(c / 2)] as number) > 0.5;
        const cls = fg ? 2 : 0;
        const pMax = fg ? 0.9 : 0.8;
        for (let j = 0; j < k; j++) out[p * k + j] = j === cls ? pMax : (1 - pMax) / (k - 1);
      }
      return out;
    },
    async dispose() {},
  };
}

function ctVolume(nx: number, ny: number, nz: number): Volume<Int16Array> {
  const data = new Int16Array(nx * ny * nz).fill(-1000);
  // A bright block aligned to 2x2 cells, so a x2 down-then-up resize is exact.
  for (let k = 1; k < nz - 1; k++) for (let j = 10; j < 30; j++) for (let i = 6; i < 40; i++) data[i + nx * (j + ny * k)] = 500;
  const direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  return { dims: [nx, ny, nz], spacingMm: [0.7, 0.8, 2.5] as Vec3, originLps: [-12.5, 30, 101] as Vec3, direction, data };
}

describe('segmentVolume', () => {
  it('returns labels and confidence on the CT grid voxel for voxel (inverse of the in-plane resize)', async () => {
    const vol = ctVolume(64, 48, 6);
    const plans = defaultPlans({ inputSize: [24, 32] }); // [H, W] = half of [48, 64]
    const calls = { n: 0 };
    const progress: Progress[] = [];
    const r = await segmentVolume(vol, { plans, engine: thresholdEngine(9, calls), batchSize: 4, onProgress: (p) => progress.push(p), postprocess: { largestComponent: false, fillHoles: false } });
    for (const v of [r.labels, r.confidence]) {
      expect(v.dims).toEqual(vol.dims);
      expect(v.spacingMm).toEqual(vol.spacingMm);
      expect(v.originLps).toEqual(vol.originLps);
      expect(v.direction).toEqual(vol.direction);
      expect(v.data.length).toBe(64 * 48 * 6);
    }
    for (let n = 0; n < vol.data.length; n++) {
      expect(r.labels.data[n]).toBe(vol.data[n]! > 0 ? 2 : 0);
      expect(r.confidence.data[n]).toBe(vol.data[n]! > 0 ? Math.round(Math.fround(0.9) * 255) : Math.round(Math.fround(0.8) * 255));
    }
    expect(calls.n).toBe(2); // 6 slices in batches of 4
    expect(progress.filter((p) => p.stage === 'infer').map((p) => p.done)).toEqual([4, 6]);
    expect(progress.at(-1)).toMatchObject({ stage: 'postprocess', done: 1, total: 1 });
    expect(r.timings.totalMs).toBeGreaterThan(0);
    expect(r.warnings).toEqual([]);
  });

  it('applies 3D post-processing to the prediction', async () => {
    const vol = ctVolume(64, 48, 6);
    for (let k = 1; k < 5; k++) for (let j = 40; j < 44; j++) for (let i = 50; i < 54; i++) vol.data[i + 64 * (j + 48 * k)] = 500; // a separate speck
    const plans = defaultPlans({ inputSize: [48, 64] });
    const r = await segmentVolume(vol, { plans, engine: thresholdEngine(9) });
    expect(r.postprocess.components[2]).toBe(2);
    expect(r.postprocess.removedVoxels[2]).toBe(4 * 4 * 4);
    expect(r.labels.data[52 + 64 * (42 + 48 * 2)]).toBe(0);
  });

  it('warns when nothing is segmented and when the slice axis is not axial', async () => {
    const vol = ctVolume(32, 32, 3);
    vol.data.fill(-1000);
    const c = Math.SQRT1_2;
    vol.direction = [1, 0, 0, 0, c, c, 0, -c, c]; // 45° oblique: no axis runs head-foot
    const r = await segmentVolume(vol, { plans: defaultPlans({ inputSize: [32, 32] }), engine: thresholdEngine(9) });
    expect(r.warnings.map((w) => w.code).sort()).toEqual(['EMPTY_PREDICTION', 'NOT_AXIAL']);
  });

  it('stops with ABORTED when cancelled mid-volume', async () => {
    const vol = ctVolume(32, 32, 12);
    const ac = new AbortController();
    const calls = { n: 0 };
    let err: unknown;
    try {
      await segmentVolume(vol, { plans: defaultPlans({ inputSize: [32, 32] }), engine: thresholdEngine(9, calls), batchSize: 2, signal: ac.signal, onProgress: (p) => p.done >= 4 && ac.abort() });
    } catch (e) {
      err = e;
    }
    expect(isAppError(err) && err.code === 'ABORTED').toBe(true);
    expect(calls.n).toBe(2);
  });

  it('rejects a model whose class count differs from the plan', async () => {
    const vol = ctVolume(16, 16, 2);
    await expect(segmentVolume(vol, { plans: defaultPlans({ inputSize: [16, 16] }), engine: thresholdEngine(4) })).rejects.toMatchObject({ code: 'MODEL' });
  });

  it('sees a mirrored/permuted storage order as the same anatomy (reoriented to LPS and back, exactly)', async () => {
    // Orientation-sensitive stand-in: class from the pixel's quadrant and from which neighbour slice is brighter.
    const quadrantEngine: SliceEngine = {
      name: 'tfjs',
      detail: 'fake',
      async predict(x, [n, h, w, c]) {
        const out = new Float32Array(n * h * w * 9);
        for (let b = 0; b < n; b++)
          for (let y = 0; y < h; y++)
            for (let xx = 0; xx < w; xx++) {
              const p = (b * h + y) * w + xx;
              const up = x[p * c]! > x[p * c + 2]! + 0.05 ? 4 : 0;
              const cls = x[p * c + 1]! > 0.5 ? 1 + (xx < w / 2 ? 1 : 0) + (y < h / 2 ? 2 : 0) + up : 0;
              out[p * 9 + cls] = 1;
            }
        return out;
      },
      async dispose() {},
    };
    const [nx, ny, nz] = [20, 16, 6];
    const lps = ctVolume(nx, ny, nz);
    for (let n = 0; n < lps.data.length; n++) lps.data[n] = lps.data[n]! > 0 ? 200 + 60 * Math.floor(n / (nx * ny)) : -1000; // brighter towards +k (superior)
    // The same voxels stored RAS with slices head-to-foot and i/j swapped: i' = j (towards A... flipped), etc.
    const perm = (i: number, j: number, k: number) => ({ i2: ny - 1 - j, j2: nx - 1 - i, k2: nz - 1 - k }); // source (i,j,k) -> stored (i2,j2,k2)
    const stored = new Int16Array(lps.data.length);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const { i2, j2, k2 } = perm(i, j, k);
      stored[i2 + ny * (j2 + nx * k2)] = lps.data[i + nx * (j + ny * k)]!;
    }
    const o = lps.originLps;
    const other: Volume<Int16Array> = {
      dims: [ny, nx, nz],
      spacingMm: [0.8, 0.7, 2.5],
      direction: [0, -1, 0, -1, 0, 0, 0, 0, -1],
      originLps: [o[0] + (nx - 1) * 0.7, o[1] + (ny - 1) * 0.8, o[2] + (nz - 1) * 2.5],
      data: stored,
    };
    const canon = toCanonical(other, reorientationOf(other.direction));
    expect(canon.dims).toEqual(lps.dims);
    expect(canon.spacingMm).toEqual(lps.spacingMm);
    expect(canon.direction.map((v) => v + 0)).toEqual(lps.direction); // + 0 turns -0 into 0
    canon.originLps.forEach((v, i) => expect(v).toBeCloseTo(lps.originLps[i]!, 9));
    expect(Buffer.from(canon.data.buffer).equals(Buffer.from(lps.data.buffer))).toBe(true);

    const plans = defaultPlans({ inputSize: [16, 20] });
    const pp = { largestComponent: false, fillHoles: false };
    const a = await segmentVolume(lps, { plans, engine: quadrantEngine, postprocess: pp });
    const b = await segmentVolume(other, { plans, engine: quadrantEngine, postprocess: pp });
    expect(a.orientation).toEqual({ source: 'LPS', reoriented: false });
    expect(b.orientation).toEqual({ source: 'ARI', reoriented: true });
    expect(b.labels.dims).toEqual(other.dims);
    expect(b.labels.direction).toEqual(other.direction);
    expect(new Set(a.labels.data).size).toBeGreaterThan(3);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const { i2, j2, k2 } = perm(i, j, k);
      expect(b.labels.data[i2 + ny * (j2 + nx * k2)]).toBe(a.labels.data[i + nx * (j + ny * k)]);
    }
  });
});
