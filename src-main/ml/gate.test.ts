import { describe, expect, it } from 'vitest';
import { datasetGateFailures, qualityGate } from './guards.js';

describe('quality gate per validation dataset', () => {
  // The default model's first training stage, measured: phantoms fine, the real CHD patient
  // predicted all background. Pooled over 128 phantom slices and 5 CHD slices, it passed.
  const phantom = { predictedFraction: [0.9, 0.012, 0.011, 0.03, 0.01, 0.01, 0.012, 0.008, 0.004], trueFraction: [0.9, 0.012, 0.011, 0.03, 0.01, 0.01, 0.012, 0.008, 0.004] };
  const chd = { predictedFraction: [1, 0, 0, 0, 0, 0, 0, 0, 0], trueFraction: [0.942, 0.01, 0.022, 0.006, 0.011, 0, 0, 0.006, 0] };
  const pooled = {
    predictedFraction: phantom.predictedFraction.map((p, c) => (128 * p + 5 * chd.predictedFraction[c]!) / 133),
    trueFraction: phantom.trueFraction.map((t, c) => (128 * t + 5 * chd.trueFraction[c]!) / 133),
  };
  const labeled = { phantom: new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]), chd: new Set([0, 1, 2, 3, 4, 5, 7]) };

  it('pooled metrics pass while the real dataset is all background', () => {
    expect(qualityGate(pooled.predictedFraction, pooled.trueFraction, labeled.phantom).passed).toBe(true);
  });

  it('the per-dataset gate names the dataset and every labelled class it missed', () => {
    const f = datasetGateFailures({ phantom, chd }, labeled);
    expect(f.every((x) => x.dataset === 'chd')).toBe(true);
    expect(f.map((x) => x.classId).sort()).toEqual([1, 2, 3, 4, 7]);
  });

  it('classes a dataset does not label are never held against it', () => {
    const f = datasetGateFailures({ chd: { ...chd, trueFraction: [0.9, 0, 0, 0, 0, 0, 0.1, 0, 0] } }, { chd: labeled.chd });
    expect(f).toEqual([]);
  });
});
