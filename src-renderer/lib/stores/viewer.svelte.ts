import type { Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { PRESETS, type ViewKind, type WindowLevel } from '../viewer/mpr.js';
import type { SliceSpace, ViewTransform } from '../viewer/slice-frame.js';

export type { ViewTransform } from '../viewer/slice-frame.js';

export type Tool = 'crosshair' | 'window' | 'pan' | 'zoom' | 'measure' | 'roi';

export interface Measurement {
  id: number;
  view: ViewKind;
  /** Both ends in LPS mm: a measurement stays put when the grid or the slice space changes. */
  a: Vec3;
  b: Vec3;
  mm: number;
}

const fresh = (): Record<ViewKind, ViewTransform> => ({
  axial: { zoom: 1, panX: 0, panY: 0 },
  coronal: { zoom: 1, panX: 0, panY: 0 },
  sagittal: { zoom: 1, panX: 0, panY: 0 },
});

/** What the MPR views share: the linked crosshair, the window, the tool and the measurements. */
class ViewerState {
  cursor = $state<Vec3>([0, 0, 0]);
  wl = $state<WindowLevel>({ ...(PRESETS[0] as (typeof PRESETS)[number]).wl });
  preset = $state<string | null>('cardiac');
  tool = $state<Tool>('crosshair');
  transforms = $state(fresh());
  measurements = $state<Measurement[]>([]);
  show3d = $state(true);
  showCrosshair = $state(true);
  /** 'patient': true axial/coronal/sagittal planes (tilted data resampled); 'acquisition': the voxel grid. */
  space = $state<SliceSpace>('patient');
  /** Incremented when a view should redraw although no tracked field changed (e.g. new labels). */
  redraw = $state(0);
  private nextId = 1;

  resetFor(v: Volume): void {
    this.cursor = [Math.floor(v.dims[0] / 2), Math.floor(v.dims[1] / 2), Math.floor(v.dims[2] / 2)];
    this.transforms = fresh();
    this.measurements = [];
    const meta = v.metadata ?? {};
    const wc = meta['windowCenter'];
    const ww = meta['windowWidth'];
    // A cardiac CT opens in the cardiac window; the series' own window is one click away.
    this.applyPreset('cardiac');
    if (typeof wc === 'number' && typeof ww === 'number' && ww > 1) this.seriesWindow = { center: wc, width: ww };
  }

  seriesWindow = $state<WindowLevel | null>(null);

  applyPreset(key: string): void {
    const p = PRESETS.find((x) => x.key === key);
    if (p) {
      this.wl = { ...p.wl };
      this.preset = key;
    } else if (key === 'series' && this.seriesWindow) {
      this.wl = { ...this.seriesWindow };
      this.preset = 'series';
    }
  }

  setWindow(wl: WindowLevel): void {
    this.wl = { center: Math.round(wl.center), width: Math.max(1, Math.round(wl.width)) };
    this.preset = null;
  }

  addMeasurement(view: ViewKind, a: Vec3, b: Vec3, mm: number): void {
    this.measurements = [...this.measurements, { id: this.nextId++, view, a, b, mm }];
  }

  removeMeasurement(id: number): void {
    this.measurements = this.measurements.filter((m) => m.id !== id);
  }
}

export const viewer = new ViewerState();
