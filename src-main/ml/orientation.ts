/**
 * Lossless reorientation to the grid the model expects: i towards patient Left, j towards
 * Posterior, k towards Superior (LPS), which is how the DICOM importer stores a standard axial
 * CT (rows along +x, columns along +y, slices along their normal). A NIfTI CT is often stored
 * mirrored (e.g. LAS/RAS from dcm2niix); fed as is, the network would see a mirror image and
 * could swap left and right structures. Only axis permutations and flips: every voxel keeps
 * its value, and `fromCanonical` is the exact inverse. Identity (the usual DICOM case) copies nothing.
 */
import type { Mat3, Vec3, Volume, VoxelArray } from '../../src-shared/volume/volume.js';
import { ijkToLps } from '../../src-shared/volume/affine.js';

export interface Reorientation {
  /** perm[x] = source axis that becomes canonical axis x; flip[x] = it runs backwards. */
  perm: [number, number, number];
  flip: [boolean, boolean, boolean];
  identity: boolean;
  /** 3-letter code of the source storage order, e.g. 'LPS', 'RAS', 'LAS'. */
  sourceCode: string;
}

const LETTERS = [['L', 'R'], ['P', 'A'], ['S', 'I']] as const;

export function reorientationOf(direction: Mat3): Reorientation {
  const perm: [number, number, number] = [0, 1, 2];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  const usedSrc = new Set<number>();
  const usedDst = new Set<number>();
  // Greedy on the largest |cosine| first, so oblique grids still get a true permutation.
  const pairs: { a: number; x: number; c: number }[] = [];
  for (let a = 0; a < 3; a++) for (let x = 0; x < 3; x++) pairs.push({ a, x, c: direction[a * 3 + x]! });
  pairs.sort((p, q) => Math.abs(q.c) - Math.abs(p.c));
  const code = ['', '', ''];
  for (const { a, x, c } of pairs) {
    if (usedSrc.has(a) || usedDst.has(x)) continue;
    usedSrc.add(a);
    usedDst.add(x);
    perm[x] = a;
    flip[x] = c < 0;
    code[a] = LETTERS[x]![c < 0 ? 1 : 0]!;
  }
  const identity = perm[0] === 0 && perm[1] === 1 && perm[2] === 2 && !flip.some(Boolean);
  return { perm, flip, identity, sourceCode: code.join('') };
}

/** Walk the canonical grid; fn(canonicalIndex, sourceIndex). */
function walk(dims: readonly [number, number, number], r: Reorientation, fn: (ci: number, si: number) => void): void {
  const stride = [1, dims[0], dims[0] * dims[1]];
  const cd = r.perm.map((a) => dims[a]!) as [number, number, number];
  const step = r.perm.map((a, x) => (r.flip[x] ? -stride[a]! : stride[a]!));
  const start = r.perm.reduce((s, a, x) => s + (r.flip[x] ? (dims[a]! - 1) * stride[a]! : 0), 0);
  let ci = 0;
  for (let k = 0; k < cd[2]; k++) {
    const sk = start + k * step[2]!;
    for (let j = 0; j < cd[1]; j++) {
      let si = sk + j * step[1]!;
      for (let i = 0; i < cd[0]; i++, ci++, si += step[0]!) fn(ci, si);
    }
  }
}

export function toCanonical<T extends VoxelArray>(v: Volume<T>, r: Reorientation): Volume<T> {
  if (r.identity) return v;
  const dims = r.perm.map((a) => v.dims[a]!) as Vec3;
  const data = new (v.data.constructor as new (n: number) => T)(v.data.length);
  const src = v.data;
  walk(v.dims, r, (ci, si) => {
    data[ci] = src[si]!;
  });
  const direction = r.perm.flatMap((a, x) => [0, 1, 2].map((c) => (r.flip[x] ? -1 : 1) * v.direction[a * 3 + c]!)) as Mat3;
  const first: Vec3 = [0, 0, 0];
  r.perm.forEach((a, x) => (first[a] = r.flip[x] ? v.dims[a] - 1 : 0));
  return { dims, spacingMm: r.perm.map((a) => v.spacingMm[a]!) as Vec3, originLps: ijkToLps(v, first), direction, data };
}

/** Exact inverse of toCanonical for a voxel array on the canonical grid. */
export function fromCanonical<T extends VoxelArray>(canonical: T, sourceDims: readonly [number, number, number], r: Reorientation): T {
  if (r.identity) return canonical;
  const out = new (canonical.constructor as new (n: number) => T)(canonical.length);
  walk(sourceDims, r, (ci, si) => {
    out[si] = canonical[ci]!;
  });
  return out;
}
