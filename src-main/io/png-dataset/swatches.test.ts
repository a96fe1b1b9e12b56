import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPath, hasShared } from '../../../tests/helpers/paths.js';
import { AORTA_NOT_SPLIT, CHD_IMAGECHD_COLOR_MAP, NO_VENA_CAVA, colorLookup, colorMapFromSwatches } from './index.js';

describe.skipIf(!hasShared)('colour maps from color_class_mapping swatches', () => {
  it('derives the same colour -> class map as the built-in ImageCHD map, with its flags', async () => {
    const derived = await colorMapFromSwatches(path.join(dataPath('png', 'chd-imagechd'), 'color_class_mapping'), 'chd-imagechd');
    expect(new Map([...colorLookup(derived)].sort())).toEqual(new Map([...colorLookup(CHD_IMAGECHD_COLOR_MAP)].sort()));
    expect(derived.flags).toEqual(expect.arrayContaining([AORTA_NOT_SPLIT, NO_VENA_CAVA]));
  });
});
