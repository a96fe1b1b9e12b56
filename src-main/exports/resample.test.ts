import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../../src-shared/volume/volume.js';
import { labelsOnGrid } from './resample.js';

const grid = { dims: [5, 4, 3] as Vec3, spacingMm: [1, 2, 3] as Vec3, originLps: [10, 20, 30] as Vec3, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3 };
const values = Uint8Array.from({ length: 60 }, (_, i) => i % 9);

describe('labelsOnGrid', () => {
  it('undoes a row/slice flip exactly', () => {
    // Same world grid stored with j and k reversed (dcm2niix-like).
    const flipped = new Uint8Array(60);
    for (let k = 0; k < 3; k++) for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) flipped[i + 5 * (3 - j + 4 * (2 - k))] = values[i + 5 * (j + 4 * k)]!;
    const stored: Volume = { dims: [5, 4, 3], spacingMm: [1, 2, 3], originLps: [10, 20 + 2 * 3, 30 + 3 * 2], direction: [1, 0, 0, 0, -1, 0, 0, 0, -1], data: flipped };
    const r = labelsOnGrid(stored, grid);
    expect(Array.from(r.labels.data)).toEqual(Array.from(values));
    expect(r.warnings).toEqual([]);
  });
  it('warns when the grids really differ, and leaves outside voxels empty', () => {
    const shifted: Volume = { ...grid, originLps: [10.5, 20, 30 + 3], data: values };
    const r = labelsOnGrid(shifted, grid);
    expect(r.warnings.map((w) => w.code)).toContain('LABELS_RESAMPLED');
    expect(r.labels.data[0 + 5 * (0 + 4 * 0)]).toBe(0);
    expect(r.labels.data.length).toBe(60);
  });
});
