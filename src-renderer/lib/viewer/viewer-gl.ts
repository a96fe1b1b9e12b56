import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import type { VolumeGeometry, VoxelArray } from '../../../src-shared/volume/volume.js';
import { countRenderWindow } from './debug.js';
import { toVtkImage, type VtkArray, type VtkImage } from './vtk-image.js';

type Renderer = ReturnType<typeof vtkRenderer.newInstance>;

/** One view drawn by the shared window: its own renderer and camera, its own 2D canvas. */
export interface GLView {
  readonly renderer: Renderer;
  /** Size of the view's canvas in CSS px (device px follow from devicePixelRatio). */
  setSize(cssWidth: number, cssHeight: number): void;
  requestRender(): void;
  onRendered: (() => void) | undefined;
  dispose(): void;
}

interface ViewEntry {
  view: GLView;
  canvas: HTMLCanvasElement;
  width: number;
  height: number;
  dirty: boolean;
}

/**
 * One WebGL context for every view of the viewer (cornerstone3D's idea): a hidden vtk.js render
 * window renders one view at a time into its corner and the pixels are copied into that view's
 * own 2D canvas. So the volume is uploaded to the GPU once (not once per view), a view that did
 * not change is not redrawn (scrolling the axial view never waits for the 3D surfaces), and the
 * browser's cap on WebGL contexts is never approached.
 */
export class ViewerGL {
  private renderWindow = vtkRenderWindow.newInstance();
  // Typed loosely by vtk.js; only size, canvas and delete are used.
  private glWindow: { setSize(w: number, h: number): void; getSize(): number[]; getCanvas(): HTMLCanvasElement | null; delete(): void };
  private views = new Set<ViewEntry>();
  private images = new Map<VoxelArray, { image: VtkImage; scalars: VtkArray; refs: number }>();
  private frame = 0;
  private disposed = false;
  readonly dpr = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;

  /** Why the views cannot draw (no WebGL 2 on this machine), or null. */
  readonly unavailable: string | null;

  constructor() {
    this.unavailable = webgl2Missing();
    this.glWindow = this.renderWindow.newAPISpecificView('WebGL') as typeof this.glWindow;
    this.renderWindow.addView(this.glWindow);
    // The canvas is never attached to the page: only its pixels are, through each view's canvas.
    this.glWindow.setSize(1, 1);
    countRenderWindow(1);
  }

  /** Told when drawing fails (the viewer screen reports it as a readable error). */
  onError: ((err: unknown) => void) | undefined;

  /** Throws when WebGL 2 is missing, so each view can say so instead of staying blank. */
  addView(canvas: HTMLCanvasElement): GLView {
    if (this.unavailable) throw new Error(this.unavailable);
    const renderer = vtkRenderer.newInstance({ background: [0, 0, 0] });
    renderer.setDraw(false);
    this.renderWindow.addRenderer(renderer);
    const entry: ViewEntry = {
      canvas,
      width: 0,
      height: 0,
      dirty: true,
      view: {
        renderer,
        onRendered: undefined,
        setSize: (w, h) => {
          entry.width = Math.max(0, Math.round(w * this.dpr));
          entry.height = Math.max(0, Math.round(h * this.dpr));
          if (canvas.width !== entry.width) canvas.width = entry.width;
          if (canvas.height !== entry.height) canvas.height = entry.height;
          entry.view.requestRender();
        },
        requestRender: () => {
          entry.dirty = true;
          this.schedule();
        },
        dispose: () => {
          if (!this.views.delete(entry)) return;
          if (!this.disposed) this.renderWindow.removeRenderer(renderer);
          renderer.delete();
        },
      },
    };
    this.views.add(entry);
    return entry.view;
  }

  /**
   * The vtkImageData for a voxel array, shared by every view (so its GPU texture is too).
   * Each acquire needs a release; the last release frees it.
   */
  acquireImage(g: VolumeGeometry, data: VoxelArray, name: string): VtkImage {
    const have = this.images.get(data);
    if (have) {
      have.refs++;
      return have.image;
    }
    const { image, scalars } = toVtkImage(g, data, name);
    this.images.set(data, { image, scalars, refs: 1 });
    return image;
  }

  releaseImage(data: VoxelArray): void {
    const have = this.images.get(data);
    if (!have || --have.refs > 0) return;
    this.images.delete(data);
    have.image.delete();
    have.scalars.delete();
  }

  private schedule(): void {
    if (this.disposed || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderDirty();
    });
  }

  private renderDirty(): void {
    if (this.disposed) return;
    const todo = [...this.views].filter((e) => e.dirty && e.width > 0 && e.height > 0);
    if (todo.length === 0) return;
    // The window only grows: reallocating its buffers on every layout change would cost more.
    const [cw = 1, ch = 1] = this.glWindow.getSize();
    const W = Math.max(cw, ...todo.map((e) => e.width));
    const H = Math.max(ch, ...todo.map((e) => e.height));
    if (W !== cw || H !== ch) this.glWindow.setSize(W, H);
    const glCanvas = this.glWindow.getCanvas();
    for (const e of this.views) e.view.renderer.setDraw(false);
    for (const e of todo) {
      const r = e.view.renderer;
      // vtk viewports are normalised with the origin at the bottom left.
      r.setViewport(0, 0, e.width / W, e.height / H);
      r.setDraw(true);
      try {
        this.renderWindow.render();
      } catch (err) {
        // A lost context or a driver failure: say it once, keep the rest of the app alive.
        e.dirty = false;
        r.setDraw(false);
        this.onError?.(err);
        continue;
      }
      r.setDraw(false);
      e.dirty = false;
      const ctx = e.canvas.getContext('2d');
      if (ctx && glCanvas) {
        ctx.clearRect(0, 0, e.width, e.height);
        ctx.drawImage(glCanvas, 0, H - e.height, e.width, e.height, 0, 0, e.width, e.height);
      }
      e.view.onRendered?.();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    for (const e of [...this.views]) e.view.dispose();
    for (const { image, scalars } of this.images.values()) {
      image.delete();
      scalars.delete();
    }
    this.images.clear();
    // Lose the context now instead of at GC, so opening and closing the viewer never piles up
    // WebGL contexts (the browser caps them at 16).
    const canvas = this.glWindow.getCanvas();
    const gl = canvas?.getContext('webgl2') ?? canvas?.getContext('webgl');
    this.renderWindow.delete();
    this.glWindow.delete();
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    countRenderWindow(-1);
  }
}

/** A throwaway probe: null when a WebGL 2 context can be created here, else the reason. */
function webgl2Missing(): string | null {
  try {
    const c = document.createElement('canvas');
    const gl = c.getContext('webgl2');
    if (!gl) return 'WebGL 2 is not available in this browser or on this graphics driver';
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return null;
  } catch (e) {
    return `WebGL 2 failed to start: ${e instanceof Error ? e.message : String(e)}`;
  }
}
