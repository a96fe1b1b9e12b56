import type { Vec3 } from '../../../src-shared/volume/volume.js';
import type { ViewKind } from './mpr.js';

/**
 * A read-only window into the live views for end-to-end tests and support sessions: where an
 * LPS point lands on a view's canvas, and how many vtk.js render windows are alive.
 */
export interface ViewProbe {
  canvas(): HTMLCanvasElement;
  project(lps: Vec3): { x: number; y: number; slice: number };
  lpsAt(x: number, y: number): Vec3;
}

interface DebugRegistry {
  views: Partial<Record<ViewKind | 'valve', ViewProbe>>;
  liveRenderWindows: number;
  createdRenderWindows: number;
}

declare global {
  interface Window {
    __cardioseg?: DebugRegistry;
  }
}

function registry(): DebugRegistry {
  window.__cardioseg ??= { views: {}, liveRenderWindows: 0, createdRenderWindows: 0 };
  return window.__cardioseg;
}

export function registerView(kind: ViewKind | 'valve', probe: ViewProbe): () => void {
  const r = registry();
  r.views[kind] = probe;
  return () => {
    if (r.views[kind] === probe) delete r.views[kind];
  };
}

export function countRenderWindow(delta: 1 | -1): void {
  const r = registry();
  r.liveRenderWindows += delta;
  if (delta > 0) r.createdRenderWindows++;
}
