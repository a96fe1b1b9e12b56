import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.js';
import { parseDatasetArg } from './train.js';

describe('cardioseg train --data parsing', () => {
  it('understands synthetic sets, NIfTI and DICOM pairs, and rejects the rest', () => {
    expect(parseDatasetArg('synthetic:patients=4,size=32,slices=6')).toEqual({ kind: 'synthetic', patients: 4, size: 32, slices: 6, seed: 1 });
    expect(parseDatasetArg('/d/ct.nii.gz=/d/lab.nii.gz')).toEqual({ kind: 'nifti', pairs: [{ image: '/d/ct.nii.gz', label: '/d/lab.nii.gz' }] });
    expect(parseDatasetArg('/d/series=/d/lab.nii')).toEqual({ kind: 'dicom', pairs: [{ series: '/d/series', label: '/d/lab.nii' }] });
    expect(() => parseDatasetArg('/no/such/folder')).toThrow(UsageError);
  });
});
