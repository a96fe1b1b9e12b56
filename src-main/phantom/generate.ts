import { cross, normalize } from '../../src-shared/volume/affine.js';
import type { Mat3, Vec3, Volume, VolumeGeometry } from '../../src-shared/volume/volume.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import { yieldToLoop } from '../util/abort.js';
import { buildHeart } from './anatomy.js';
import { blur, huTable, seedHuLevels, toHu } from './intensity.js';
import { resolveGrid, type PhantomParams } from './params.js';
import { createRng, type Rng } from './prng.js';
import { paintBody, paintHeart, type BodyModel, type Canvas, type Deformation, type Placement } from './rasterize.js';
import { computeTruth, type PhantomTruth } from './truth.js';

/** Bump on any change to the generated voxels: cached fixtures of older versions are rebuilt. */
export const GENERATOR_VERSION = 2;

/** Grid centre in patient LPS (mm): a plausible table position for a cardiac scan. */
const GRID_CENTRE: Vec3 = [0, 20, -130];

export interface PhantomResult {
  ct: Volume<Int16Array>;
  labels: Volume<Uint8Array>;
  truth: PhantomTruth;
}

function rotation(axisIn: Vec3, angle: number): Mat3 {
  const [x, y, z] = normalize(axisIn);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
}

const mulMat3Vec = (m: Mat3, v: Vec3): Vec3 => [0, 1, 2].map((r) => m[r * 3] * v[0] + m[r * 3 + 1] * v[1] + m[r * 3 + 2] * v[2]) as Vec3;

function randomUnit(rng: Rng): Vec3 {
  return normalize([rng.normal(), rng.normal(), rng.normal()]);
}

function deformation(rng: Rng, normal: Vec3): Deformation {
  const waves = Array.from({ length: 3 }, () => {
    const lambda = rng.uniform(90, 160);
    const k = randomUnit(rng).map((v) => (v * 2 * Math.PI) / lambda) as Vec3;
    const amp = randomUnit(rng).map((v) => v * rng.uniform(0.8, 1.5)) as Vec3;
    return { k, phase: rng.uniform(0, 2 * Math.PI), amp };
  });
  // Total displacement stays < 4.5 mm < inner slab: no point changes side of the annulus plane.
  return { waves, normal, slab: [6, 20] };
}

/**
 * The phantom, step by step; each yield is a stage boundary so the async wrapper can report
 * progress and honour cancellation. Randomness comes from separate streams: anatomy (0),
 * intensities (1), noise (2).
 */
function* steps(params: PhantomParams, out: { result?: PhantomResult }): Generator<string, void, void> {
  const grid = resolveGrid(params);
  const anatomyRng = createRng(params.seed, 0);
  const heart = buildHeart(anatomyRng);
  const jitter = () => anatomyRng.uniform(-4, 4);
  const centre: Vec3 = [GRID_CENTRE[0] + 10 + jitter(), GRID_CENTRE[1] - 8 + jitter(), GRID_CENTRE[2] - 2 + jitter()];
  const rotAxis = randomUnit(anatomyRng);
  const rotDeg = anatomyRng.uniform(0, 10);
  const rot = rotation(rotAxis, (rotDeg * Math.PI) / 180);
  const place: Placement = { centre, rot, deform: deformation(anatomyRng, heart.annulus.normal) };
  const body: BodyModel = {
    centre: [GRID_CENTRE[0] + anatomyRng.uniform(-3, 3), GRID_CENTRE[1] + 10 + anatomyRng.uniform(-3, 3), 0],
    radii: [anatomyRng.uniform(155, 175), anatomyRng.uniform(110, 125)],
    fatMm: anatomyRng.uniform(8, 16),
    muscleMm: anatomyRng.uniform(8, 12),
    spine: { y: 55 + anatomyRng.uniform(-3, 3), bodyR: anatomyRng.uniform(15, 18), canalR: 7 },
    mediastinumHalfWidth: 22,
  };
  const origin = [0, 1, 2].map((r) => GRID_CENTRE[r] - [0, 1, 2].reduce((acc, a) => acc + grid.direction[a * 3 + r] * ((grid.dims[a] - 1) / 2) * grid.spacingMm[a], 0)) as Vec3;
  const geometry: VolumeGeometry = { dims: grid.dims, spacingMm: grid.spacingMm, originLps: origin, direction: grid.direction };
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const canvas: Canvas = { grid: geometry, tissue: new Uint8Array(n), labels: new Uint8Array(n) };
  yield 'body';
  paintBody(canvas, body);
  const SLAB = 16;
  for (let k = 0; k < grid.dims[2]; k += SLAB) {
    yield 'heart';
    paintHeart(canvas, place, heart.ops, k, Math.min(grid.dims[2], k + SLAB) - 1);
  }
  yield 'intensity';
  const levels = seedHuLevels(createRng(params.seed, 1));
  const noiseSigma = params.noiseSigma ?? Math.round(createRng(params.seed, 3).uniform(8, 20) * 10) / 10;
  const psfSigmaMm = Math.round(createRng(params.seed, 4).uniform(0.5, 0.8) * 100) / 100;
  const table = huTable(levels);
  const img = new Float32Array(n);
  for (let i = 0; i < n; i++) img[i] = table[canvas.tissue[i]];
  yield 'blur';
  blur(img, grid.dims, grid.spacingMm, psfSigmaMm);
  yield 'noise';
  const hu = toHu(img, noiseSigma, createRng(params.seed, 2));
  const world = {
    centre,
    normal: normalize(mulMat3Vec(rot, heart.annulus.normal)),
    major: normalize(mulMat3Vec(rot, heart.annulus.major)),
    minor: normalize(mulMat3Vec(rot, heart.annulus.minor)),
  };
  // Re-orthogonalise the minor axis so the recorded frame is exactly right-handed.
  world.minor = normalize(cross(world.normal, world.major));
  const labels: Volume<Uint8Array> = { ...geometry, data: canvas.labels };
  const truth = computeTruth({
    params,
    labels,
    annulus: { ...world, semiMajorMm: heart.annulus.semiMajorMm, semiMinorMm: heart.annulus.semiMinorMm },
    levels,
    noiseSigma,
    psfSigmaMm,
    heart: { scale: heart.scale, rotationAxis: rotAxis, rotationDeg: rotDeg, annulusCentreLps: centre },
    generatorVersion: GENERATOR_VERSION,
  });
  out.result = { ct: { ...geometry, data: hu, metadata: { modality: 'CT', phantom: truth.name } }, labels, truth };
}

/** Pure, synchronous generation: same params -> identical arrays. */
export function generatePhantom(params: PhantomParams): PhantomResult {
  const out: { result?: PhantomResult } = {};
  for (const _ of steps(params, out)) void _;
  return out.result as PhantomResult;
}

/** The same, yielding to the event loop between stages (service / CLI use). */
export async function generatePhantomAsync(params: PhantomParams, opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<PhantomResult> {
  const out: { result?: PhantomResult } = {};
  let done = 0;
  const total = 4 + Math.ceil(resolveGrid(params).dims[2] / 16);
  for (const stage of steps(params, out)) {
    opts.onProgress?.({ stage: 'phantom', done: Math.min(done++, total), total, message: stage });
    await yieldToLoop(opts.signal);
  }
  opts.onProgress?.({ stage: 'phantom', done: total, total });
  return out.result as PhantomResult;
}
