import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src-shared/errors.js';
import { IDENTITY_DIRECTION, type Volume } from '../../src-shared/volume/volume.js';
import { dataPath } from '../../tests/helpers/paths.js';
import { extractInterface } from './interface.js';
import { centroidOf, covarianceOf, eigenSymmetric3 } from './linalg.js';

/**
 * Real 2-D check on expert CHD masks: each slice is a one-slice volume (1 mm pixels; the
 * dataset lost its spacing). Palette from the dataset's MANIFEST.txt, read here with sharp so
 * this test does not depend on the PNG importer.
 */
const DIR = dataPath('png', 'chd-imagechd', 'masks');
const LA = 2;
const LV = 3;
const TOL = 3;
const PALETTE: [number, number, number, number][] = [
  [0, 0, 255, LA],
  [255, 0, 0, LV],
  [0, 255, 0, 5],
  [255, 255, 0, 4],
  [255, 0, 255, 9],
  [0, 255, 255, 1],
  [128, 128, 128, 7],
];

async function readMask(file: string): Promise<Volume<Uint8Array>> {
  const { data, info } = await sharp(path.join(DIR, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let p = 0; p < out.length; p++) {
    const hit = PALETTE.find(([r, g, b]) => data[3 * p] === r && data[3 * p + 1] === g && data[3 * p + 2] === b);
    out[p] = hit ? hit[3] : 0;
  }
  return { dims: [info.width, info.height, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: IDENTITY_DIRECTION, data: out };
}

function pixelsOf(v: Volume<Uint8Array>, label: number): Float64Array {
  const pts: number[] = [];
  for (let p = 0; p < v.data.length; p++) if (v.data[p] === label) pts.push(p % v.dims[0], Math.floor(p / v.dims[0]), 0);
  return Float64Array.from(pts);
}

function nearest(pts: Float64Array, x: number, y: number): number {
  let best = Infinity;
  for (let i = 0; i < pts.length; i += 3) best = Math.min(best, (pts[i] - x) ** 2 + (pts[i + 1] - y) ** 2);
  return Math.sqrt(best);
}

const TOUCHING = ['1001_63', '1002_51', '1002_54', '1003_120', '1003_142', '1004_128', '1005_117', '1005_83'];
const APART = ['1003_83', '1005_127', '1005_80'];

describe.skipIf(!existsSync(DIR))('LA/LV interface on real CHD expert masks (2-D)', () => {
  it('on slices where LA and LV touch, the contact is near both and lies between them', async () => {
    const rows: string[] = [];
    for (const name of TOUCHING) {
      expect(readdirSync(DIR)).toContain(`${name}.png`);
      const vol = await readMask(`${name}.png`);
      const r = extractInterface(vol, { laLabel: LA, lvLabel: LV, toleranceMm: TOL, minVolumeMl: 0 });
      const la = pixelsOf(vol, LA);
      const lv = pixelsOf(vol, LV);
      const cLa = centroidOf(la);
      const cLv = centroidOf(lv);
      const pts = r.points;
      const n = pts.length / 3;
      // Every contact point is within the tolerance of BOTH chambers (independent brute force).
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const x = pts[3 * i];
        const y = pts[3 * i + 1];
        worst = Math.max(worst, nearest(la, x, y), nearest(lv, x, y));
      }
      expect(worst).toBeLessThanOrEqual(TOL);
      // The segment: its midpoint projects between the two centroids, and it runs across the
      // LA->LV line rather than along it.
      const m = centroidOf(pts);
      const e = eigenSymmetric3(covarianceOf(pts, m));
      const dir = e.vectors[2];
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const t = (pts[3 * i] - m[0]) * dir[0] + (pts[3 * i + 1] - m[1]) * dir[1];
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
      const ax = [cLv[0] - cLa[0], cLv[1] - cLa[1]];
      const axLen = Math.hypot(ax[0], ax[1]);
      const tBetween = ((m[0] - cLa[0]) * ax[0] + (m[1] - cLa[1]) * ax[1]) / (axLen * axLen);
      const offAxis = Math.abs((m[0] - cLa[0]) * ax[1] - (m[1] - cLa[1]) * ax[0]) / axLen;
      const crossAngle = (Math.acos(Math.abs(dir[0] * ax[0] + dir[1] * ax[1]) / axLen) * 180) / Math.PI;
      rows.push(
        `${name}: LA ${la.length / 3} px, LV ${lv.length / 3} px, contact ${n} px, segment ${(hi - lo).toFixed(1)} px, ` +
          `midpoint at ${(100 * tBetween).toFixed(0)}% of LA->LV centroid line (${offAxis.toFixed(1)} px off it), ` +
          `segment vs LA->LV line ${crossAngle.toFixed(0)}°, ${r.droppedAsOutliers} px dropped`,
      );
      expect(crossAngle).toBeGreaterThan(45);
      expect(tBetween).toBeGreaterThan(0.05);
      expect(tBetween).toBeLessThan(0.95);
      expect(n).toBeGreaterThan(5);
    }
    console.log(`[roi] CHD 2-D interface:\n${rows.join('\n')}`);
  });

  it('reports LA and LV apart (with the gap in mm) where the masks do not touch', async () => {
    for (const name of APART) {
      const vol = await readMask(`${name}.png`);
      try {
        extractInterface(vol, { laLabel: LA, lvLabel: LV, toleranceMm: TOL, minVolumeMl: 0 });
        throw new Error(`${name}: expected a DATA error`);
      } catch (e) {
        expect(isAppError(e) && e.code).toBe('DATA');
        const d = (e as { details: { gapMm: number; structure: string } }).details;
        expect(d.structure).toBe('la-lv');
        expect(d.gapMm).toBeGreaterThan(TOL);
        console.log(`[roi] ${name}: not touching, gap ≈ ${d.gapMm.toFixed(1)} px`);
      }
    }
  });
});
