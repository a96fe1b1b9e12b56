import { describe, expect, it } from 'vitest';
import { fillEnclosedHoles, keepLargestComponents, postprocessLabels } from './postprocess.js';
import { VoxelStack } from './voxel-stack.js';

type Dims = [number, number, number];
const vol = (d: Dims) => new Uint8Array(d[0] * d[1] * d[2]);
const at = (d: Dims, i: number, j: number, k: number) => i + d[0] * (j + d[1] * k);
function box(l: Uint8Array, d: Dims, lo: Dims, hi: Dims, c: number) {
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) l[at(d, i, j, k)] = c;
}
const count = (l: Uint8Array, c: number) => l.reduce((a, v) => a + (v === c ? 1 : 0), 0);

describe('largest connected component per structure', () => {
  it('keeps the biggest blob of each class and removes the rest', () => {
    const d: Dims = [20, 20, 10];
    const l = vol(d);
    box(l, d, [1, 1, 1], [6, 6, 6], 1); // 216 voxels
    box(l, d, [10, 10, 2], [11, 11, 3], 1); // 8 voxels, separate
    box(l, d, [14, 2, 2], [17, 5, 5], 2); // class 2 alone: untouched
    const { removed, components } = keepLargestComponents(l, d, 9, 26);
    expect(components[1]).toBe(2);
    expect(removed[1]).toBe(8);
    expect(count(l, 1)).toBe(216);
    expect(count(l, 2)).toBe(64);
    expect(l[at(d, 10, 10, 2)]).toBe(0);
  });

  it('joins diagonal contact with 26-connectivity but not with 6', () => {
    const d: Dims = [8, 8, 8];
    const base = vol(d);
    box(base, d, [0, 0, 0], [2, 2, 2], 3); // 27
    box(base, d, [3, 3, 3], [3, 3, 3], 3); // one voxel touching only at a corner
    const l26 = base.slice();
    expect(keepLargestComponents(l26, d, 9, 26).removed[3]).toBe(0);
    const l6 = base.slice();
    expect(keepLargestComponents(l6, d, 9, 6).removed[3]).toBe(1);
    expect(l6[at(d, 3, 3, 3)]).toBe(0);
  });
});

describe('hole filling', () => {
  it('fills a cavity enclosed by one structure, not pockets shared by two or open to the border', () => {
    const d: Dims = [24, 12, 12];
    const l = vol(d);
    box(l, d, [1, 1, 1], [7, 7, 7], 4);
    box(l, d, [3, 3, 3], [5, 5, 5], 0); // 27-voxel cavity inside class 4
    // A pocket walled half by class 5 and half by class 6.
    box(l, d, [10, 1, 1], [13, 7, 7], 5);
    box(l, d, [14, 1, 1], [17, 7, 7], 6);
    box(l, d, [12, 3, 3], [15, 5, 5], 0);
    // A "cup" of class 7 open to the volume border (k = 11): not a hole.
    box(l, d, [19, 2, 6], [23, 8, 11], 7);
    box(l, d, [20, 4, 8], [22, 6, 11], 0);
    const filled = fillEnclosedHoles(l, d, 9);
    expect(filled[4]).toBe(27);
    expect(l[at(d, 4, 4, 4)]).toBe(4);
    expect(filled[5]).toBe(0);
    expect(filled[6]).toBe(0);
    expect(l[at(d, 13, 4, 4)]).toBe(0);
    expect(filled[7]).toBe(0);
    expect(l[at(d, 21, 5, 10)]).toBe(0);
  });

  it('runs LCC before filling, so a removed fragment inside a chamber becomes that chamber', () => {
    const d: Dims = [16, 16, 16];
    const l = vol(d);
    box(l, d, [2, 2, 2], [12, 12, 12], 2);
    box(l, d, [6, 6, 6], [7, 7, 7], 0);
    l[at(d, 6, 6, 6)] = 3; // a stray class-3 voxel in the cavity
    box(l, d, [14, 14, 14], [15, 15, 15], 3); // the real (larger) class 3
    const s = postprocessLabels(l, d, { numClasses: 9 });
    expect(s.removedVoxels[3]).toBe(1);
    expect(s.filledVoxels[2]).toBe(8);
    expect(l[at(d, 6, 6, 6)]).toBe(2);
  });

  it('options switch each step off', () => {
    const d: Dims = [10, 10, 10];
    const l = vol(d);
    box(l, d, [1, 1, 1], [3, 3, 3], 1);
    l[at(d, 8, 8, 8)] = 1;
    const s = postprocessLabels(l, d, { numClasses: 9, largestComponent: false, fillHoles: false });
    expect(s.removedVoxels[1]).toBe(0);
    expect(l[at(d, 8, 8, 8)]).toBe(1);
  });
});

describe('VoxelStack', () => {
  it('returns what was pushed across growth', () => {
    const st = new VoxelStack(2);
    for (let i = 0; i < 10; i++) st.push(i);
    const out: number[] = [];
    while (st.size) out.push(st.pop());
    expect(out).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
});
