import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src-shared/errors.js';
import { dataPath, hasShared } from '../../tests/helpers/paths.js';
import { scanDicom } from './import.js';
import { seriesThumbnail } from './thumbnail.js';

const PHILIPS = dataPath('dicom', 'dcm_qa_ct', 'In', 'Philips');

/** Decoded grey statistics of a PNG: mean and standard deviation of the first channel. */
async function stats(png: Uint8Array): Promise<{ w: number; h: number; mean: number; sd: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const vals: number[] = [];
  for (let i = 0; i < data.length; i += info.channels) vals.push(data[i] as number);
  const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
  const sd = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length);
  return { w: info.width, h: info.height, mean, sd };
}

describe.skipIf(!hasShared)('series thumbnails (Philips dcm_qa_ct)', () => {
  it('draws the middle slice of the 28-slice CT and of a localizer as non-blank PNGs', async () => {
    const { result } = await scanDicom(PHILIPS);
    const main = result.series.find((s) => s.id === result.mainId);
    expect(main?.sliceCount).toBe(28);
    const t = await seriesThumbnail(PHILIPS, main!.id);
    expect(t.sliceIndex).toBe(14);
    expect([t.width, t.height]).toEqual([96, 96]);
    const s = await stats(t.png);
    expect([s.w, s.h]).toEqual([96, 96]);
    // A head CT in a soft-tissue window: dark air around, bright skull; not a flat image.
    expect(s.sd).toBeGreaterThan(30);
    expect(s.mean).toBeGreaterThan(10);
    expect(s.mean).toBeLessThan(245);

    const loc = result.series.find((x) => x.kind === 'localizer');
    expect(loc).toBeDefined();
    const lt = await seriesThumbnail(PHILIPS, loc!.id, { size: 48 });
    expect(Math.max(lt.width, lt.height)).toBe(48);
    const ls = await stats(lt.png);
    expect(ls.sd).toBeGreaterThan(15);
  });

  it('names a series that is not in the folder', async () => {
    const err = await seriesThumbnail(PHILIPS, '1.2.3.nope').catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('NOT_FOUND');
  });
});
