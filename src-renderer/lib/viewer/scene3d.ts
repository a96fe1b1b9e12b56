import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes';
import { CLASSES } from '../../../src-shared/classes.js';
import type { Vec3, Volume, VolumeGeometry } from '../../../src-shared/volume/volume.js';
import { ijkToLps } from '../../../src-shared/volume/affine.js';
import { resliceActor, setSlicePolygon, toVtkImage, type ResliceActor } from './vtk-image.js';
import type { GLView, ViewerGL } from './viewer-gl.js';
import { solidSection, type RoiBox } from './roi-geometry.js';
import { cornersLps, ontoSlice, type SliceFrame } from './slice-frame.js';
import type { WindowLevel } from './mpr.js';

type Deletable = { delete(): void };

/**
 * The 3D view: the three MPR planes as textured slices, one marching-cubes surface per
 * structure in the product colours, and the mitral ROI box, drawn through the viewer's shared
 * WebGL window (the CT texture is the 2D views' own). Owns every vtk object it creates and frees
 * them in dispose(). Gestures are its own (a small trackball): left-drag rotates, middle- or
 * Shift+drag pans, the wheel zooms.
 */
export class Scene3D {
  private view: GLView;
  private ctData: Volume['data'] | undefined;
  private slices: ResliceActor[] = [];
  private grid: VolumeGeometry | undefined;
  private surfaces = new Map<number, { actor: ReturnType<typeof vtkActor.newInstance>; parts: Deletable[] }>();
  private roiParts: Deletable[] = [];
  private roiActor: ReturnType<typeof vtkActor.newInstance> | undefined;
  private disposed = false;
  private unbind: () => void;

  constructor(
    private gl: ViewerGL,
    canvas: HTMLCanvasElement,
  ) {
    this.view = gl.addView(canvas);
    this.view.renderer.setBackground(0.03, 0.04, 0.05);
    this.unbind = this.bindGestures(canvas);
  }

  private get renderer() {
    return this.view.renderer;
  }

  requestRender(): void {
    if (!this.disposed) this.view.requestRender();
  }

  resize(cssWidth: number, cssHeight: number): void {
    if (!this.disposed) this.view.setSize(cssWidth, cssHeight);
  }

  private bindGestures(canvas: HTMLCanvasElement): () => void {
    let last: { x: number; y: number; pan: boolean } | null = null;
    const down = (e: PointerEvent) => {
      canvas.setPointerCapture(e.pointerId);
      last = { x: e.clientX, y: e.clientY, pan: e.button === 1 || e.shiftKey };
    };
    const move = (e: PointerEvent) => {
      if (!last) return;
      const dx = e.clientX - last.x;
      const dy = e.clientY - last.y;
      last = { ...last, x: e.clientX, y: e.clientY };
      const cam = this.renderer.getActiveCamera();
      if (last.pan) {
        // Move focal point and position together, by the drag in world units at the focal plane.
        const h = canvas.clientHeight || 1;
        const f = cam.getFocalPoint();
        const p = cam.getPosition();
        const dist = Math.hypot(f[0] - p[0], f[1] - p[1], f[2] - p[2]);
        const mmPerPx = (2 * dist * Math.tan((cam.getViewAngle() * Math.PI) / 360)) / h;
        const up = cam.getViewUp();
        const dop = cam.getDirectionOfProjection();
        const right = [dop[1] * up[2] - dop[2] * up[1], dop[2] * up[0] - dop[0] * up[2], dop[0] * up[1] - dop[1] * up[0]];
        const t = [0, 1, 2].map((a) => (-dx * (right[a] as number) + dy * (up[a] as number)) * mmPerPx);
        cam.setFocalPoint(f[0] + t[0]!, f[1] + t[1]!, f[2] + t[2]!);
        cam.setPosition(p[0] + t[0]!, p[1] + t[1]!, p[2] + t[2]!);
      } else {
        cam.azimuth(-dx * 0.4);
        cam.elevation(dy * 0.4);
        cam.orthogonalizeViewUp();
      }
      this.renderer.resetCameraClippingRange();
      this.requestRender();
    };
    const up = (e: PointerEvent) => {
      last = null;
      if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
    };
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      this.renderer.getActiveCamera().dolly(Math.exp(-e.deltaY / 500));
      this.renderer.resetCameraClippingRange();
      this.requestRender();
    };
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('wheel', wheel, { passive: false });
    return () => {
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('wheel', wheel);
    };
  }

  setVolume(v: Volume): void {
    this.clearSlices();
    this.planesKey = '';
    const img = this.gl.acquireImage(v, v.data, 'ct');
    this.ctData = v.data;
    this.grid = v;
    // The same planes as the 2D views (setPlanes): resliced on the GPU, so an oblique grid shows
    // its true axial/coronal/sagittal cuts here too.
    for (let n = 0; n < 3; n++) {
      const r = resliceActor(img);
      r.actor.setVisibility(false);
      this.renderer.addViewProp(r.actor);
      this.slices.push(r);
    }
    this.resetCamera(v);
  }

  resetCamera(v: Volume): void {
    const centre = ijkToLps(v, [(v.dims[0] - 1) / 2, (v.dims[1] - 1) / 2, (v.dims[2] - 1) / 2]);
    const cam = this.renderer.getActiveCamera();
    // Anterior view, head up: patient left on the screen's right as in the MPR views.
    cam.setFocalPoint(centre[0], centre[1], centre[2]);
    cam.setPosition(centre[0] - 0.35 * 800, centre[1] - 800, centre[2] + 0.3 * 800);
    cam.setViewUp(0, 0, 1);
    // Frame the whole grid, whatever is visible yet (planes and surfaces arrive later).
    const c = cornersLps(v, 0.5);
    const lo = [0, 1, 2].map((a) => Math.min(...c.map((p) => p[a] as number)));
    const hi = [0, 1, 2].map((a) => Math.max(...c.map((p) => p[a] as number)));
    this.renderer.resetCamera([lo[0]!, hi[0]!, lo[1]!, hi[1]!, lo[2]!, hi[2]!]);
    cam.zoom(1.3);
    this.requestRender();
  }

  /** Show each 2D view's current slice: the plane cut by the volume's outline, as a polygon. */
  setPlanes(planes: { frame: SliceFrame; slice: number }[]): void {
    if (!this.grid) return;
    const key = planes.map((p) => `${p.frame.kind}:${p.frame.space}:${p.slice}`).join('|');
    if (key === this.planesKey) return;
    this.planesKey = key;
    const box = cornersLps(this.grid, 0.5);
    planes.slice(0, this.slices.length).forEach(({ frame, slice }, n) => {
      const s = this.slices[n];
      if (!s) return;
      const poly = solidSection(box, ontoSlice(frame, [0, 0, 0], slice), frame.normal);
      setSlicePolygon(s, poly);
      s.actor.setVisibility(this.planesOn && poly.length >= 3);
    });
    // Paging through slices must never wait for a 3D frame (surfaces are heavy on a software GL):
    // the 3D planes catch up once the scrolling pauses.
    if (this.planesOn) this.requestRenderAfterPause();
  }

  private planesKey = '';
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;

  /** Told when a deferred plane update starts and ends (the view marks itself, tests wait). */
  onPendingChange: ((pending: boolean) => void) | undefined;

  private requestRenderAfterPause(ms = 150): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    else this.onPendingChange?.(true);
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = undefined;
      this.requestRender();
      this.onPendingChange?.(false);
    }, ms);
  }

  setWindow(wl: WindowLevel): void {
    for (const s of this.slices) {
      s.actor.getProperty().setColorWindow(wl.width);
      s.actor.getProperty().setColorLevel(wl.center);
    }
    this.requestRender();
  }

  private planesOn = true;

  setSlicesVisible(on: boolean): void {
    this.planesOn = on;
    for (const s of this.slices) s.actor.setVisibility(on && s.poly.getNumberOfPoints() >= 3);
    this.requestRender();
  }

  /** One surface per structure present; `budget` caps the voxels marched per structure. */
  setLabels(v: Volume, labels: Uint8Array | null, budget = 600_000): void {
    this.clearSurfaces();
    if (!labels) return this.requestRender();
    const [nx, ny, nz] = v.dims;
    const boxes = new Map<number, [number, number, number, number, number, number]>();
    for (let k = 0, n = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, n++) {
          const c = labels[n] as number;
          if (c === 0) continue;
          const b = boxes.get(c);
          if (!b) boxes.set(c, [i, i, j, j, k, k]);
          else {
            if (i < b[0]) b[0] = i;
            if (i > b[1]) b[1] = i;
            if (j < b[2]) b[2] = j;
            if (j > b[3]) b[3] = j;
            if (k < b[4]) b[4] = k;
            if (k > b[5]) b[5] = k;
          }
        }
    for (const [c, b] of boxes) this.addSurface(v, labels, c, b, budget);
    this.requestRender();
  }

  private addSurface(v: Volume, labels: Uint8Array, c: number, b: number[], budget: number): void {
    const [nx, ny] = v.dims;
    const ext = [b[1]! - b[0]! + 1, b[3]! - b[2]! + 1, b[5]! - b[4]! + 1];
    // Downsample in-plane only when a structure is large; padding closes surfaces at crop edges.
    const f = Math.max(1, Math.ceil(Math.sqrt((ext[0]! * ext[1]! * ext[2]!) / budget)));
    const dims: Vec3 = [Math.ceil(ext[0]! / f) + 2, Math.ceil(ext[1]! / f) + 2, ext[2]! + 2];
    const mask = new Float32Array(dims[0] * dims[1] * dims[2]);
    for (let k = 0; k < ext[2]!; k++)
      for (let j = 0; j < dims[1] - 2; j++)
        for (let i = 0; i < dims[0] - 2; i++) {
          const si = b[0]! + i * f;
          const sj = b[2]! + j * f;
          const sk = b[4]! + k;
          if (labels[si + nx * (sj + ny * sk)] === c) mask[i + 1 + dims[0] * (j + 1 + dims[1] * (k + 1))] = 1;
        }
    const origin = ijkToLps(v, [b[0]! - f, b[2]! - f, b[4]! - 1]);
    const { image: img, scalars: arr } = toVtkImage({ dims, spacingMm: [v.spacingMm[0] * f, v.spacingMm[1] * f, v.spacingMm[2]], originLps: origin, direction: v.direction }, mask, 'mask');
    const mc = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: true, mergePoints: true });
    mc.setInputData(img);
    const mapper = vtkMapper.newInstance({ scalarVisibility: false });
    mapper.setInputData(mc.getOutputData());
    const actor = vtkActor.newInstance();
    actor.setMapper(mapper);
    const rgb = CLASSES[c]?.rgb ?? [200, 200, 200];
    actor.getProperty().setColor(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255);
    actor.getProperty().setSpecular(0.2);
    this.renderer.addActor(actor);
    this.surfaces.set(c, { actor, parts: [mc, mapper, arr, img] });
  }

  setStructureStyle(visible: readonly boolean[], opacity: readonly number[]): void {
    for (const [c, s] of this.surfaces) {
      s.actor.setVisibility(Boolean(visible[c]));
      // Surfaces read better opaque; the overlay opacity still fades them for context.
      s.actor.getProperty().setOpacity(Math.min(1, 0.35 + (opacity[c] ?? 0.5)));
    }
    this.requestRender();
  }

  setRoi(box: RoiBox | null): void {
    if (this.roiActor) this.renderer.removeActor(this.roiActor);
    for (const p of this.roiParts) p.delete();
    this.roiParts = [];
    this.roiActor = undefined;
    if (!box) return this.requestRender();
    const pts: number[] = [];
    const h = box.sizeMm.map((s) => s / 2);
    for (const sz of [-1, 1])
      for (const sy of [-1, 1])
        for (const sx of [-1, 1])
          for (let a = 0; a < 3; a++)
            pts.push(box.centerLps[a]! + box.axes[0][a]! * sx * h[0]! + box.axes[1][a]! * sy * h[1]! + box.axes[2][a]! * sz * h[2]!);
    const edges = [0, 1, 2, 3, 4, 5, 6, 7, 0, 2, 1, 3, 4, 6, 5, 7, 0, 4, 1, 5, 2, 6, 3, 7];
    const lines = new Uint32Array(edges.length / 2 * 3);
    for (let e = 0; e < edges.length / 2; e++) lines.set([2, edges[2 * e]!, edges[2 * e + 1]!], e * 3);
    const poly = vtkPolyData.newInstance();
    poly.getPoints().setData(Float32Array.from(pts), 3);
    poly.getLines().setData(lines);
    const mapper = vtkMapper.newInstance();
    mapper.setInputData(poly);
    const actor = vtkActor.newInstance();
    actor.setMapper(mapper);
    actor.getProperty().setColor(1, 0.69, 0.13);
    actor.getProperty().setLineWidth(2);
    this.renderer.addActor(actor);
    this.roiActor = actor;
    this.roiParts = [actor, mapper, poly];
    this.requestRender();
  }

  private clearSurfaces(): void {
    for (const s of this.surfaces.values()) {
      this.renderer.removeActor(s.actor);
      s.actor.delete();
      for (const p of s.parts) p.delete();
    }
    this.surfaces.clear();
  }

  private clearSlices(): void {
    for (const s of this.slices) {
      this.renderer.removeViewProp(s.actor);
      s.actor.delete();
      s.mapper.delete();
      s.poly.delete();
    }
    this.slices = [];
    if (this.ctData) this.gl.releaseImage(this.ctData);
    this.ctData = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.unbind();
    this.clearSurfaces();
    this.setRoi(null);
    this.clearSlices();
    this.view.dispose();
  }
}
