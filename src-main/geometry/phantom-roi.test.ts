import { describe, expect, it } from 'vitest';
import { dot, norm, sub } from '../../src-shared/volume/affine.js';
import type { Mat3 } from '../../src-shared/volume/volume.js';
import { generatePhantom } from '../phantom/index.js';
import { rotationDirection } from './analytic-phantom.js';
import { detectMitralValve } from './detect.js';

/**
 * The product's synthetic heart (src-main/phantom: LA, LV with wall, aorta, RA, RV, ...) records
 * its annulus ellipse; detection must recover it on its coarse default grid and an oblique one.
 */
describe('detectMitralValve on the synthetic heart phantom', () => {
  const cases: { seed: number; direction?: Mat3 }[] = [{ seed: 7 }, { seed: 11, direction: rotationDirection(20, -15, 35) }];
  for (const c of cases) {
    it(`seed ${c.seed}${c.direction ? ', oblique direction cosines' : ''} (1.8x1.8x2.2 mm)`, () => {
      const ph = generatePhantom({ seed: c.seed, preset: 'small', ...(c.direction ? { direction: c.direction } : {}) });
      const t = ph.truth.annulus;
      const r = detectMitralValve(ph.labels);
      const A = r.annulus;
      const centreErr = norm(sub(A.centreLps, t.centreLps));
      const normalErr = (Math.acos(Math.min(1, dot(A.normalLps, t.normalLps))) * 180) / Math.PI;
      const area = Math.PI * t.semiMajorMm * t.semiMinorMm;
      console.log(
        `[roi] phantom seed ${c.seed}: centre err ${centreErr.toFixed(2)} mm, normal err ${normalErr.toFixed(2)}°, ` +
          `Dmax ${A.maxDiameterMm.toFixed(2)}/${(2 * t.semiMajorMm).toFixed(2)}, Dmin ${A.minDiameterMm.toFixed(2)}/${(2 * t.semiMinorMm).toFixed(2)}, ` +
          `area ${A.areaMm2.toFixed(0)}/${area.toFixed(0)}, SL ${A.septalLateralMm?.toFixed(2)} CC ${A.commissuralMm?.toFixed(2)}, ` +
          `angle to LV axis ${A.angleToLvLongAxisDeg?.toFixed(1)}°, ${r.timingsMs.total.toFixed(0)} ms`,
      );
      expect(centreErr).toBeLessThan(1);
      expect(normalErr).toBeLessThan(3);
      expect(Math.abs(A.maxDiameterMm - 2 * t.semiMajorMm)).toBeLessThan(1);
      expect(Math.abs(A.minDiameterMm - 2 * t.semiMinorMm)).toBeLessThan(1);
      expect(Math.abs(A.areaMm2 - area) / area).toBeLessThan(0.05);
      // The generator puts the aortic root on the minor-axis side (observed), so septal-lateral
      // is the minor diameter and commissural the major one.
      expect(Math.abs((A.septalLateralMm ?? 0) - 2 * t.semiMinorMm)).toBeLessThan(1.5);
      expect(Math.abs((A.commissuralMm ?? 0) - 2 * t.semiMajorMm)).toBeLessThan(1.5);
    });
  }
});
