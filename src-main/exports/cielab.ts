/**
 * DICOM stores recommended display colours as CIELab (D65), each component scaled to 0..65535
 * (PS3.3 C.10.7.1.1): L* 0..100 and a*, b* -128..127 mapped linearly.
 */
const D65 = [0.95047, 1.0, 1.08883] as const;

function srgbToLinear(c8: number): number {
  const c = c8 / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function srgbToLab(rgb: readonly [number, number, number]): [number, number, number] {
  const [r, g, b] = rgb.map(srgbToLinear) as [number, number, number];
  const xyz = [
    0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
    0.2126729 * r + 0.7151522 * g + 0.072175 * b,
    0.0193339 * r + 0.119192 * g + 0.9503041 * b,
  ];
  const f = (t: number): number => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);
  const [fx, fy, fz] = xyz.map((v, i) => f(v / D65[i])) as [number, number, number];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

export function labToDicom(lab: readonly [number, number, number]): [number, number, number] {
  const clamp = (v: number): number => Math.max(0, Math.min(65535, Math.round(v)));
  return [clamp((lab[0] * 65535) / 100), clamp(((lab[1] + 128) * 65535) / 255), clamp(((lab[2] + 128) * 65535) / 255)];
}

export const srgbToDicomLab = (rgb: readonly [number, number, number]): [number, number, number] => labToDicom(srgbToLab(rgb));
