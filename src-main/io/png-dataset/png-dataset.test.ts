import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASS_ID } from '../../../src-shared/classes.js';
import { isAppError } from '../../../src-shared/errors.js';
import { dataPath, hasShared } from '../../../tests/helpers/paths.js';
import { AORTA_NOT_SPLIT, CHD_IMAGECHD_COLOR_MAP, inspectPngDataset, loadColorMap, loadPngDataset, parseSliceName, readColorMask } from './index.js';

const CHD = dataPath('png', 'chd-imagechd');

const made: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cardioseg-png-'));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

async function writeRgb(file: string, w: number, h: number, px: (i: number) => [number, number, number]): Promise<void> {
  const b = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) b.set(px(i), i * 3);
  await sharp(b, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
}

describe('PNG slice + colour-mask datasets', () => {
  it('parses <patient>_<slice>.png so training can split by patient', () => {
    expect(parseSliceName('/x/1001_179.png')).toEqual({ patientId: '1001', sliceIndex: 179 });
    expect(parseSliceName('case_a_12.PNG')).toEqual({ patientId: 'case_a', sliceIndex: 12 });
    expect(parseSliceName('nope.png')).toBeNull();
  });

  it('unknown colours are an error listing them (a resized mask has blended edges)', async () => {
    const d = tmp();
    const f = path.join(d, 'm.png');
    await writeRgb(f, 4, 2, (i) => (i === 0 ? [255, 0, 0] : i === 1 ? [128, 0, 0] : i === 2 ? [1, 2, 3] : [0, 0, 0]));
    const e = await readColorMask(f, CHD_IMAGECHD_COLOR_MAP).catch((x: unknown) => x);
    expect(isAppError(e)).toBe(true);
    expect((e as Error).message).toContain('(128,0,0) ×1');
    expect((e as Error).message).toContain('(1,2,3) ×1');
  });

  it('a JSON colour map is validated and applied exactly', async () => {
    const d = tmp();
    const mapFile = path.join(d, 'map.json');
    writeFileSync(
      mapFile,
      JSON.stringify({ format: 'cardioseg-colormap/1', name: 't', entries: [{ rgb: [0, 0, 0], label: 'bg', classKey: 'background' }, { rgb: [10, 20, 30], label: 'ra', classKey: 'right_atrium' }] }),
    );
    const map = await loadColorMap(mapFile);
    const f = path.join(d, 'm.png');
    await writeRgb(f, 3, 1, (i) => (i === 1 ? [10, 20, 30] : [0, 0, 0]));
    expect(Array.from((await readColorMask(f, map)).data)).toEqual([0, CLASS_ID.right_atrium, 0]);
    writeFileSync(mapFile, JSON.stringify({ format: 'cardioseg-colormap/1', name: 't', entries: [{ rgb: [0, 0, 0], label: 'x', classKey: 'spleen' }] }));
    await expect(loadColorMap(mapFile)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('a mask whose size differs from its image is refused, never resized', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'images'));
    mkdirSync(path.join(d, 'masks'));
    await sharp(Buffer.alloc(16), { raw: { width: 4, height: 4, channels: 1 } }).png().toFile(path.join(d, 'images', 'p1_0.png'));
    await writeRgb(path.join(d, 'masks', 'p1_0.png'), 2, 2, () => [0, 0, 0]);
    await expect(loadPngDataset(d, { colorMap: CHD_IMAGECHD_COLOR_MAP })).rejects.toMatchObject({ code: 'DATA', message: expect.stringMatching(/never resized/) });
  });

  describe.skipIf(!hasShared)('chd-imagechd (real dataset)', () => {
    it('the built-in map matches the dataset swatches and MANIFEST palette', async () => {
      const swatchDir = path.join(CHD, 'color_class_mapping');
      for (const f of readdirSync(swatchDir)) {
        const { data, info } = await sharp(path.join(swatchDir, f)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const rgb = [data[0], data[1], data[2]];
        const label = path.basename(f, '.png').toLowerCase();
        const entry = CHD_IMAGECHD_COLOR_MAP.entries.find((e) => e.label === label);
        expect(entry, label).toBeDefined();
        expect(entry?.rgb, label).toEqual(rgb);
        expect(info.channels).toBe(3);
      }
    });

    it('loads all 24 slices: 8-bit grey images, masks as product class ids, patients from names', async () => {
      const { slices, colorMap } = await loadPngDataset(CHD);
      expect(slices).toHaveLength(24);
      expect(new Set(slices.map((s) => s.patientId))).toEqual(new Set(['1001', '1002', '1003', '1004', '1005']));
      expect(colorMap.flags).toContain(AORTA_NOT_SPLIT);
      const seen = new Set<number>();
      for (const s of slices) {
        expect(s.width * s.height).toBe(s.image.length);
        expect(s.mask?.length).toBe(s.image.length);
        for (const v of s.mask ?? []) seen.add(v);
      }
      // Myocardium became background; aorta -> class 1 only; no descending aorta or vena cava ids.
      expect(seen.has(CLASS_ID.descending_aorta as number)).toBe(false);
      expect(seen.has(CLASS_ID.vena_cava as number)).toBe(false);
      for (const k of ['left_ventricle', 'right_ventricle', 'left_atrium', 'right_atrium', 'ascending_aorta', 'pulmonary_artery']) expect(seen.has(CLASS_ID[k] as number), k).toBe(true);
    });

    it('inspect reports patients, sizes and class pixel counts', async () => {
      const info = await inspectPngDataset(CHD, { maxSlices: 3 });
      expect(info.sliceCount).toBe(3);
      expect([info.width, info.height]).toEqual([512, 512]);
      const total = Object.values(info.classPixelCounts).reduce((a, b) => a + b, 0);
      expect(total).toBe(3 * 512 * 512);
    });
  });
});
