import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import type { Vec3, VolumeGeometry, VoxelArray } from '../../../src-shared/volume/volume.js';
import { add, scale } from '../../../src-shared/volume/affine.js';
import type { OverlayStyle, WindowLevel } from './mpr.js';
import { resliceActor, setSlicePolygon, type ResliceActor, type VtkImage } from './vtk-image.js';
import type { GLView, ViewerGL } from './viewer-gl.js';
import { canvasToLps, frameCamera, type FramePlacement, type SliceFrame } from './slice-frame.js';

type Deletable = { delete(): void };
type ColorTf = ReturnType<typeof vtkColorTransferFunction.newInstance>;
type OpacityTf = ReturnType<typeof vtkPiecewiseFunction.newInstance>;

/**
 * Overlays sit this far in front of the CT plane (towards the camera) so the depth test keeps
 * them on top; 0.02 mm moves a nearest-neighbour label sample by far less than a voxel.
 */
const LAYER_MM = 0.02;

/** Confidence below the threshold is tinted magenta, more strongly the lower it is. */
const LOW_CONFIDENCE_RGB: Vec3 = [1, 0.25, 1];

/** The quad it is resliced on covers the canvas on this layer's plane. */
interface Layer extends ResliceActor {
  image: VtkImage;
  /** The voxel array behind the shared image (released on drop). */
  data: VoxelArray;
  /** How many LAYER_MM steps in front of the CT. */
  depth: number;
  extra: Deletable[];
}

/**
 * One 2D view rendered by vtk.js: the CT resliced on an arbitrary plane in patient space
 * (vtkImageResliceMapper samples the volume texture on the GPU, so oblique planes cost the same
 * as orthogonal ones), the label map in the product colours (nearest neighbour: class ids are
 * never blended) and the optional low-confidence tint, under a parallel camera placed exactly
 * where slice-frame.ts maps LPS to canvas pixels, so the 2D overlay canvas drawn on top lines up.
 * Draws through the viewer's shared WebGL window (viewer-gl.ts) into its own canvas; owns its
 * mappers and actors, and dispose() frees them and releases the shared images.
 */
export class SliceScene {
  private view: GLView;
  private ct: Layer | undefined;
  private labels: Layer | undefined;
  private confidence: Layer | undefined;
  private disposed = false;
  private plane: { f: SliceFrame; p: FramePlacement; k: number } | undefined;
  onRender: (() => void) | undefined;

  constructor(
    private gl: ViewerGL,
    canvas: HTMLCanvasElement,
  ) {
    this.view = gl.addView(canvas);
    this.view.renderer.getActiveCamera().setParallelProjection(true);
    this.view.onRendered = () => this.onRender?.();
  }

  private layer(g: VolumeGeometry, data: VoxelArray, name: string, depth: number): Layer {
    const image = this.gl.acquireImage(g, data, name);
    const { poly, mapper, actor } = resliceActor(image);
    this.view.renderer.addViewProp(actor);
    const l: Layer = { image, data, poly, mapper, actor, depth, extra: [] };
    this.placeLayer(l);
    return l;
  }

  private drop(l: Layer | undefined): void {
    if (!l) return;
    this.view.renderer.removeViewProp(l.actor);
    for (const o of [l.actor, l.mapper, l.poly, ...l.extra]) o.delete();
    this.gl.releaseImage(l.data);
  }

  setVolume(g: VolumeGeometry, data: VoxelArray): void {
    // Acquire before releasing: re-setting the same volume must not re-upload its texture.
    const old = this.ct;
    this.ct = this.layer(g, data, 'ct', 0);
    this.drop(old);
    this.ct.actor.getProperty().setInterpolationTypeToLinear();
    this.requestRender();
  }

  setWindow(wl: WindowLevel): void {
    const p = this.ct?.actor.getProperty();
    if (!p) return;
    p.setColorWindow(wl.width);
    p.setColorLevel(wl.center);
    this.requestRender();
  }

  /** Class colours and per-class opacity as step functions, so every integer id maps exactly. */
  setLabels(g: VolumeGeometry, labels: Uint8Array | null, style: OverlayStyle | undefined): void {
    this.labels = this.overlay(this.labels, g, style ? labels : null, 'labels', 1, (ctf, pwf) => {
      for (let c = 0; c < (style?.colours.length ?? 0); c++) {
        const rgb = style?.colours[c] ?? [0, 0, 0];
        const a = c === 0 ? 0 : (style?.opacity[c] ?? 0);
        for (const x of [c - 0.45, c + 0.45]) {
          ctf.addRGBPoint(x, rgb[0] / 255, rgb[1] / 255, rgb[2] / 255);
          pwf.addPoint(x, a);
        }
      }
    });
  }

  setConfidence(g: VolumeGeometry, confidence: Float32Array | null, below: number): void {
    this.confidence = this.overlay(this.confidence, g, below > 0 ? confidence : null, 'confidence', 2, (ctf, pwf) => {
      ctf.addRGBPoint(0, ...LOW_CONFIDENCE_RGB);
      ctf.addRGBPoint(1, ...LOW_CONFIDENCE_RGB);
      pwf.addPoint(0, 0.6);
      pwf.addPoint(below, 0);
      pwf.addPoint(1, 0);
    });
  }

  /**
   * An overlay layer on `data` (nearest neighbour, colour and opacity from the transfer functions
   * `fill` builds), reused while the array is the same object; null data removes it.
   */
  private overlay(current: Layer | undefined, g: VolumeGeometry, data: VoxelArray | null, name: string, depth: number, fill: (ctf: ColorTf, pwf: OpacityTf) => void): Layer | undefined {
    this.requestRender();
    if (!data) {
      this.drop(current);
      return undefined;
    }
    let l = current;
    if (!l || l.data !== data) {
      l = this.layer(g, data, name, depth);
      this.drop(current);
      l.actor.getProperty().setInterpolationTypeToNearest();
      l.actor.getProperty().setUseLookupTableScalarRange(true);
    }
    for (const o of l.extra) o.delete();
    const ctf = vtkColorTransferFunction.newInstance();
    const pwf = vtkPiecewiseFunction.newInstance();
    fill(ctf, pwf);
    l.actor.getProperty().setRGBTransferFunction(0, ctf);
    l.actor.getProperty().setPiecewiseFunction(0, pwf);
    l.extra = [ctf, pwf];
    return l;
  }

  /** Show slice k of the frame with the given placement (the camera follows the overlay maths). */
  setPlane(f: SliceFrame, p: FramePlacement, k: number): void {
    this.plane = { f, p, k };
    for (const l of [this.ct, this.labels, this.confidence]) if (l) this.placeLayer(l);
    const c = frameCamera(f, p, k);
    const cam = this.view.renderer.getActiveCamera();
    cam.setFocalPoint(...c.focal);
    cam.setPosition(...c.position);
    cam.setViewUp(...c.viewUp);
    cam.setParallelScale(c.parallelScale);
    cam.setClippingRange(1, 2000);
    this.requestRender();
  }

  private placeLayer(l: Layer): void {
    if (!this.plane) return;
    const { f, p, k } = this.plane;
    const towardsCamera = scale(f.normal, -l.depth * LAYER_MM);
    const corners: [number, number][] = [
      [0, 0],
      [p.width, 0],
      [p.width, p.height],
      [0, p.height],
    ];
    setSlicePolygon(l, corners.map(([x, y]) => add(canvasToLps(f, p, x, y, k), towardsCamera)));
  }

  /** The canvas's size in CSS px (the camera placement is computed for the same size). */
  resize(cssWidth: number, cssHeight: number): void {
    if (!this.disposed) this.view.setSize(cssWidth, cssHeight);
  }

  requestRender(): void {
    if (!this.disposed && this.ct && this.plane) this.view.requestRender();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.drop(this.ct);
    this.drop(this.labels);
    this.drop(this.confidence);
    this.view.dispose();
  }
}
