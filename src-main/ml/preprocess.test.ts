import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src-shared/errors.js';
import { syntheticCase } from './data/synthetic.js';
import { assertOneHotRows, assertSoftmaxHead, classCounts, qualityGate } from './guards.js';
import { defaultPlans, mergeMatrix, parsePlans } from './plans.js';
import { preprocessLabel, preprocessSlice, preprocessSlices, resizeBilinear, resizeNearest, volumeSlices } from './preprocess.js';

const plans = defaultPlans({ inputSize: [32, 32] });
const vol = syntheticCase({ size: 64, slices: 6, seed: 5 });
const n = 64 * 64;
const labelSlice = vol.label.subarray(3 * n, 4 * n);

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? `${e.code}: ${e.message}` : `not AppError: ${String(e)}`;
  }
  return 'did not throw';
}

describe('plans', () => {
  it('round-trips through JSON and keeps the SNOMED codes of src-shared/classes', () => {
    const p = parsePlans(JSON.parse(JSON.stringify(plans)));
    expect(p.classes[3]!.snomed?.code).toBe('87878005');
    expect(p.normalization.ct).toEqual({ kind: 'hu-window', min: -200, max: 600 });
    expect(p.normalization.png.kind).toBe('minmax-slice');
    expect(code(() => parsePlans({ ...plans, version: 99 }))).toMatch(/^MODEL/);
  });

  it('merges unlabeled classes into background and descending into ascending aorta', () => {
    const m = mergeMatrix(plans, { id: 'chd', kind: 'png', source: 'png', codeMap: {}, labeledClasses: [0, 1, 2, 3, 4, 5, 7], mergedInto: { '6': 1 } });
    const target = (c: number) => [...m.subarray(c * 9, c * 9 + 9)].indexOf(1);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(target)).toEqual([0, 1, 2, 3, 4, 5, 1, 7, 0]);
  });
});

describe('preprocess', () => {
  it('stacks z-1, z, z+1 as channels, HU-windowed to [0, 1], clamped at the edges', () => {
    const src = volumeSlices(vol.dims, vol.image, 'ct');
    const x = preprocessSlice(src, 0, defaultPlans({ inputSize: [64, 64] }));
    // At z = 0 the missing z-1 repeats z = 0; the z+1 channel differs (noise).
    let same01 = true, same12 = true;
    for (let i = 0; i < n; i++) {
      if (x[i * 3] !== x[i * 3 + 1]) same01 = false;
      if (x[i * 3 + 1] !== x[i * 3 + 2]) same12 = false;
    }
    expect(same01).toBe(true);
    expect(same12).toBe(false);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    const expected = Math.min(1, Math.max(0, (vol.image[5 + 64 * 7]! + 200) / 800));
    expect(x[(5 + 64 * 7) * 3 + 1]).toBeCloseTo(expected, 6);
    expect(preprocessSlices(src, [0, 1], plans).length).toBe(2 * 32 * 32 * 3);
  });

  it('min-max normalises PNG slices per slice', () => {
    const png = { width: 4, height: 1, depth: 1, source: 'png' as const, slice: () => new Uint8Array([10, 20, 30, 50]) };
    const x = preprocessSlice(png, 0, defaultPlans({ inputSize: [1, 4], channelOffsets: [0] }));
    expect([...x]).toEqual([0, 0.25, 0.5, 1]);
  });

  it('resizes labels nearest-neighbour and keeps every class', () => {
    const y = preprocessLabel(labelSlice, 64, 64, plans);
    expect(y.length).toBe(32 * 32);
    const before = classCounts(labelSlice, 9), after = classCounts(y, 9);
    for (let c = 0; c < 9; c++) expect(after[c]! > 0).toBe(before[c]! > 0);
    expect(resizeNearest(new Uint8Array([1, 2, 3, 4]), 2, 2, 4, 4)).toEqual(new Uint8Array([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]));
  });
});

describe('guards fire on the origin report failures', () => {
  it('labels divided by 255', () => {
    const scaled = Float32Array.from(labelSlice, (v) => v / 255);
    expect(code(() => preprocessLabel(scaled, 64, 64, plans))).toMatch(/^DATA: Label value 0\.0\d+ at "raw label"/);
  });

  it('RGB masks instead of class ids', () => {
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) if (labelSlice[i]) rgb.set([255, 0, 0], i * 3);
    expect(code(() => preprocessLabel(rgb, 64, 64, plans))).toMatch(/^DATA: Label map at "raw label" has 12288 values/);
    // The same mask as a single red channel: 255 is no class id.
    expect(code(() => preprocessLabel(rgb.filter((_, i) => i % 3 === 0), 64, 64, plans))).toMatch(/^DATA: Label value 255/);
  });

  it('bilinear resize of a mask', () => {
    const rounded = (s: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number) => resizeBilinear(s, sw, sh, dw, dh).map(Math.round);
    const raw = (s: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number) => resizeBilinear(s, sw, sh, dw, dh);
    expect(code(() => preprocessLabel(labelSlice, 64, 64, defaultPlans({ inputSize: [48, 48] }), raw))).toMatch(/^DATA: Label value \d\.\d+ at "resized label"/);
    expect(code(() => preprocessLabel(labelSlice, 64, 64, defaultPlans({ inputSize: [48, 48] }), rounded))).toMatch(/^DATA: Class \d appeared after resize/);
  });

  it('a class present in the raw mask but lost by preprocessing', () => {
    const lossy = (src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number) => resizeNearest(src, sw, sh, dw, dh).map((v) => (v === 3 ? 0 : v));
    expect(code(() => preprocessLabel(labelSlice, 64, 64, plans, lossy))).toMatch(/^DATA: Class 3 is in the raw mask but missing after resize/);
  });

  it('one-hot rows that do not sum to 1 (raw codes one-hot encoded past the depth)', () => {
    expect(code(() => assertOneHotRows(new Float32Array([1, 1, 0, 1]), 'test'))).toMatch(/^DATA: One-hot row 2 sums to 0/);
  });

  it('a 1-channel sigmoid head', () => {
    expect(code(() => assertSoftmaxHead([null, 32, 32, 1], 9))).toMatch(/^MODEL: Model outputs 1 channels/);
    expect(code(() => assertSoftmaxHead([null, 32, 32, 9], 9, new Float32Array([1, 4.2])))).toMatch(/^MODEL: Model output does not sum to 1/);
  });

  it('quality gate fails a model predicting under half the true foreground', () => {
    const truth = [0.8, 0.1, 0.1], labeled = new Set([0, 1, 2]);
    expect(qualityGate([0.9, 0.04, 0.06], truth, labeled)).toEqual({ passed: false, failures: [{ classId: 1, predictedFraction: 0.04, trueFraction: 0.1 }] });
    expect(qualityGate([0.8, 0.06, 0.14], truth, labeled).passed).toBe(true);
  });
});
