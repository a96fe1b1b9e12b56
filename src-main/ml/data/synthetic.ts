/**
 * Synthetic cardiac-like CT volumes for tests and demos: contrast-filled ellipsoid "chambers"
 * and tube "vessels" at CT-like HU inside a soft-tissue body, with noise. Deterministic per seed.
 */
import type { Vec3 } from '../../../src-shared/volume/volume.js';
import { mulberry32 } from '../../../src-shared/random.js';

export interface SyntheticOptions {
  size: number;
  slices: number;
  seed: number;
  /** Class ids to draw (subset of 1, 2, 3, 5 chambers and 6, 7 tubes); default [1, 2, 3, 5]. */
  classes?: number[];
  noiseHu?: number;
}

export interface SyntheticCase {
  dims: Vec3;
  image: Int16Array;
  label: Uint8Array;
}

export { mulberry32 } from '../../../src-shared/random.js';

interface Shape {
  id: number;
  hu: number;
  inside(x: number, y: number, z: number): boolean;
}

/** Positions are fractions of the volume; each class has its own place, size and brightness. */
const LAYOUT: Record<number, { c: [number, number, number]; r: [number, number, number]; hu: number; tube?: boolean }> = {
  3: { c: [0.62, 0.6, 0.45], r: [0.17, 0.13, 0.35], hu: 420 }, // left ventricle
  5: { c: [0.36, 0.64, 0.45], r: [0.13, 0.11, 0.3], hu: 300 }, // right ventricle
  2: { c: [0.58, 0.3, 0.6], r: [0.12, 0.09, 0.3], hu: 360 }, // left atrium
  4: { c: [0.3, 0.36, 0.6], r: [0.1, 0.09, 0.3], hu: 260 }, // right atrium
  1: { c: [0.47, 0.42, 0], r: [0.07, 0.07, 1], hu: 480, tube: true }, // ascending aorta
  6: { c: [0.66, 0.16, 0], r: [0.06, 0.06, 1], hu: 460, tube: true }, // descending aorta
  7: { c: [0.4, 0.18, 0], r: [0.05, 0.05, 1], hu: 330, tube: true }, // pulmonary artery
};

export function syntheticCase(o: SyntheticOptions): SyntheticCase {
  const rnd = mulberry32(o.seed);
  const n = o.size, d = o.slices;
  const jitter = (v: number, amt: number) => v * (1 + (rnd() * 2 - 1) * amt);
  const shapes: Shape[] = (o.classes ?? [1, 2, 3, 5]).map((id) => {
    const l = LAYOUT[id];
    if (!l) throw new Error(`no synthetic layout for class ${id}`);
    const c = [jitter(l.c[0], 0.06) * n, jitter(l.c[1], 0.06) * n, l.c[2] * d];
    const r = [jitter(l.r[0], 0.15) * n, jitter(l.r[1], 0.15) * n, l.r[2] * d];
    const hu = l.hu + (rnd() * 2 - 1) * 30;
    const inside = l.tube
      ? (x: number, y: number) => ((x - c[0]!) / r[0]!) ** 2 + ((y - c[1]!) / r[1]!) ** 2 <= 1
      : (x: number, y: number, z: number) => ((x - c[0]!) / r[0]!) ** 2 + ((y - c[1]!) / r[1]!) ** 2 + ((z - c[2]!) / r[2]!) ** 2 <= 1;
    return { id, hu, inside };
  });
  const image = new Int16Array(n * n * d);
  const label = new Uint8Array(n * n * d);
  const noise = o.noiseHu ?? 25;
  const bodyR = 0.46 * n;
  for (let z = 0; z < d; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const i = x + n * (y + n * z);
        const inBody = (x - n / 2) ** 2 + (y - n / 2) ** 2 <= bodyR * bodyR;
        let hu = inBody ? 40 : -1000;
        for (const s of shapes) {
          if (s.inside(x + 0.5, y + 0.5, z + 0.5)) {
            hu = s.hu;
            label[i] = s.id;
          }
        }
        // Box-Muller noise keeps intensities CT-like rather than piecewise constant.
        const g = Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
        image[i] = Math.round(hu + g * noise);
      }
    }
  }
  return { dims: [n, n, d], image, label };
}
