/**
 * 3D clean-up of a predicted label volume, in place:
 *  - largest connected component per structure, with 26-connectivity by default (diagonal
 *    contact joins; a chamber cut by one thin misprediction stays whole);
 *  - hole filling: a pocket of background (6-connected, the dual of 26 so "enclosed" is
 *    topologically consistent) that touches no volume border and borders exactly ONE structure
 *    becomes that structure. Pockets between two structures are left alone: no guess about
 *    which one they belong to.
 * Loops are written out by hand (no callbacks): a 512x512x300 volume is 78 M voxels.
 */
import { VoxelStack } from './voxel-stack.js';

export type Connectivity = 6 | 26;
type Dims = readonly [number, number, number];

export interface PostprocessOptions {
  largestComponent?: boolean;
  fillHoles?: boolean;
  connectivity?: Connectivity;
  numClasses: number;
}

export interface PostprocessStats {
  /** Voxels removed per class by the largest-component step. */
  removedVoxels: number[];
  /** Voxels added per class by hole filling. */
  filledVoxels: number[];
  /** Connected components found per class before clean-up. */
  components: number[];
}

/** Neighbour offsets as (dx,dy,dz) triples plus the same as linear index deltas for this grid. */
interface Neighbourhood {
  offs: Int8Array;
  lin: Int32Array;
}

function neighbourhood(conn: Connectivity, dims: Dims): Neighbourhood {
  const offs = offsets(conn);
  const lin = new Int32Array(offs.length / 3);
  for (let o = 0; o < offs.length; o += 3) lin[o / 3] = offs[o]! + dims[0] * offs[o + 1]! + dims[0] * dims[1] * offs[o + 2]!;
  return { offs, lin };
}

function offsets(conn: Connectivity): Int8Array {
  const out: number[] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const m = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (m === 0 || (conn === 6 && m > 1)) continue;
        out.push(dx, dy, dz);
      }
  return Int8Array.from(out);
}

/**
 * Flood from `seed` over voxels whose label equals `value` and whose state is not `mark`,
 * within the box [lo, hi] (inclusive). Calls onBoundary(label) for each neighbour with another
 * label, when given. Returns the number of voxels flooded; `visit` receives each one.
 */
function flood(
  labels: Uint8Array, dims: Dims, nb: Neighbourhood, seed: number, value: number, state: Uint8Array, mark: number, stack: VoxelStack,
  lo: Dims, hi: Dims, visit?: (v: number) => void, onBoundary?: (label: number) => void,
): number {
  const [nx, ny] = dims;
  const nxy = nx * ny;
  const { offs, lin } = nb;
  const no = offs.length;
  const nl = lin.length;
  stack.clear();
  stack.push(seed);
  state[seed] = mark;
  let size = 0;
  while (stack.size > 0) {
    const v = stack.pop();
    size++;
    visit?.(v);
    const k = (v / nxy) | 0;
    const r = v - k * nxy;
    const j = (r / nx) | 0;
    const i = r - j * nx;
    // Interior voxels (the vast majority) skip the per-neighbour bounds tests.
    if (i > lo[0] && j > lo[1] && k > lo[2] && i < hi[0] && j < hi[1] && k < hi[2]) {
      for (let o = 0; o < nl; o++) {
        const n = v + lin[o]!;
        const l = labels[n]!;
        if (l === value) {
          if (state[n] !== mark) {
            state[n] = mark;
            stack.push(n);
          }
        } else if (onBoundary) onBoundary(l);
      }
      continue;
    }
    for (let o = 0; o < no; o += 3) {
      const a = i + offs[o]!, b = j + offs[o + 1]!, c = k + offs[o + 2]!;
      if (a < lo[0] || b < lo[1] || c < lo[2] || a > hi[0] || b > hi[1] || c > hi[2]) continue;
      const n = a + nx * b + nxy * c;
      const l = labels[n]!;
      if (l === value) {
        if (state[n] !== mark) {
          state[n] = mark;
          stack.push(n);
        }
      } else if (onBoundary) onBoundary(l);
    }
  }
  return size;
}

export function keepLargestComponents(
  labels: Uint8Array, dims: Dims, numClasses: number, conn: Connectivity, stack = new VoxelStack(), state = new Uint8Array(labels.length),
): { removed: number[]; components: number[] } {
  const nb = neighbourhood(conn, dims);
  const lo: Dims = [0, 0, 0];
  const hi: Dims = [dims[0] - 1, dims[1] - 1, dims[2] - 1];
  state.fill(0);
  const bestSize = new Array<number>(numClasses).fill(0);
  const bestSeed = new Array<number>(numClasses).fill(-1);
  const components = new Array<number>(numClasses).fill(0);
  for (let v = 0; v < labels.length; v++) {
    const c = labels[v]!;
    if (c === 0 || state[v] !== 0 || c >= numClasses) continue;
    const size = flood(labels, dims, nb, v, c, state, 1, stack, lo, hi);
    components[c]!++;
    if (size > bestSize[c]!) {
      bestSize[c] = size;
      bestSeed[c] = v;
    }
  }
  const removed = new Array<number>(numClasses).fill(0);
  if (!components.some((n) => n > 1)) return { removed, components };
  // Second pass marks only the kept components (2); every other voxel of a split class goes.
  for (let c = 1; c < numClasses; c++) if (components[c]! > 1) flood(labels, dims, nb, bestSeed[c]!, c, state, 2, stack, lo, hi);
  for (let v = 0; v < labels.length; v++) {
    const c = labels[v]!;
    if (c !== 0 && state[v] !== 2 && components[c]! > 1) {
      labels[v] = 0;
      removed[c]!++;
    }
  }
  return { removed, components };
}

/** Bounding box of all non-zero voxels, grown by one voxel and clamped; null when empty. */
function foregroundBox(labels: Uint8Array, dims: Dims): { lo: Dims; hi: Dims } | null {
  const [nx, ny, nz] = dims;
  let x0 = nx, y0 = ny, z0 = nz, x1 = -1, y1 = -1, z1 = -1;
  let v = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        if (labels[v] === 0) continue;
        if (i < x0) x0 = i;
        if (i > x1) x1 = i;
        if (j < y0) y0 = j;
        if (j > y1) y1 = j;
        if (k < z0) z0 = k;
        if (k > z1) z1 = k;
      }
  if (x1 < 0) return null;
  return { lo: [Math.max(0, x0 - 1), Math.max(0, y0 - 1), Math.max(0, z0 - 1)], hi: [Math.min(nx - 1, x1 + 1), Math.min(ny - 1, y1 + 1), Math.min(nz - 1, z1 + 1)] };
}

export function fillEnclosedHoles(labels: Uint8Array, dims: Dims, numClasses: number, stack = new VoxelStack(), state = new Uint8Array(labels.length)): number[] {
  const filled = new Array<number>(numClasses).fill(0);
  const box = foregroundBox(labels, dims);
  if (!box) return filled;
  // Background outside the grown foreground box reaches the volume border, so the box's own
  // faces stand in for the border and the flood never leaves the box.
  const { lo, hi } = box;
  const [nx, ny] = dims;
  const nb = neighbourhood(6, dims);
  state.fill(0); // 1 = reaches the border, 2 = enclosed pocket examined
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++)
      for (let i = lo[0]; i <= hi[0]; i++) {
        const face = i === lo[0] || i === hi[0] || j === lo[1] || j === hi[1] || k === lo[2] || k === hi[2];
        const v = i + nx * (j + ny * k);
        if (face && labels[v] === 0 && state[v] === 0) flood(labels, dims, nb, v, 0, state, 1, stack, lo, hi);
      }
  const pocket: number[] = [];
  let owner = -1; // -1 none yet, -2 several structures
  const collect = (u: number) => pocket.push(u);
  const border = (l: number) => {
    if (owner === -1) owner = l;
    else if (owner !== l) owner = -2;
  };
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++)
      for (let i = lo[0]; i <= hi[0]; i++) {
        const v = i + nx * (j + ny * k);
        if (labels[v] !== 0 || state[v] !== 0) continue;
        pocket.length = 0;
        owner = -1;
        flood(labels, dims, nb, v, 0, state, 2, stack, lo, hi, collect, border);
        if (owner > 0 && owner < numClasses) {
          for (const u of pocket) labels[u] = owner;
          filled[owner]! += pocket.length;
        }
      }
  return filled;
}

export function postprocessLabels(labels: Uint8Array, dims: Dims, o: PostprocessOptions): PostprocessStats {
  // One stack and one state buffer for both steps: 78 MB less at 512x512x300.
  const stack = new VoxelStack();
  const state = new Uint8Array(labels.length);
  const zero = () => new Array<number>(o.numClasses).fill(0);
  const lcc = o.largestComponent !== false ? keepLargestComponents(labels, dims, o.numClasses, o.connectivity ?? 26, stack, state) : { removed: zero(), components: zero() };
  const filledVoxels = o.fillHoles !== false ? fillEnclosedHoles(labels, dims, o.numClasses, stack, state) : zero();
  return { removedVoxels: lcc.removed, filledVoxels, components: lcc.components };
}
