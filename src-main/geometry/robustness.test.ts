import { describe, expect, it } from 'vitest';
import { dot, ijkToLps, norm, normalize, scale, sub, add } from '../../src-shared/volume/affine.js';
import { IDENTITY_DIRECTION, type Vec3, type Volume } from '../../src-shared/volume/volume.js';
import { paintValve, valveFrame, type ValveSpec } from './analytic-phantom.js';
import { detectMitralValve } from './detect.js';

/** A clinical-size label grid (512x512x250, 0.39x0.39x0.6 mm) with the valve in the middle. */
function bigVolume(valve: ValveSpec): Volume<Uint8Array> {
  const dims: Vec3 = [512, 512, 250];
  const vol: Volume<Uint8Array> = { dims, spacingMm: [0.39, 0.39, 0.6], originLps: [0, 0, 0], direction: IDENTITY_DIRECTION, data: new Uint8Array(512 * 512 * 250) };
  vol.originLps = sub(valve.centre, ijkToLps(vol, [255.3, 247.8, 131.4]));
  paintValve(vol, valve);
  return vol;
}

/** Paint a ball of `label` over background and the given label set. */
function paintBall(vol: Volume<Uint8Array>, centre: Vec3, radius: number, label: number, over: number[]): void {
  const [nx, ny, nz] = vol.dims;
  const inv = (p: Vec3) => p.map((x, a) => (x - vol.originLps[a]) / vol.spacingMm[a]) as Vec3; // identity direction
  const c = inv(centre);
  const r = vol.spacingMm.map((s) => Math.ceil(radius / s) + 1);
  for (let k = Math.max(0, Math.floor(c[2] - r[2])); k <= Math.min(nz - 1, c[2] + r[2]); k++)
    for (let j = Math.max(0, Math.floor(c[1] - r[1])); j <= Math.min(ny - 1, c[1] + r[1]); j++)
      for (let i = Math.max(0, Math.floor(c[0] - r[0])); i <= Math.min(nx - 1, c[0] + r[0]); i++) {
        const d = [(i - c[0]) * vol.spacingMm[0], (j - c[1]) * vol.spacingMm[1], (k - c[2]) * vol.spacingMm[2]];
        if (d[0] ** 2 + d[1] ** 2 + d[2] ** 2 > radius * radius) continue;
        const o = i + nx * (j + ny * k);
        if (vol.data[o] === 0 || over.includes(vol.data[o])) vol.data[o] = label;
      }
}

describe('detectMitralValve at clinical size and with segmentation noise', () => {
  it('512x512x250 labels in a few seconds; a stray LA-LV touch elsewhere is ignored', () => {
    const valve: ValveSpec = { centre: [-20, 35, 80], normal: [-0.5, 0.45, 0.74], majorDir: [1, 1, 0], a: 17, b: 13, laDepthMm: 30, lvDepthMm: 55, aorta: true };
    const vol = bigVolume(valve);
    const { n } = valveFrame(valve);
    // A small "ventricle" blob glued to the atrial roof: a second, wrong contact patch.
    paintBall(vol, add(valve.centre, scale(n, -(valve.laDepthMm + 2))), 4, 3, []);
    // A few misplaced voxels of each label far away (typical speckle).
    for (let t = 0; t < 40; t++) vol.data[1000 + 977 * t + 512 * 512 * (10 + t)] = t % 2 ? 2 : 3;
    const t0 = performance.now();
    const r = detectMitralValve(vol);
    const ms = performance.now() - t0;
    const A = r.annulus;
    const centreErr = norm(sub(A.centreLps, valve.centre));
    const normalErr = (Math.acos(Math.min(1, dot(A.normalLps, normalize(valve.normal)))) * 180) / Math.PI;
    console.log(
      `[roi] 512x512x250: ${ms.toFixed(0)} ms (${JSON.stringify(Object.fromEntries(Object.entries(r.timingsMs).map(([k, v]) => [k, Math.round(v)])))}), ` +
        `centre err ${centreErr.toFixed(2)} mm, normal err ${normalErr.toFixed(2)}°, Dmax ${A.maxDiameterMm.toFixed(2)}/34, Dmin ${A.minDiameterMm.toFixed(2)}/26, ` +
        `searched ${r.interface.searchVoxels} voxels, dropped ${r.interface.droppedAsOutliers} of ${r.interface.rawPoints} contact voxels, warnings ${r.warnings.map((w) => w.code).join(',')}`,
    );
    // Speckle must not stretch the contact search over the volume (that cost ~4x the time).
    expect(r.interface.searchVoxels).toBeLessThan(0.05 * vol.data.length);
    expect(ms).toBeLessThan(15_000);
    expect(centreErr).toBeLessThan(1);
    expect(normalErr).toBeLessThan(3);
    expect(Math.abs(A.maxDiameterMm - 34)).toBeLessThan(1);
    expect(Math.abs(A.minDiameterMm - 26)).toBeLessThan(1);
    expect(r.warnings.map((w) => w.code)).toContain('INTERFACE_PIECES_DROPPED');
  });
});
