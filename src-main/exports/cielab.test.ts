import { describe, expect, it } from 'vitest';
import { labToDicom, srgbToDicomLab, srgbToLab } from './cielab.js';

describe('sRGB -> CIELab -> DICOM', () => {
  it('matches published CIELab values (D65)', () => {
    const white = srgbToLab([255, 255, 255]);
    expect(white[0]).toBeCloseTo(100, 2);
    expect(Math.abs(white[1])).toBeLessThan(0.01);
    expect(Math.abs(white[2])).toBeLessThan(0.01);
    // Reference values for pure sRGB red/blue (Bruce Lindbloom's calculator, D65).
    const red = srgbToLab([255, 0, 0]);
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
    const blue = srgbToLab([0, 0, 255]);
    expect(blue[0]).toBeCloseTo(32.3, 1);
    expect(blue[2]).toBeCloseTo(-107.86, 1);
  });
  it('scales to 0..65535', () => {
    expect(labToDicom([0, -128, -128])).toEqual([0, 0, 0]);
    expect(labToDicom([100, 127, 127])).toEqual([65535, 65535, 65535]);
    expect(srgbToDicomLab([0, 0, 0])).toEqual([0, 32896, 32896]);
  });
});
