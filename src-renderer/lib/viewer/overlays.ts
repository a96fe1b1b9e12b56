import type { Vec3 } from '../../../src-shared/volume/volume.js';
import { boxSection, planeSection, type RoiBox } from './roi-geometry.js';

type Pt = { x: number; y: number };

/** Linked crosshair: the other two views' planes through the cursor, with a gap at the centre. */
export function drawCrosshair(ctx: CanvasRenderingContext2D, c: Pt, width: number, height: number): void {
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(80, 200, 120, 0.75)';
  ctx.setLineDash([6, 4]);
  ctx.beginPath();
  ctx.moveTo(c.x, 0);
  ctx.lineTo(c.x, c.y - 12);
  ctx.moveTo(c.x, c.y + 12);
  ctx.lineTo(c.x, height);
  ctx.moveTo(0, c.y);
  ctx.lineTo(c.x - 12, c.y);
  ctx.moveTo(c.x + 12, c.y);
  ctx.lineTo(width, c.y);
  ctx.stroke();
  ctx.setLineDash([]);
}

/**
 * The mitral ROI where the slice plane (point p0, normal n) cuts it: the box outline (amber),
 * the annulus plane (magenta line) and the box centre (magenta dot).
 */
export function drawRoi(ctx: CanvasRenderingContext2D, box: RoiBox, p0: Vec3, n: Vec3, toCanvas: (p: Vec3) => Pt): void {
  const poly = boxSection(box, p0, n);
  if (poly.length >= 3) {
    ctx.strokeStyle = '#ffb020';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    poly.forEach((p, i) => {
      const q = toCanvas(p);
      if (i === 0) ctx.moveTo(q.x, q.y);
      else ctx.lineTo(q.x, q.y);
    });
    ctx.closePath();
    ctx.stroke();
  }
  const seg = planeSection(box, p0, n);
  if (seg.length === 2) {
    const a = toCanvas(seg[0] as Vec3);
    const b = toCanvas(seg[1] as Vec3);
    ctx.strokeStyle = '#ff4fd8';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  }
  const c = toCanvas(box.centerLps);
  ctx.fillStyle = '#ff4fd8';
  ctx.beginPath();
  ctx.arc(c.x, c.y, 3, 0, Math.PI * 2);
  ctx.fill();
}

/** Distance lines with their length in mm beside the second end. */
export function drawMeasurements(ctx: CanvasRenderingContext2D, items: { a: Pt; b: Pt; mm: number }[]): void {
  ctx.font = '12px system-ui, sans-serif';
  for (const { a, b, mm } of items) {
    ctx.strokeStyle = '#ffe14d';
    ctx.fillStyle = '#ffe14d';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
    for (const p of [a, b]) ctx.fillRect(p.x - 2, p.y - 2, 4, 4);
    const text = `${mm.toFixed(1)} mm`;
    ctx.fillStyle = 'rgba(0,0,0,0.6)';
    ctx.fillRect(b.x + 6, b.y - 14, ctx.measureText(text).width + 6, 16);
    ctx.fillStyle = '#ffe14d';
    ctx.fillText(text, b.x + 9, b.y - 2);
  }
}
