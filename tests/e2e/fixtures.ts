import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { getPhantomFixture, type PhantomFixture } from '../../src-main/phantom/fixture.js';
import { readNifti } from '../../src-main/io/nifti/index.js';
import { ijkToLps } from '../../src-shared/volume/affine.js';
import type { Mat3, Vec3 } from '../../src-shared/volume/volume.js';
import { CACHE_DIR, REPO_ROOT } from '../helpers/paths.js';

/** The phantom the UI workflows run on: finer than the `small` preset so screenshots read well. */
export function studyPhantom(direction?: Mat3): Promise<PhantomFixture> {
  return getPhantomFixture({ seed: 11, preset: 'small', dims: [160, 160, 96], spacingMm: [1.1, 1.1, 1.5], ...(direction ? { direction } : {}) });
}

/**
 * For each class, an LPS point well inside it (every voxel within `r` voxels has the same label),
 * the one closest to the class centroid: where the overlay colour must show.
 */
export async function interiorPoints(labelsPath: string, r = 2): Promise<Map<number, { lps: Vec3; ijk: Vec3 }>> {
  const v = await readNifti(labelsPath);
  const [nx, ny, nz] = v.dims;
  const d = v.data;
  const sums = new Map<number, [number, number, number, number]>();
  for (let k = 0, n = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, n++) {
        const c = d[n] as number;
        if (!c) continue;
        const s = sums.get(c) ?? [0, 0, 0, 0];
        s[0] += i;
        s[1] += j;
        s[2] += k;
        s[3]++;
        sums.set(c, s);
      }
  const out = new Map<number, { lps: Vec3; ijk: Vec3 }>();
  for (const [c, s] of sums) {
    const ci = s[0] / s[3];
    const cj = s[1] / s[3];
    const ck = s[2] / s[3];
    let best: Vec3 | null = null;
    let bestD = Infinity;
    for (let k = r; k < nz - r; k++)
      for (let j = r; j < ny - r; j++)
        for (let i = r; i < nx - r; i++) {
          if (d[i + nx * (j + ny * k)] !== c) continue;
          const dist = (i - ci) ** 2 + (j - cj) ** 2 + (k - ck) ** 2;
          if (dist >= bestD) continue;
          let inside = true;
          for (let dk = -r; dk <= r && inside; dk++)
            for (let dj = -r; dj <= r && inside; dj++)
              for (let di = -r; di <= r && inside; di++) if (d[i + di + nx * (j + dj + ny * (k + dk))] !== c) inside = false;
          if (inside) {
            best = [i, j, k];
            bestD = dist;
          }
        }
    if (best) out.set(c, { ijk: best, lps: ijkToLps(v, best) });
  }
  return out;
}

const run = promisify(execFile);

/** A tiny U-Net trained for 2 epochs on synthetic slices: enough to drive the segmentation UI. */
export async function tinyModel(): Promise<string> {
  const dir = path.join(CACHE_DIR, 'e2e-tiny-model');
  if (existsSync(path.join(dir, 'plans.json'))) return dir;
  try {
    await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'cardioseg.mjs'), 'train', '--data', 'synthetic:patients=3,size=32,slices=4', '--out', dir, '--epochs', '2', '--batch', '4', '--size', '32'], {
      cwd: REPO_ROOT,
      timeout: 120_000,
    });
  } catch (e) {
    // Two epochs cannot pass the quality gate and the CLI says so with a non-zero exit; the model
    // folder is still complete, which is all the UI tests need.
    if (!existsSync(path.join(dir, 'plans.json'))) throw e;
  }
  return dir;
}
