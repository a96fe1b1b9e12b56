import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { writeNifti } from '../../../src-main/io/nifti/index.js';

/**
 * A small synthetic "heart": ellipsoids of several classes in a CT-like volume, with anisotropic
 * spacing and a mirrored axis (like dcm2niix output) so geometry bugs show. One structure touches
 * the volume border to prove meshes close there.
 */
export function phantomVolumes(dims: Vec3 = [48, 40, 32]): { ct: Volume<Int16Array>; labels: Volume<Uint8Array> } {
  const [nx, ny, nz] = dims;
  const geometry = { dims, spacingMm: [0.8, 0.9, 1.25] as Vec3, originLps: [30, -40, 100] as Vec3, direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3 };
  const ct = new Int16Array(nx * ny * nz).fill(-50);
  const labels = new Uint8Array(nx * ny * nz);
  const blobs: Array<{ id: number; c: Vec3; r: Vec3; hu: number }> = [
    { id: 3, c: [0.35 * nx, 0.5 * ny, 0.5 * nz], r: [0.2 * nx, 0.3 * ny, 0.35 * nz], hu: 350 },
    { id: 2, c: [0.72 * nx, 0.45 * ny, 0.55 * nz], r: [0.16 * nx, 0.2 * ny, 0.25 * nz], hu: 300 },
    { id: 1, c: [0.6 * nx, 0.8 * ny, 0.5 * nz], r: [0.08 * nx, 0.12 * ny, 0.6 * nz], hu: 400 },
  ];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        for (const b of blobs) {
          if (((i - b.c[0]) / b.r[0]) ** 2 + ((j - b.c[1]) / b.r[1]) ** 2 + ((k - b.c[2]) / b.r[2]) ** 2 < 1) {
            labels[p] = b.id;
            ct[p] = b.hu + ((i * 7 + j * 3 + k) % 11) - 5;
          }
        }
      }
  return { ct: { ...geometry, data: ct }, labels: { ...geometry, data: labels } };
}

export async function writePhantomNifti(dir: string): Promise<{ ctPath: string; labelsPath: string; ct: Volume<Int16Array>; labels: Volume<Uint8Array> }> {
  await mkdir(dir, { recursive: true });
  const { ct, labels } = phantomVolumes();
  const ctPath = path.join(dir, 'ct.nii.gz');
  const labelsPath = path.join(dir, 'labels.nii.gz');
  await writeNifti(ctPath, ct);
  await writeNifti(labelsPath, labels);
  return { ctPath, labelsPath, ct, labels };
}

/** Ellipsoids of three classes on a grid, scaled to its index extent; vena cava touches a border. */
export function ellipsoidLabels(grid: { dims: Vec3; spacingMm: Vec3; originLps: Vec3; direction: Mat3 }): Volume<Uint8Array> {
  const [nx, ny, nz] = grid.dims;
  const data = new Uint8Array(nx * ny * nz);
  const zc = (nz - 1) / 2;
  const zr = Math.max(nz * 0.45, 1.2);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const z = ((k - zc) / zr) ** 2;
        let c = 0;
        if (((i - 0.4 * nx) / (0.18 * nx)) ** 2 + ((j - 0.5 * ny) / (0.22 * ny)) ** 2 + z < 1) c = 3;
        else if (((i - 0.68 * nx) / (0.1 * nx)) ** 2 + ((j - 0.4 * ny) / (0.12 * ny)) ** 2 + z < 1) c = 2;
        else if (i < 0.1 * nx && j > 0.6 * ny && j < 0.75 * ny) c = 8;
        data[i + nx * (j + ny * k)] = c;
      }
  return { dims: [...grid.dims], spacingMm: [...grid.spacingMm], originLps: [...grid.originLps], direction: [...grid.direction], data };
}

/** The same image with reversed index axes (same world positions): how other tools often store it. */
export function flipAxes<T extends Volume>(v: T, flip: [boolean, boolean, boolean]): T {
  const [nx, ny, nz] = v.dims;
  const data = new (v.data.constructor as new (n: number) => T['data'])(v.data.length);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const a = flip[0] ? nx - 1 - i : i;
        const b = flip[1] ? ny - 1 - j : j;
        const c = flip[2] ? nz - 1 - k : k;
        data[a + nx * (b + ny * c)] = v.data[i + nx * (j + ny * k)] as number;
      }
  const dir = [...v.direction] as Mat3;
  let origin = [...v.originLps] as Vec3;
  for (let a = 0; a < 3; a++) {
    if (!flip[a]) continue;
    const n = v.dims[a] - 1;
    origin = origin.map((o, r) => o + dir[a * 3 + r] * v.spacingMm[a] * n) as Vec3;
    for (let r = 0; r < 3; r++) dir[a * 3 + r] = -dir[a * 3 + r];
  }
  return { ...v, originLps: origin, direction: dir, data };
}
