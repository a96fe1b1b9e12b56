import sharp from 'sharp';
import { CLASSES } from '../../src-shared/classes.js';
import { add, applyMat4, ijkToLpsMatrix, invertMat4, scale } from '../../src-shared/volume/affine.js';
import type { Vec3, Volume } from '../../src-shared/volume/volume.js';

/**
 * Report pictures: CT in a window with the product colours blended over it. Planes are voxel
 * planes through a point (axial = k, coronal = j, sagittal = i) or an oblique plane (the mitral
 * plane), drawn at true physical aspect ratio, superior/anterior up as radiologists expect.
 */
export type PlaneName = 'axial' | 'coronal' | 'sagittal';

export interface Window {
  center: number;
  width: number;
}
export const CARDIAC_WINDOW: Window = { center: 200, width: 800 };
const ALPHA = 0.45;
const MAX_SIDE = 512;

function shade(ct: number | null, label: number, w: Window, out: Uint8Array, o: number): void {
  const g = ct === null ? 0 : Math.max(0, Math.min(255, ((ct - (w.center - w.width / 2)) / w.width) * 255));
  const cls = label ? CLASSES[label] : undefined;
  if (cls) {
    out[o] = g * (1 - ALPHA) + cls.rgb[0] * ALPHA;
    out[o + 1] = g * (1 - ALPHA) + cls.rgb[1] * ALPHA;
    out[o + 2] = g * (1 - ALPHA) + cls.rgb[2] * ALPHA;
  } else out[o] = out[o + 1] = out[o + 2] = g;
}

async function toPng(rgb: Uint8Array, w: number, h: number, widthMm: number, heightMm: number): Promise<Buffer> {
  const s = MAX_SIDE / Math.max(widthMm, heightMm);
  return sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .resize(Math.max(1, Math.round(widthMm * s)), Math.max(1, Math.round(heightMm * s)), { fit: 'fill', kernel: 'nearest' })
    .png()
    .toBuffer();
}

/** A voxel-plane slice through `ijk`; `labels` and `ct` share one grid. */
export async function renderPlane(labels: Volume<Uint8Array>, ct: Volume | null, plane: PlaneName, ijk: Vec3, w: Window = CARDIAC_WINDOW): Promise<Buffer> {
  const [nx, ny, nz] = labels.dims;
  const [sx, sy, sz] = labels.spacingMm;
  const fixed = Math.round(ijk[plane === 'axial' ? 2 : plane === 'coronal' ? 1 : 0]);
  // Horizontal axis and vertical axis (as voxel axes), vertical flipped so superior is up.
  const hAxis = plane === 'sagittal' ? 1 : 0;
  const vAxis = plane === 'axial' ? 1 : 2;
  const dims = [nx, ny, nz];
  const spacing = [sx, sy, sz];
  const W = dims[hAxis]!;
  const H = dims[vAxis]!;
  // Screen right = patient left (axial, coronal) or posterior (sagittal); screen down =
  // posterior (axial) or inferior: flip a voxel axis that points the other way.
  const hWant = plane === 'sagittal' ? 1 : 0;
  const vWant = plane === 'axial' ? 1 : 2;
  const flipH = (labels.direction[hAxis * 3 + hWant] as number) < 0;
  const flipV = plane === 'axial' ? (labels.direction[vAxis * 3 + vWant] as number) < 0 : (labels.direction[vAxis * 3 + vWant] as number) > 0;
  const rgb = new Uint8Array(W * H * 3);
  const idx = [0, 0, 0];
  idx[plane === 'axial' ? 2 : plane === 'coronal' ? 1 : 0] = Math.max(0, Math.min(dims[plane === 'axial' ? 2 : plane === 'coronal' ? 1 : 0]! - 1, fixed));
  for (let y = 0; y < H; y++) {
    idx[vAxis] = flipV ? H - 1 - y : y;
    for (let x = 0; x < W; x++) {
      idx[hAxis] = flipH ? W - 1 - x : x;
      const p = idx[0]! + nx * (idx[1]! + ny * idx[2]!);
      shade(ct ? (ct.data[p] as number) : null, labels.data[p]!, w, rgb, 3 * (x + W * y));
    }
  }
  return toPng(rgb, W, H, W * spacing[hAxis]!, H * spacing[vAxis]!);
}

/**
 * An oblique plane through `center` spanned by unit vectors u (right) and v (down), sizeMm square;
 * `outline` (e.g. the mitral annulus contour, LPS) is projected onto it and drawn in magenta.
 */
export async function renderOblique(
  labels: Volume<Uint8Array>,
  ct: Volume | null,
  center: Vec3,
  u: Vec3,
  v: Vec3,
  sizeMm: number,
  outline: Vec3[] = [],
  w: Window = CARDIAC_WINDOW,
): Promise<Buffer> {
  const pitch = Math.min(...labels.spacingMm);
  const n = Math.max(2, Math.min(1024, Math.round(sizeMm / pitch)));
  const toIjk = invertMat4(ijkToLpsMatrix(labels));
  const [nx, ny, nz] = labels.dims;
  const rgb = new Uint8Array(n * n * 3);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const lps = add(center, add(scale(u, (x - n / 2) * pitch), scale(v, (y - n / 2) * pitch)));
      const [fi, fj, fk] = applyMat4(toIjk, lps);
      const i = Math.round(fi);
      const j = Math.round(fj);
      const k = Math.round(fk);
      const o = 3 * (x + n * y);
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
      const p = i + nx * (j + ny * k);
      shade(ct ? (ct.data[p] as number) : null, labels.data[p]!, w, rgb, o);
    }
  const toPixel = (q: Vec3): [number, number] => {
    const d = [q[0] - center[0], q[1] - center[1], q[2] - center[2]] as Vec3;
    return [(d[0] * u[0] + d[1] * u[1] + d[2] * u[2]) / pitch + n / 2, (d[0] * v[0] + d[1] * v[1] + d[2] * v[2]) / pitch + n / 2];
  };
  for (let s = 0; s < outline.length; s++) {
    const [x0, y0] = toPixel(outline[s]!);
    const [x1, y1] = toPixel(outline[(s + 1) % outline.length]!);
    const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2) + 1;
    for (let t = 0; t <= steps; t++) {
      const x = Math.round(x0 + ((x1 - x0) * t) / steps);
      const y = Math.round(y0 + ((y1 - y0) * t) / steps);
      if (x < 0 || y < 0 || x >= n || y >= n) continue;
      rgb.set([255, 0, 255], 3 * (x + n * y));
    }
  }
  return toPng(rgb, n, n, n * pitch, n * pitch);
}
