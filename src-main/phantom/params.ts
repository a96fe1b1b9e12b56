import { createHash } from 'node:crypto';
import { AppError } from '../../src-shared/errors.js';
import type { Mat3, Vec3 } from '../../src-shared/volume/volume.js';

export type PhantomPreset = 'small' | 'full';

export interface PhantomParams {
  seed: number;
  preset: PhantomPreset;
  /** Override the preset grid. */
  dims?: Vec3;
  spacingMm?: Vec3;
  /** Row-major direction cosines (i, j, k axes in LPS); may be oblique. Must be orthonormal. */
  direction?: Mat3;
  /** Override the seeded noise level (HU standard deviation); 0 gives a noise-free phantom. */
  noiseSigma?: number;
}

export interface PresetGrid {
  dims: Vec3;
  spacingMm: Vec3;
}

/** Field of view ~173 x 173 x 141 mm (small) and ~205 x 205 x 150 mm (full): the heart fits both. */
export const PRESETS: Record<PhantomPreset, PresetGrid> = {
  small: { dims: [96, 96, 64], spacingMm: [1.8, 1.8, 2.2] },
  full: { dims: [512, 512, 250], spacingMm: [0.4, 0.4, 0.6] },
};

export interface ResolvedGrid {
  dims: Vec3;
  spacingMm: Vec3;
  direction: Mat3;
}

export function resolveGrid(p: PhantomParams): ResolvedGrid {
  const preset = PRESETS[p.preset];
  if (!preset) throw new AppError('VALIDATION', `Unknown phantom preset '${String(p.preset)}'`);
  const dims = p.dims ?? preset.dims;
  const spacingMm = p.spacingMm ?? preset.spacingMm;
  const direction = p.direction ?? [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (dims.some((d) => !Number.isInteger(d) || d < 2 || d > 2048)) throw new AppError('VALIDATION', `Phantom dims must be integers in [2, 2048], got ${dims.join('x')}`);
  if (dims[0] * dims[1] * dims[2] > 300e6) throw new AppError('VALIDATION', 'Phantom grid too large (over 300 M voxels)');
  if (spacingMm.some((s) => !(s > 0.05 && s < 20))) throw new AppError('VALIDATION', `Phantom spacing must be in (0.05, 20) mm, got ${spacingMm.join('x')}`);
  for (let a = 0; a < 3; a++) {
    for (let b = a; b < 3; b++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d += direction[a * 3 + c] * direction[b * 3 + c];
      if (Math.abs(d - (a === b ? 1 : 0)) > 1e-6) throw new AppError('VALIDATION', 'Phantom direction matrix must be orthonormal');
    }
  }
  return { dims: [...dims] as Vec3, spacingMm: [...spacingMm] as Vec3, direction: [...direction] as Mat3 };
}

const fmt = (x: number) => String(Number(x.toFixed(3)));

/** Stable fixture name, e.g. `phantom_seed7_96x96x64_1.8x1.8x2.2mm`. */
export function phantomName(p: PhantomParams): string {
  const g = resolveGrid(p);
  const iso = g.spacingMm.every((s) => s === g.spacingMm[0]);
  const sp = iso ? fmt(g.spacingMm[0]) : g.spacingMm.map(fmt).join('x');
  const oblique = g.direction.some((v, k) => Math.abs(v - (k % 4 === 0 ? 1 : 0)) > 1e-9);
  const extra = [oblique ? `dir${createHash('sha256').update(g.direction.map((v) => v.toFixed(9)).join(',')).digest('hex').slice(0, 8)}` : '', p.noiseSigma !== undefined ? `noise${fmt(p.noiseSigma)}` : ''].filter(Boolean).join('_');
  return `phantom_seed${p.seed}_${g.dims.join('x')}_${sp}mm${extra ? `_${extra}` : ''}`;
}
