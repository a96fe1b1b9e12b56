import { CLASS_ID } from '../../src-shared/classes.js';
import { cross, normalize, scale, add, dot } from '../../src-shared/volume/affine.js';
import type { Vec3 } from '../../src-shared/volume/volume.js';
import type { Rng } from './prng.js';
import { catmullRom, ellipsoid, profiled, smoothstep, tube, type Frame, type Shape } from './shapes.js';

/** Tissue codes of the intensity model (HU per code is seeded in intensity.ts). */
export const TISSUE = { AIR: 0, FAT: 1, MUSCLE: 2, LUNG: 3, BONE: 4, CSF: 5, MYO: 6, BLOOD_L: 7, BLOOD_R: 8, BLOOD_V: 9, WALL: 10 } as const;
export const TISSUE_COUNT = 11;

export interface PaintOp {
  name: string;
  shapes: Shape[];
  tissue: number;
  label: number;
  /** Paint only voxels whose current tissue is this code. */
  onlyOn?: number;
}

export interface Annulus {
  /** In the heart's local frame (origin = annulus centre). */
  normal: Vec3;
  major: Vec3;
  minor: Vec3;
  semiMajorMm: number;
  semiMinorMm: number;
}

export interface HeartAnatomy {
  annulus: Annulus;
  /** Back-to-front: later ops overwrite earlier ones. */
  ops: PaintOp[];
  scale: number;
}

/** Length (mm) of the LV's exact-annulus neck: longer than a coarse voxel so no wider LV section reaches the LA. */
const LV_NECK = 5;

/** Keep only the half-space s = q.n < 0 (the atrial side of the annulus plane). */
function atrialSide(s: Shape, n: Vec3): Shape {
  return { min: s.min, max: s.max, inside: (x, y, z) => n[0] * x + n[1] * y + n[2] * z < 0 && s.inside(x, y, z) };
}

function perpTo(v: Vec3, n: Vec3): Vec3 {
  return normalize(add(v, scale(n, -dot(v, n))));
}

function rotateInPlane(a: Vec3, b: Vec3, angle: number): [Vec3, Vec3] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [normalize(add(scale(a, c), scale(b, s))), normalize(add(scale(a, -s), scale(b, c)))];
}

/**
 * The heart in its local frame: millimetres, axes parallel to LPS before the seeded rotation,
 * origin at the mitral annulus centre. The LV long axis points left-anterior-inferior.
 *
 * The mitral annulus is exact by construction: the LV is exactly the annulus ellipse for
 * 0 <= s <= 5 mm and the LA contains that ellipse for -8 <= s < 0, where s is the signed distance
 * along the annulus normal; nothing is painted after the LA and LV except the LV wall (s >= 0).
 * So the LA/LV contact surface is the elliptical disc, and nothing else touches both.
 */
export function buildHeart(rng: Rng): HeartAnatomy {
  const k = rng.uniform(0.92, 1.08);
  const n = normalize([0.5 + rng.uniform(-0.08, 0.08), -0.5 + rng.uniform(-0.08, 0.08), -0.7 + rng.uniform(-0.08, 0.08)]);
  const u0 = normalize(cross(n, [0, 1, 0]));
  const [major] = rotateInPlane(u0, cross(n, u0), rng.uniform(-0.35, 0.35));
  const minor = normalize(cross(n, major));
  const A = rng.uniform(14, 17);
  const B = A * rng.uniform(0.72, 0.86);
  const annulusFrame: Frame = { centre: [0, 0, 0], axes: [major, minor, n] };

  // Left ventricle: exact annulus neck, widening to gMax at s = h, tapering to the apex.
  const h = 24 * k;
  const apex = rng.uniform(70, 82) * k;
  const gMax = rng.uniform(1.35, 1.55) * k;
  const lvG = (apexS: number) => (s: number) =>
    s <= LV_NECK ? 1 : s <= h ? 1 + (gMax - 1) * smoothstep(LV_NECK, h, s) : gMax * Math.sqrt(Math.max(0, 1 - ((s - h) / (apexS - h)) ** 2));
  const lvWall = rng.uniform(8, 11);
  const lv = profiled(annulusFrame, A, B, 0, apex, lvG(apex));
  const lvOuter = profiled(annulusFrame, A + lvWall, B + lvWall, 0, apex + lvWall, lvG(apex + lvWall));

  // Left atrium: the annulus neck plus a posterior-superior ellipsoid, all on the atrial side.
  const dLA = normalize(add(scale(n, -1), [0, 0.6, 0]));
  const laCentre = scale(dLA, 24 * k);
  const laR: Vec3 = [rng.uniform(22, 26) * k, rng.uniform(17, 21) * k, rng.uniform(19, 23) * k];
  const laFrame: Frame = { centre: laCentre, axes: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
  const laNeck = profiled(annulusFrame, A, B, -8, -1e-9, () => 1);
  const veins = [
    [32, 32, 24],
    [30, 34, 0],
    [-38, 32, 22],
    [-36, 34, -2],
  ].flatMap((end) => tube([laCentre, add(laCentre, scale(end as Vec3, 0.5)), scale(end as Vec3, k)], () => 6 * k));
  const la = [laNeck, ...[ellipsoid(laFrame, laR), ...veins].map((s) => atrialSide(s, n))];
  const laWall = [ellipsoid(laFrame, add(laR, [3, 3, 3]))].map((s) => atrialSide(s, n));

  // Right ventricle: anterior-right of the LV; the LV wall painted later carves the septum.
  const dRV = perpTo([-1, -1, 0.4], n);
  const rvFrame: Frame = { centre: add(scale(n, 30 * k), scale(dRV, 26 * k)), axes: [n, dRV, cross(n, dRV)] };
  const rvR: Vec3 = [rng.uniform(38, 44) * k, rng.uniform(18, 22) * k, rng.uniform(30, 36) * k];
  const rv = ellipsoid(rvFrame, rvR);
  const rvWall = ellipsoid(rvFrame, add(rvR, [4, 4, 4]));

  // Right atrium: right of the LA, above the IVC.
  const raFrame: Frame = { centre: scale([-40, 2 + rng.uniform(-3, 3), 2], k), axes: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
  const raR: Vec3 = [rng.uniform(20, 24) * k, rng.uniform(18, 22) * k, rng.uniform(24, 28) * k];
  const ra = ellipsoid(raFrame, raR);
  const raWall = ellipsoid(raFrame, add(raR, [3, 3, 3]));

  // Venae cavae (one class): SVC from above, IVC from below, both into the RA.
  const rSvc = rng.uniform(8.5, 9.5) * k;
  const svc = tube([scale([-44, 0, 18], k), [-46 * k, 4 * k, 200]], () => rSvc);
  const ivc = tube([scale([-36, 10, -12], k), [-28 * k, 18 * k, -200]], () => 11 * k);

  // Aorta: from inside the LV (outflow) up, arching back and left, down beside the spine.
  const dAo = perpTo([-1, -1, 0.2], n);
  const aoPts: Vec3[] = [add(scale(n, 8), scale(dAo, 0.6 * B)), ...([[-12, -15, 14], [-18, -18, 38], [-8, -5, 52], [10, 20, 52]] as Vec3[]).map((p) => scale(p, k))];
  const descPts: Vec3[] = [aoPts[aoPts.length - 1], ...([[20, 40, 36], [22, 48, 0]] as Vec3[]).map((p) => scale(p, k)), [22 * k, 50 * k, -200]];
  const rAsc = rng.uniform(12.5, 14.5) * k;
  const rDesc = rng.uniform(10, 12) * k;
  const ascPath = catmullRom(aoPts, 6);
  const descPath = catmullRom(descPts, 6);
  const asc = tube(ascPath, (t) => rAsc - 1.5 * t);
  const desc = tube(descPath, () => rDesc);

  // Pulmonary artery: from the RV outflow, anterior-left of the aorta, then branching.
  const rPa = rng.uniform(11, 13) * k;
  const paTrunk = catmullRom(([[-2, -40, 0], [4, -42, 22], [12, -30, 40], [10, -12, 46]] as Vec3[]).map((p) => scale(p, k)), 6);
  const bif = paTrunk[paTrunk.length - 1];
  const lpa = catmullRom([bif, scale([30, 0, 48], k), scale([48, 14, 44], k)], 5);
  const rpa = catmullRom([bif, scale([-10, 2, 45], k), scale([-34, 12, 40], k)], 5);
  const pa = [...tube(paTrunk, () => rPa), ...tube(lpa, () => 0.7 * rPa), ...tube(rpa, () => 0.7 * rPa)];
  const paWall = [...tube(paTrunk, () => rPa, 2), ...tube(lpa, () => 0.7 * rPa, 1.5), ...tube(rpa, () => 0.7 * rPa, 1.5)];

  // Pericardial / mediastinal fat around the heart (only where the lung would be).
  const envelope = ellipsoid({ centre: scale([-8, -8, -2], k), axes: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] }, scale([68, 55, 62], k));

  const L = CLASS_ID;
  const ops: PaintOp[] = [
    { name: 'pericardial fat', shapes: [envelope], tissue: TISSUE.FAT, label: 0, onlyOn: TISSUE.LUNG },
    { name: 'vena cava wall', shapes: [...tube([scale([-44, 0, 18], k), [-46 * k, 4 * k, 200]], () => rSvc + 1.5), ...tube([scale([-36, 10, -12], k), [-28 * k, 18 * k, -200]], () => 13 * k)], tissue: TISSUE.WALL, label: 0 },
    { name: 'vena cava', shapes: [...svc, ...ivc], tissue: TISSUE.BLOOD_V, label: L.vena_cava },
    { name: 'pulmonary artery wall', shapes: paWall, tissue: TISSUE.WALL, label: 0 },
    { name: 'pulmonary artery', shapes: pa, tissue: TISSUE.BLOOD_R, label: L.pulmonary_artery },
    { name: 'right atrium wall', shapes: [raWall], tissue: TISSUE.MYO, label: 0 },
    { name: 'right atrium', shapes: [ra], tissue: TISSUE.BLOOD_R, label: L.right_atrium },
    { name: 'right ventricle wall', shapes: [rvWall], tissue: TISSUE.MYO, label: 0 },
    { name: 'right ventricle', shapes: [rv], tissue: TISSUE.BLOOD_R, label: L.right_ventricle },
    { name: 'descending aorta wall', shapes: tube(descPath, () => rDesc + 2), tissue: TISSUE.WALL, label: 0 },
    { name: 'descending aorta', shapes: desc, tissue: TISSUE.BLOOD_L, label: L.descending_aorta },
    { name: 'ascending aorta wall', shapes: tube(ascPath, (t) => rAsc - 1.5 * t + 2), tissue: TISSUE.WALL, label: 0 },
    { name: 'ascending aorta', shapes: asc, tissue: TISSUE.BLOOD_L, label: L.ascending_aorta },
    { name: 'left atrium wall', shapes: laWall, tissue: TISSUE.MYO, label: 0 },
    { name: 'left atrium', shapes: la, tissue: TISSUE.BLOOD_L, label: L.left_atrium },
    { name: 'left ventricle wall', shapes: [lvOuter], tissue: TISSUE.MYO, label: 0 },
    { name: 'left ventricle', shapes: [lv], tissue: TISSUE.BLOOD_L, label: L.left_ventricle },
  ];
  return { annulus: { normal: n, major, minor, semiMajorMm: A, semiMinorMm: B }, ops, scale: k };
}
