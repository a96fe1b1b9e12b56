import { describe, expect, it } from 'vitest';
import { dot, ijkToLps, lpsToIjk, norm, sub } from '../../src-shared/volume/affine.js';
import type { Vec3, Volume } from '../../src-shared/volume/volume.js';
import { rotationDirection } from './analytic-phantom.js';
import { resampleVolume } from './resample.js';
import { adjustBox, boxAxis, orthonormalAxes, roiGeometry, type RoiBox } from './roi-box.js';

/** A source CT on an oblique anisotropic grid with a non-linear pattern (so interpolation shows). */
function sourceCt(): Volume<Float32Array> {
  const dims: Vec3 = [40, 36, 24];
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0, o = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, o++) data[o] = Math.round(400 * Math.sin(i * 0.7) * Math.cos(j * 0.45) + 13 * k + ((i * 7 + j * 13 + k * 29) % 17));
  return { dims, spacingMm: [0.8, 0.9, 1.6], originLps: [-10, 4, 30], direction: rotationDirection(15, -25, 40), data };
}

/** Independent reference: trilinear at a continuous source index (interior only). */
function trilinear(v: Volume, p: Vec3): number {
  const [nx, ny] = v.dims;
  const x0 = Math.floor(p[0]);
  const y0 = Math.floor(p[1]);
  const z0 = Math.floor(p[2]);
  let s = 0;
  for (let dz = 0; dz <= 1; dz++)
    for (let dy = 0; dy <= 1; dy++)
      for (let dx = 0; dx <= 1; dx++) {
        const w = (dx ? p[0] - x0 : 1 - (p[0] - x0)) * (dy ? p[1] - y0 : 1 - (p[1] - y0)) * (dz ? p[2] - z0 : 1 - (p[2] - z0));
        s += w * v.data[x0 + dx + nx * (y0 + dy + ny * (z0 + dz))];
      }
  return s;
}

const box: RoiBox = {
  // The source's centre, so the whole ROI lies inside it.
  centreLps: ijkToLps(sourceCt(), [19.5, 17.5, 11.5]),
  axes: orthonormalAxes([0.8, 0.3, -0.2], [0.2, -0.4, 0.9]),
  sizeMm: [14, 12, 9],
  spacingMm: [0.5, 0.5, 0.7],
};

describe('ROI resampling maps back to the source', () => {
  it('trilinear CT values equal the source sampled at each ROI voxel centre (world coordinates)', () => {
    const src = sourceCt();
    const roi = resampleVolume(src, roiGeometry(box), 'linear', -1024);
    expect(roi.direction).toEqual(box.axes);
    let checked = 0;
    let maxErr = 0;
    const [rx, ry, rz] = roi.dims;
    for (let k = 0; k < rz; k++)
      for (let j = 0; j < ry; j++)
        for (let i = 0; i < rx; i++) {
          const world = ijkToLps(roi, [i, j, k]);
          const p = lpsToIjk(src, world);
          if (p.some((x, a) => x < 0 || x > src.dims[a] - 1)) continue;
          maxErr = Math.max(maxErr, Math.abs(roi.data[i + rx * (j + ry * k)] - trilinear(src, p)));
          checked++;
        }
    console.log(`[roi] map-back: ${checked} of ${rx * ry * rz} ROI voxels inside the source, max |ROI - source(world)| = ${maxErr.toExponential(2)}`);
    expect(checked).toBe(rx * ry * rz);
    expect(maxErr).toBeLessThan(0.05);
  });

  it('a CT that is linear in LPS is reproduced exactly at the ROI voxel centres', () => {
    const src = sourceCt();
    const f = (p: Vec3) => 2 * p[0] - 3 * p[1] + 0.5 * p[2];
    for (let c = 0; c < src.data.length; c++) {
      const i = c % src.dims[0];
      const j = Math.floor(c / src.dims[0]) % src.dims[1];
      const k = Math.floor(c / (src.dims[0] * src.dims[1]));
      src.data[c] = f(ijkToLps(src, [i, j, k]));
    }
    const roi = resampleVolume(src, roiGeometry(box), 'linear', Number.NaN);
    let n = 0;
    for (let c = 0; c < roi.data.length; c++) {
      if (Number.isNaN(roi.data[c])) continue;
      const i = c % roi.dims[0];
      const j = Math.floor(c / roi.dims[0]) % roi.dims[1];
      const k = Math.floor(c / (roi.dims[0] * roi.dims[1]));
      const p = lpsToIjk(src, ijkToLps(roi, [i, j, k]));
      if (p.some((x, a) => x < 0 || x > src.dims[a] - 1)) continue;
      expect(Math.abs(roi.data[c] - f(ijkToLps(roi, [i, j, k])))).toBeLessThan(0.01);
      n++;
    }
    expect(n).toBeGreaterThan(500);
  });

  it('nearest-neighbour labels equal the source label of the voxel containing each ROI centre', () => {
    const src = sourceCt();
    const labels: Volume<Uint8Array> = { ...src, data: Uint8Array.from(src.data, (v) => (v > 100 ? 3 : v < -100 ? 2 : 0)) };
    const roi = resampleVolume(labels, roiGeometry(box), 'nearest', 0);
    expect(roi.data).toBeInstanceOf(Uint8Array);
    let n = 0;
    for (let c = 0; c < roi.data.length; c += 3) {
      const i = c % roi.dims[0];
      const j = Math.floor(c / roi.dims[0]) % roi.dims[1];
      const k = Math.floor(c / (roi.dims[0] * roi.dims[1]));
      const p = lpsToIjk(src, ijkToLps(roi, [i, j, k])).map(Math.round) as Vec3;
      if (p.some((x, a) => x < 0 || x > src.dims[a] - 1)) continue;
      // Skip centres within 1e-6 of a voxel border, where rounding may go either way.
      if (lpsToIjk(src, ijkToLps(roi, [i, j, k])).some((x) => Math.abs(x - Math.floor(x) - 0.5) < 1e-6)) continue;
      expect(roi.data[c]).toBe(labels.data[p[0] + src.dims[0] * (p[1] + src.dims[1] * p[2])]);
      n++;
    }
    expect(n).toBeGreaterThan(300);
  });

  it('outside the source the ROI holds the fill value', () => {
    const src = sourceCt();
    const far: RoiBox = { ...box, centreLps: [500, 500, 500] };
    const roi = resampleVolume(src, roiGeometry(far), 'linear', -1024);
    expect(roi.data.every((v) => v === -1024)).toBe(true);
  });
});

describe('ROI box geometry and adjustment', () => {
  it('the ROI grid is centred on the box and spans its size', () => {
    const g = roiGeometry({ ...box, sizeMm: [15, 11, 7], spacingMm: [1, 1, 1] });
    expect(g.dims).toEqual([15, 11, 7]);
    const mid = ijkToLps(g, [7, 5, 3]);
    expect(norm(sub(mid, box.centreLps))).toBeLessThan(1e-9);
  });

  it('shift, rotate and resize re-orient the box as asked', () => {
    const b2 = adjustBox(box, { shiftMm: [0, 0, 5], rotateDeg: [0, 0, 90], sizeMm: [20, 20, 10] });
    // Shift along the box normal.
    expect(norm(sub(sub(b2.centreLps, box.centreLps), [0, 0, 0].map((_, a) => 5 * boxAxis(box, 2)[a]) as Vec3))).toBeLessThan(1e-9);
    // 90° about z: new x = old y, z unchanged.
    expect(dot(boxAxis(b2, 0), boxAxis(box, 1))).toBeCloseTo(1, 9);
    expect(dot(boxAxis(b2, 2), boxAxis(box, 2))).toBeCloseTo(1, 9);
    expect(b2.sizeMm).toEqual([20, 20, 10]);
    // Tilting about x moves the normal by exactly that angle.
    const b3 = adjustBox(box, { rotateDeg: [12, 0, 0] });
    expect((Math.acos(dot(boxAxis(b3, 2), boxAxis(box, 2))) * 180) / Math.PI).toBeCloseTo(12, 6);
    expect(dot(boxAxis(b3, 0), boxAxis(box, 0))).toBeCloseTo(1, 9);
  });
});
