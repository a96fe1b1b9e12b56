import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src-shared/errors.js';
import { applyMat4, dot, ijkToLpsMatrix, norm, normalize, sub } from '../../src-shared/volume/affine.js';
import { IDENTITY_DIRECTION, type Vec3 } from '../../src-shared/volume/volume.js';
import { makeValvePhantom, rotationDirection, septalDir, valveFrame, type GridSpec, type ValveSpec } from './analytic-phantom.js';
import { detectMitralValve } from './detect.js';

const deg = (a: Vec3, b: Vec3) => (Math.acos(Math.min(1, Math.abs(dot(normalize(a), normalize(b))))) * 180) / Math.PI;

const cases: { name: string; valve: ValveSpec; grid: GridSpec }[] = [
  {
    name: 'isotropic 0.8 mm, axis-aligned grid, oblique valve',
    valve: { centre: [12.3, -40.7, 101.1], normal: [0.3, -0.5, 0.8], majorDir: [1, 0.4, 0], a: 16, b: 12, laDepthMm: 22, lvDepthMm: 40 },
    grid: { spacingMm: [0.8, 0.8, 0.8], direction: IDENTITY_DIRECTION, halfExtentMm: 44 },
  },
  {
    name: 'anisotropic 0.6x0.6x1.5 mm, oblique direction cosines',
    valve: { centre: [-30, 22.2, -8.4], normal: [-0.6, 0.2, 0.77], majorDir: [0.2, 1, 0], a: 15, b: 11, laDepthMm: 20, lvDepthMm: 38 },
    grid: { spacingMm: [0.6, 0.6, 1.5], direction: rotationDirection(20, -35, 50), halfExtentMm: 42 },
  },
  {
    name: 'anisotropic 1.0x0.7x1.25 mm, oblique, with aorta (septal-lateral defined)',
    valve: { centre: [5, 5, 5], normal: [0.1, 0.9, -0.4], majorDir: [1, 0, 0.3], a: 17, b: 13, laDepthMm: 22, lvDepthMm: 40, aorta: true },
    grid: { spacingMm: [1.0, 0.7, 1.25], direction: rotationDirection(-60, 25, 110), halfExtentMm: 44 },
  },
  {
    name: 'thick slices 0.7x0.7x3 mm, oblique direction cosines',
    valve: { centre: [-30, 22.2, -8.4], normal: [-0.6, 0.2, 0.77], majorDir: [0.2, 1, 0], a: 15, b: 11, laDepthMm: 20, lvDepthMm: 38 },
    grid: { spacingMm: [0.7, 0.7, 3], direction: rotationDirection(20, -35, 50), halfExtentMm: 42 },
  },
];

describe('detectMitralValve on analytic LA/LV phantoms with a known annulus', () => {
  for (const c of cases) {
    it(c.name, () => {
      const vol = makeValvePhantom(c.valve, c.grid);
      const r = detectMitralValve(vol);
      const A = r.annulus;
      const { n, ex } = valveFrame(c.valve);
      const centreErr = norm(sub(A.centreLps, c.valve.centre));
      const normalErr = (Math.acos(Math.min(1, dot(A.normalLps, n))) * 180) / Math.PI; // signed: must point LA -> LV
      const trueArea = Math.PI * c.valve.a * c.valve.b;
      const h = (x: number, y: number) => ((x - y) / (x + y)) ** 2;
      const ramanujan = Math.PI * (c.valve.a + c.valve.b) * (1 + (3 * h(c.valve.a, c.valve.b)) / (10 + Math.sqrt(4 - 3 * h(c.valve.a, c.valve.b))));
      console.log(
        `[roi] ${c.name}: dims ${vol.dims.join('x')} centre err ${centreErr.toFixed(2)} mm, normal err ${normalErr.toFixed(2)}°, ` +
          `Dmax ${A.maxDiameterMm.toFixed(2)} (true ${2 * c.valve.a}), Dmin ${A.minDiameterMm.toFixed(2)} (true ${2 * c.valve.b}), ` +
          `area ${A.areaMm2.toFixed(1)} / orifice ${A.orificeAreaMm2.toFixed(1)} (true ${trueArea.toFixed(1)}), perimeter ${A.perimeterMm.toFixed(1)} (true ${ramanujan.toFixed(1)}), ` +
          `SL ${A.septalLateralMm?.toFixed(2)} CC ${A.commissuralMm?.toFixed(2)}, ${r.timingsMs.total.toFixed(0)} ms`,
      );
      expect(centreErr).toBeLessThan(1);
      expect(normalErr).toBeLessThan(3);
      expect(Math.abs(A.maxDiameterMm - 2 * c.valve.a)).toBeLessThan(1);
      expect(Math.abs(A.minDiameterMm - 2 * c.valve.b)).toBeLessThan(1);
      expect(Math.abs(A.areaMm2 - trueArea) / trueArea).toBeLessThan(0.05);
      expect(Math.abs(A.orificeAreaMm2 - trueArea) / trueArea).toBeLessThan(0.05);
      expect(Math.abs(A.perimeterMm - ramanujan) / ramanujan).toBeLessThan(0.05);
      expect(deg(A.maxDiameterDirLps, ex)).toBeLessThan(5);
      // Every contour point lies on the plane and near the true ellipse.
      for (const p of A.contourLps) expect(Math.abs(dot(sub(p, A.centreLps), A.normalLps))).toBeLessThan(1e-6);
      // The ROI box is aligned with the valve and contains the annulus with its margin.
      expect(deg([r.box.axes[6], r.box.axes[7], r.box.axes[8]], n)).toBeLessThan(3);
      expect(r.box.sizeMm[0]).toBeGreaterThan(2 * c.valve.b + 19);
      if (c.valve.aorta) {
        const sl = A.septalLateralDirLps;
        expect(sl).not.toBeNull();
        expect(deg(sl as Vec3, septalDir(c.valve))).toBeLessThan(10);
        expect(Math.abs((A.septalLateralMm ?? 0) - 2 * c.valve.b)).toBeLessThan(1);
        expect(Math.abs((A.commissuralMm ?? 0) - 2 * c.valve.a)).toBeLessThan(1);
      } else {
        expect(A.septalLateralMm).toBeNull();
        expect(r.warnings.map((w) => w.code)).toContain('NO_SEPTAL_REFERENCE');
      }
    });
  }

  it('bridges a 2 mm unlabelled gap between LA and LV (leaflets left as background)', () => {
    const valve: ValveSpec = { centre: [3, -7, 20], normal: [0.4, 0.3, 0.87], majorDir: [0, 1, 0], a: 15, b: 12, laDepthMm: 20, lvDepthMm: 36 };
    const vol = makeValvePhantom(valve, { spacingMm: [0.7, 0.7, 1.0], direction: rotationDirection(5, 30, -20), halfExtentMm: 40 });
    const { n } = valveFrame(valve);
    const m = ijkToLpsMatrix(vol);
    const [nx, ny] = vol.dims;
    let cleared = 0;
    for (let c = 0; c < vol.data.length; c++) {
      if (!vol.data[c]) continue;
      const p = applyMat4(m, [c % nx, Math.floor(c / nx) % ny, Math.floor(c / (nx * ny))]);
      if (Math.abs(dot(sub(p, valve.centre), n)) < 1) {
        vol.data[c] = 0;
        cleared++;
      }
    }
    const r = detectMitralValve(vol);
    const A = r.annulus;
    const area = Math.PI * valve.a * valve.b;
    console.log(`[roi] 2 mm gap (${cleared} voxels cleared): centre err ${norm(sub(A.centreLps, valve.centre)).toFixed(2)} mm, normal err ${deg(A.normalLps, n).toFixed(2)}°, Dmax ${A.maxDiameterMm.toFixed(2)}/30, Dmin ${A.minDiameterMm.toFixed(2)}/24, area ${A.areaMm2.toFixed(0)}/${area.toFixed(0)}`);
    expect(norm(sub(A.centreLps, valve.centre))).toBeLessThan(1);
    expect(dot(A.normalLps, n)).toBeGreaterThan(Math.cos((3 * Math.PI) / 180));
    expect(Math.abs(A.maxDiameterMm - 30)).toBeLessThan(1);
    expect(Math.abs(A.minDiameterMm - 24)).toBeLessThan(1);
    expect(Math.abs(A.areaMm2 - area) / area).toBeLessThan(0.05);
  });

  it('measures the angle between the valve normal and a tilted LV long axis', () => {
    const c = 45;
    const tilt = 25;
    const valve: ValveSpec = { centre: [0, 0, 0], normal: [0, 0.3, 1], majorDir: [1, 0, 0], a: 14, b: 12, laDepthMm: 18, lvDepthMm: c, lvTiltDeg: tilt };
    const vol = makeValvePhantom(valve, { spacingMm: [1, 1, 1], direction: rotationDirection(10, 0, 30), halfExtentMm: 52, gridCentreLps: [0, 8, 25] });
    const r = detectMitralValve(vol);
    // Analytic principal axis of a half-ellipsoid sheared by tan(tilt): covariance in (x, h).
    const t = Math.tan((tilt * Math.PI) / 180);
    const vh = c * c * (1 / 5 - 9 / 64);
    const vx = (valve.a * valve.a) / 5 + t * t * vh;
    const expected = (0.5 * Math.atan2(2 * t * vh, vh - vx) * 180) / Math.PI;
    console.log(`[roi] LV tilt ${tilt}°: angle ${r.annulus.angleToLvLongAxisDeg?.toFixed(2)}° (analytic principal axis ${expected.toFixed(2)}°)`);
    expect(Math.abs((r.annulus.angleToLvLongAxisDeg ?? -99) - expected)).toBeLessThan(2);
    // Base -> apex orientation: the axis points into the ventricle.
    expect(dot(r.annulus.lvLongAxisLps as Vec3, r.annulus.normalLps)).toBeGreaterThan(0);
  });
});

describe('detectMitralValve errors say which structure and why', () => {
  const valve: ValveSpec = { centre: [0, 0, 0], normal: [0, 0, 1], majorDir: [1, 0, 0], a: 12, b: 10, laDepthMm: 15, lvDepthMm: 25 };
  const grid: GridSpec = { spacingMm: [1, 1, 1.5], direction: IDENTITY_DIRECTION, halfExtentMm: 30 };

  const expectDataError = (fn: () => unknown, structure: string, re: RegExp) => {
    try {
      fn();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('DATA');
      expect((e as Error).message).toMatch(re);
      expect((e as { details: { structure: string } }).details.structure).toBe(structure);
      return (e as { details: Record<string, number> }).details;
    }
    throw new Error('expected a DATA error');
  };

  it('missing left atrium', () => {
    const vol = makeValvePhantom(valve, grid);
    for (let i = 0; i < vol.data.length; i++) if (vol.data[i] === 2) vol.data[i] = 0;
    const d = expectDataError(() => detectMitralValve(vol), 'la', /left atrium.*missing/);
    expect(d.voxels).toBe(0);
  });

  it('too small left ventricle', () => {
    const vol = makeValvePhantom({ ...valve, laDepthMm: 25, lvDepthMm: 15 }, grid);
    const d = expectDataError(() => detectMitralValve(vol, { minVolumeMl: 5 }), 'lv', /left ventricle.*too small/);
    expect(d.voxels).toBeGreaterThan(0);
  });

  it('chambers apart: reports the gap in mm', () => {
    const vol = makeValvePhantom(valve, grid);
    // Move every LV voxel 8 slices (12 mm) further along k.
    const [nx, ny, nz] = vol.dims;
    const out = new Uint8Array(vol.data.length);
    for (let k = 0; k < nz; k++) {
      for (let q = 0; q < nx * ny; q++) {
        const v = vol.data[q + nx * ny * k];
        if (v === 3) {
          if (k + 8 < nz) out[q + nx * ny * (k + 8)] = 3;
        } else if (v !== 0) out[q + nx * ny * k] = v;
      }
    }
    vol.data = out;
    const d = expectDataError(() => detectMitralValve(vol), 'la-lv', /do not touch/);
    expect(d.gapMm).toBeGreaterThan(10);
    expect(d.gapMm).toBeLessThan(13.6);
  });
});
