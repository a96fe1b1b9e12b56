import { describe, expect, it } from 'vitest';
import { dataPath, hasShared } from '../../../tests/helpers/paths.js';
import { defaultPlans, mergeMatrix } from '../plans.js';
import { preprocessLabel, preprocessSlice } from '../preprocess.js';
import { splitByPatient } from './cases.js';
import { loadPngFolder } from './png-folder.js';

describe.skipIf(!hasShared)('PNG slice + colour-mask dataset (ImageCHD sample)', () => {
  it('maps the palette to product classes, labels partially, and splits by patient', async () => {
    const ds = await loadPngFolder(dataPath('png', 'chd-imagechd'), undefined, 0);
    expect(ds.cases.map((c) => c.patientId).sort()).toEqual(['1001', '1002', '1003', '1004', '1005']);
    expect(ds.plan.source).toBe('png');
    expect(ds.plan.labeledClasses).toEqual([0, 1, 2, 3, 4, 5, 7]); // no vena cava, one aorta
    expect(ds.plan.mergedInto).toEqual({ '6': 1 });
    expect(ds.plan.codeMap['#00ffff']).toBe(1);
    expect(ds.plan.codeMap['#ff00ff']).toBe(0); // myocardium is not a product structure
    const plans = defaultPlans({ inputSize: [128, 128], datasets: [ds.plan] });
    expect(mergeMatrix(plans, ds.plan)[8 * 9 + 0]).toBe(1);
    const c = ds.cases[0]!;
    const z = c.zs[0]!;
    const y = preprocessLabel(c.label(z)!, c.image.width, c.image.height, plans);
    expect(new Set(y).size).toBeGreaterThan(2);
    const x = preprocessSlice(c.image, z, plans);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    const { train, val } = splitByPatient(ds.cases, 0.2, 1);
    expect(val.length).toBe(1);
    expect(train.length).toBe(4);
  });
});
