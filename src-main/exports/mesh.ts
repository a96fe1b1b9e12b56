import { AppError } from '../../src-shared/errors.js';
import { ijkToLpsMatrix } from '../../src-shared/volume/affine.js';
import type { Volume } from '../../src-shared/volume/volume.js';

/** A triangle surface in LPS millimetres; triangles wind counter-clockwise seen from outside. */
export interface Mesh {
  points: Float32Array;
  triangles: Uint32Array;
}

export interface MeshOptions {
  /** Windowed-sinc iterations; 0 keeps the raw marching-cubes surface. */
  smoothingIterations?: number;
  passBand?: number;
  /**
   * Decimation by sampling step (voxels): 1 = full resolution; 2 extracts the surface from the
   * 2x2x2 block-averaged mask (about 4x fewer triangles). Unlike edge-collapse decimation this
   * keeps the surface closed by construction and the 0.5 iso-level keeps the volume.
   */
  step?: number;
}

interface VtkPolyData {
  getPoints(): { getData(): ArrayLike<number> };
  getPolys(): { getData(): ArrayLike<number> };
}
interface VtkFilter {
  setInputData(d: unknown): void;
  getOutputData(): VtkPolyData;
}
interface VtkModules {
  imageData: { newInstance(): { setDimensions(x: number, y: number, z: number): void; setSpacing(x: number, y: number, z: number): void; setOrigin(x: number, y: number, z: number): void; getPointData(): { setScalars(a: unknown): void } } };
  dataArray: { newInstance(o: { numberOfComponents: number; values: Uint8Array | Float32Array }): unknown };
  marchingCubes: { newInstance(o: Record<string, unknown>): VtkFilter };
  sinc: { newInstance(o: Record<string, unknown>): VtkFilter };
}

let vtk: Promise<VtkModules> | null = null;
/**
 * vtk.js's filters ship without type declarations; the specifiers are variables so the compiler
 * takes the shapes declared above instead of resolving untyped modules.
 */
function loadVtk(): Promise<VtkModules> {
  const load = async (spec: string): Promise<unknown> => ((await import(spec)) as { default: unknown }).default;
  vtk ??= (async () => ({
    imageData: (await load('@kitware/vtk.js/Common/DataModel/ImageData.js')) as VtkModules['imageData'],
    dataArray: (await load('@kitware/vtk.js/Common/Core/DataArray.js')) as VtkModules['dataArray'],
    marchingCubes: (await load('@kitware/vtk.js/Filters/General/ImageMarchingCubes.js')) as VtkModules['marchingCubes'],
    sinc: (await load('@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter.js')) as VtkModules['sinc'],
  }))();
  return vtk;
}

/** vtk.js's marching cubes calls console.time on stdout, which would corrupt `--json` output. */
function quietly<T>(fn: () => T): T {
  const { time, timeEnd } = console;
  console.time = () => undefined;
  console.timeEnd = () => undefined;
  try {
    return fn();
  } finally {
    console.time = time;
    console.timeEnd = timeEnd;
  }
}

/** Voxel bounding box of a class, or null when absent. */
export function classBounds(labels: Volume<Uint8Array>, classId: number): { min: [number, number, number]; max: [number, number, number]; count: number } | null {
  const [nx, ny, nz] = labels.dims;
  const min: [number, number, number] = [nx, ny, nz];
  const max: [number, number, number] = [-1, -1, -1];
  let count = 0;
  const d = labels.data;
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        if (d[p] !== classId) continue;
        count++;
        if (i < min[0]) min[0] = i;
        if (i > max[0]) max[0] = i;
        if (j < min[1]) min[1] = j;
        if (j > max[1]) max[1] = j;
        if (k < min[2]) min[2] = k;
        if (k > max[2]) max[2] = k;
      }
  return count ? { min, max, count } : null;
}

/**
 * Surface of one class: marching cubes at 0.5 on the binary mask, padded by one voxel of
 * background on every side so structures touching the volume border still close.
 */
export async function classMesh(labels: Volume<Uint8Array>, classId: number, opts: MeshOptions = {}): Promise<Mesh | null> {
  const b = classBounds(labels, classId);
  if (!b) return null;
  const m = await loadVtk();
  const [nx, ny] = labels.dims;
  const step = Math.max(1, Math.round(opts.step ?? 1));
  // Sample m (m >= 1) covers voxels min + (m-1)*step .. +step-1; sample 0 and the last are padding.
  const dims = [0, 1, 2].map((a) => Math.ceil((b.max[a]! - b.min[a]! + 1) / step) + 2) as [number, number, number];
  const mask = step === 1 ? new Uint8Array(dims[0] * dims[1] * dims[2]) : new Float32Array(dims[0] * dims[1] * dims[2]);
  const w = 1 / step ** 3;
  for (let k = b.min[2]; k <= b.max[2]; k++)
    for (let j = b.min[1]; j <= b.max[1]; j++) {
      const src = nx * (j + ny * k);
      const row = dims[0] * (1 + Math.floor((j - b.min[1]) / step) + dims[1] * (1 + Math.floor((k - b.min[2]) / step)));
      for (let i = b.min[0]; i <= b.max[0]; i++) if (labels.data[src + i] === classId) mask[row + 1 + Math.floor((i - b.min[0]) / step)]! += step === 1 ? 1 : w;
    }
  // Sample index x -> voxel index: min + (x-1)*step + (step-1)/2 (the centre of its block).
  const lo = b.min.map((v) => v - step + (step - 1) / 2) as [number, number, number];
  const img = m.imageData.newInstance();
  img.setDimensions(dims[0], dims[1], dims[2]);
  img.setSpacing(1, 1, 1);
  img.setOrigin(0, 0, 0);
  img.getPointData().setScalars(m.dataArray.newInstance({ numberOfComponents: 1, values: mask }));
  let poly = quietly(() => {
    const mc = m.marchingCubes.newInstance({ contourValue: 0.5, computeNormals: false, mergePoints: true });
    mc.setInputData(img);
    return mc.getOutputData();
  });
  const iterations = opts.smoothingIterations ?? 15;
  if (iterations > 0) {
    const sinc = m.sinc.newInstance({
      numberOfIterations: iterations,
      passBand: opts.passBand ?? 0.1,
      normalizeCoordinates: true,
      featureEdgeSmoothing: false,
      boundarySmoothing: false,
      nonManifoldSmoothing: false,
    });
    sinc.setInputData(poly);
    poly = sinc.getOutputData();
  }
  const src = poly.getPoints().getData();
  const cells = poly.getPolys().getData();
  // Index space (offset by the crop) -> LPS mm through the volume's affine.
  const a = ijkToLpsMatrix(labels);
  const points = new Float32Array(src.length);
  for (let p = 0; p < src.length; p += 3) {
    const x = src[p]! * step + lo[0];
    const y = src[p + 1]! * step + lo[1];
    const z = src[p + 2]! * step + lo[2];
    points[p] = a[0]! * x + a[1]! * y + a[2]! * z + a[3]!;
    points[p + 1] = a[4]! * x + a[5]! * y + a[6]! * z + a[7]!;
    points[p + 2] = a[8]! * x + a[9]! * y + a[10]! * z + a[11]!;
  }
  const tris: number[] = [];
  for (let c = 0; c < cells.length; ) {
    const n = cells[c]!;
    if (n !== 3) throw new AppError('INTERNAL', `marching cubes produced a ${n}-gon`);
    tris.push(cells[c + 1]!, cells[c + 2]!, cells[c + 3]!);
    c += n + 1;
  }
  const triangles = new Uint32Array(tris);
  // A mirroring affine (negative determinant) turns the surface inside out: restore the winding.
  const det = a[0]! * (a[5]! * a[10]! - a[6]! * a[9]!) - a[1]! * (a[4]! * a[10]! - a[6]! * a[8]!) + a[2]! * (a[4]! * a[9]! - a[5]! * a[8]!);
  if (det < 0) for (let t = 0; t < triangles.length; t += 3) [triangles[t + 1], triangles[t + 2]] = [triangles[t + 2]!, triangles[t + 1]!];
  const mesh = { points, triangles };
  // A coarse (step > 1) surface of a convex shape shrinks with curvature; an offset along the
  // vertex normals by ΔV / area restores the voxel volume (first order, so twice).
  if (step > 1) for (let it = 0; it < 2; it++) inflateTo(mesh, b.count * Math.abs(det));
  return mesh;
}

function inflateTo(mesh: Mesh, targetMm3: number): void {
  const p = mesh.points;
  const t = mesh.triangles;
  const normals = new Float64Array(p.length);
  let area = 0;
  for (let f = 0; f < t.length; f += 3) {
    const a = 3 * t[f]!;
    const b = 3 * t[f + 1]!;
    const c = 3 * t[f + 2]!;
    const ux = p[b]! - p[a]!, uy = p[b + 1]! - p[a + 1]!, uz = p[b + 2]! - p[a + 2]!;
    const vx = p[c]! - p[a]!, vy = p[c + 1]! - p[a + 1]!, vz = p[c + 2]! - p[a + 2]!;
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    area += Math.hypot(nx, ny, nz) / 2;
    for (const v of [a, b, c]) {
      normals[v]! += nx;
      normals[v + 1]! += ny;
      normals[v + 2]! += nz;
    }
  }
  if (area <= 0) return;
  const delta = (targetMm3 - meshVolume(mesh)) / area;
  for (let v = 0; v < p.length; v += 3) {
    const len = Math.hypot(normals[v]!, normals[v + 1]!, normals[v + 2]!) || 1;
    p[v] = p[v]! + (delta * normals[v]!) / len;
    p[v + 1] = p[v + 1]! + (delta * normals[v + 1]!) / len;
    p[v + 2] = p[v + 2]! + (delta * normals[v + 2]!) / len;
  }
}

/** Enclosed volume in mm³ (divergence theorem; positive for outward winding). */
export function meshVolume(mesh: Mesh): number {
  const p = mesh.points;
  const t = mesh.triangles;
  let v = 0;
  for (let i = 0; i < t.length; i += 3) {
    const a = 3 * t[i]!;
    const b = 3 * t[i + 1]!;
    const c = 3 * t[i + 2]!;
    v += p[a]! * (p[b + 1]! * p[c + 2]! - p[b + 2]! * p[c + 1]!) - p[a + 1]! * (p[b]! * p[c + 2]! - p[b + 2]! * p[c]!) + p[a + 2]! * (p[b]! * p[c + 1]! - p[b + 1]! * p[c]!);
  }
  return v / 6;
}
