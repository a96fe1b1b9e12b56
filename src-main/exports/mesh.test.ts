import { describe, expect, it } from 'vitest';
import { ijkToLps } from '../../src-shared/volume/affine.js';
import type { Mat3, Vec3, Volume } from '../../src-shared/volume/volume.js';
import { classBounds, classMesh, meshVolume } from './mesh.js';
import { encodeMtl, encodeObj, encodeStl } from './mesh-files.js';
import { CLASSES } from '../../src-shared/classes.js';

function ball(direction: Mat3, touchBorder: boolean): Volume<Uint8Array> {
  const dims: Vec3 = [40, 36, 30];
  const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const ci = touchBorder ? 0 : 20;
        if (((i - ci) / 14) ** 2 + ((j - 18) / 12) ** 2 + ((k - 15) / 10) ** 2 < 1) data[i + dims[0] * (j + dims[1] * k)] = 5;
      }
  return { dims, spacingMm: [0.6, 0.8, 1.5], originLps: [-12, 40, -300], direction, data };
}

const OBLIQUE_MIRRORED: Mat3 = (() => {
  const c = Math.cos(0.5);
  const s = Math.sin(0.5);
  // Rotated about z and mirrored in x: determinant -1, like many NIfTI/DICOM grids.
  return [-c, -s, 0, -s, c, 0, 0, 0, 1];
})();

describe('classMesh', () => {
  for (const [name, dir] of [
    ['identity', [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3],
    ['oblique mirrored', OBLIQUE_MIRRORED],
  ] as const) {
    it(`surface volume matches voxels and winds outward (${name})`, async () => {
      for (const touch of [false, true]) {
        const v = ball(dir, touch);
        const count = v.data.reduce((s, x) => s + (x === 5 ? 1 : 0), 0);
        const mesh = (await classMesh(v, 5))!;
        const voxelMm3 = count * 0.6 * 0.8 * 1.5;
        // Positive: outward normals even when the affine mirrors space.
        expect(meshVolume(mesh) / voxelMm3).toBeGreaterThan(0.97);
        expect(meshVolume(mesh) / voxelMm3).toBeLessThan(1.03);
        // Closed 2-manifold: every edge shared by exactly two triangles, in opposite directions.
        const edges = new Map<number, number>();
        const t = mesh.triangles;
        const np = mesh.points.length / 3;
        for (let f = 0; f < t.length; f += 3)
          for (let e = 0; e < 3; e++) {
            const key = t[f + e]! * np + t[f + ((e + 1) % 3)]!;
            edges.set(key, (edges.get(key) ?? 0) + 1);
          }
        let bad = 0;
        for (const [key, n] of edges) {
          const a = Math.floor(key / np);
          const b = key % np;
          if (n !== 1 || edges.get(b * np + a) !== 1) bad++;
        }
        expect(edges.size).toBe(t.length);
        expect(bad).toBe(0);
      }
    });
  }

  it('places the surface in LPS millimetres', async () => {
    const v = ball(OBLIQUE_MIRRORED, false);
    const mesh = (await classMesh(v, 5, { smoothingIterations: 0 }))!;
    const b = classBounds(v, 5)!;
    const centre = ijkToLps(v, [(b.min[0] + b.max[0]) / 2, (b.min[1] + b.max[1]) / 2, (b.min[2] + b.max[2]) / 2]);
    const mean = [0, 0, 0];
    for (let p = 0; p < mesh.points.length; p += 3) for (let a = 0; a < 3; a++) mean[a]! += mesh.points[p + a]! / (mesh.points.length / 3);
    for (let a = 0; a < 3; a++) expect(Math.abs(mean[a]! - centre[a]!)).toBeLessThan(1);
  });

  it('decimates by sampling step and stays closed and volume-true', async () => {
    // Chamber-sized (radius 25 voxels): coarse sampling shrinks small convex shapes more.
    const dims: Vec3 = [70, 64, 56];
    const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
    for (let k = 0; k < dims[2]; k++)
      for (let j = 0; j < dims[1]; j++)
        for (let i = 0; i < dims[0]; i++) if ((i / 25) ** 2 + ((j - 32) / 21) ** 2 + ((k - 28) / 17.5) ** 2 < 1) data[i + dims[0] * (j + dims[1] * k)] = 5;
    const v: Volume<Uint8Array> = { dims, spacingMm: [0.6, 0.8, 1.5], originLps: [0, 0, 0], direction: OBLIQUE_MIRRORED, data };
    const count = v.data.reduce((s, x) => s + (x === 5 ? 1 : 0), 0);
    const full = (await classMesh(v, 5))!;
    const coarse = (await classMesh(v, 5, { step: 2 }))!;
    expect(coarse.triangles.length).toBeLessThan(full.triangles.length / 3);
    // The volume is restored by construction; the shape must still match: same extent within
    // one coarse sample (2 voxels, ≤ 3 mm here) on every side.
    expect(Math.abs(meshVolume(coarse) / (count * 0.6 * 0.8 * 1.5) - 1)).toBeLessThan(0.01);
    const extent = (m: typeof full) => {
      const lo = [Infinity, Infinity, Infinity];
      const hi = [-Infinity, -Infinity, -Infinity];
      for (let q = 0; q < m.points.length; q += 3)
        for (let a = 0; a < 3; a++) {
          lo[a] = Math.min(lo[a]!, m.points[q + a]!);
          hi[a] = Math.max(hi[a]!, m.points[q + a]!);
        }
      return [...lo, ...hi];
    };
    const ef = extent(full);
    const ec = extent(coarse);
    for (let a = 0; a < 6; a++) expect(Math.abs(ef[a]! - ec[a]!)).toBeLessThan(1.6);
    const edges = new Set<number>();
    const np = coarse.points.length / 3;
    const t = coarse.triangles;
    for (let f = 0; f < t.length; f += 3) for (let e = 0; e < 3; e++) edges.add(t[f + e]! * np + t[f + ((e + 1) % 3)]!);
    let open = 0;
    for (const key of edges) if (!edges.has((key % np) * np + Math.floor(key / np))) open++;
    expect(edges.size).toBe(t.length);
    expect(open).toBe(0);
  });

  it('returns null for an absent class', async () => {
    expect(await classMesh(ball(OBLIQUE_MIRRORED, false), 2)).toBeNull();
  });
});

describe('mesh files', () => {
  const mesh = { points: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]), triangles: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]) };
  it('binary STL: header states the frame, count and facets line up, normals are unit outward', () => {
    const b = Buffer.from(encodeStl(mesh, 'Left atrium'));
    expect(b.length).toBe(84 + 4 * 50);
    expect(b.subarray(0, 80).toString('latin1')).toMatch(/^CardioSeg Left atrium SPACE=LPS UNITS=mm/);
    expect(b.readUInt32LE(80)).toBe(4);
    // Facet 0 (0,2,1) lies in z=0 and faces -z.
    expect([b.readFloatLE(84), b.readFloatLE(88), b.readFloatLE(92)]).toEqual([0, 0, -1]);
    expect(meshVolume(mesh)).toBeCloseTo(1 / 6, 6);
  });
  it('OBJ references its material, 1-based faces; MTL has the product colour', () => {
    const cls = CLASSES[2]!;
    const obj = encodeObj(mesh, cls, 'structures.mtl');
    expect(obj).toContain('mtllib structures.mtl');
    expect(obj).toContain('# SPACE=LPS UNITS=mm');
    expect(obj.match(/^v /gm)?.length).toBe(4);
    expect(obj).toContain('f 1 3 2');
    expect(encodeMtl([cls])).toContain('newmtl left_atrium\nKa 1.0000 0.0000 0.0000\nKd 1.0000 0.0000 0.0000');
  });
});
