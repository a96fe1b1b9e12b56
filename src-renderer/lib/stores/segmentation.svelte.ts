import { CLASSES } from '../../../src-shared/classes.js';
import { AppError } from '../../../src-shared/errors.js';
import type { Volume } from '../../../src-shared/volume/volume.js';
import { resampleLabelsNearest, sameGrid } from '../viewer/labels.js';
import type { OverlayStyle } from '../viewer/mpr.js';

export interface StructureRow {
  id: number;
  name: string;
  rgb: readonly [number, number, number];
  voxels: number;
  ml: number;
}

/** The label map on the CT grid, how it is drawn, and the per-structure volumes. */
class SegmentationState {
  labels = $state.raw<Uint8Array | null>(null);
  confidence = $state.raw<Float32Array | null>(null);
  source = $state<string>('');
  visible = $state<boolean[]>(CLASSES.map((c) => c.id !== 0));
  opacity = $state<number[]>(CLASSES.map(() => 0.45));
  showConfidence = $state(false);
  confidenceBelow = $state(0.7);
  structures = $state.raw<StructureRow[]>([]);
  /** The label map as a NIfTI file on disk (what exports and the ROI service read). */
  labelsPath = $state<string | null>(null);
  /** Model folder for the next run ('' = the bundled default); the Training screen can adopt one. */
  modelDir = $state('');
  /** Bumped when the label data change, so the 3D view rebuilds its surfaces once. */
  generation = $state(0);

  get style(): OverlayStyle {
    return {
      colours: CLASSES.map((c) => c.rgb),
      opacity: CLASSES.map((c) => (c.id !== 0 && this.visible[c.id] ? (this.opacity[c.id] ?? 0) : 0)),
    };
  }

  clear(): void {
    this.labels = null;
    this.confidence = null;
    this.structures = [];
    this.source = '';
    this.labelsPath = null;
    this.generation++;
  }

  /** Adopt a label volume for `ct`, resampling nearest-neighbour when its grid differs. */
  setLabels(ct: Volume, labels: Volume, source: string, confidence?: Float32Array, labelsPath?: string): void {
    let data: Uint8Array;
    if (sameGrid(ct, labels)) {
      data = labels.data instanceof Uint8Array ? labels.data : Uint8Array.from(labels.data, (v) => (v > 0 && v < CLASSES.length ? v : 0));
    } else {
      data = resampleLabelsNearest(labels, ct);
    }
    let outOfRange = 0;
    for (let n = 0; n < data.length; n++) if ((data[n] as number) >= CLASSES.length) outOfRange++;
    if (outOfRange > 0) {
      throw new AppError('DATA', `The label map has ${outOfRange} voxels with values above ${CLASSES.length - 1}: it does not use CardioSeg's class ids`, { outOfRange });
    }
    this.labels = data;
    this.confidence = confidence && confidence.length === data.length ? confidence : null;
    this.source = source;
    this.labelsPath = labelsPath ?? null;
    this.structures = countStructures(ct, data);
    this.generation++;
  }
}

export function countStructures(ct: Volume, labels: Uint8Array): StructureRow[] {
  const counts = new Array<number>(CLASSES.length).fill(0);
  for (let n = 0; n < labels.length; n++) counts[labels[n] as number]++;
  const voxelMl = (ct.spacingMm[0] * ct.spacingMm[1] * ct.spacingMm[2]) / 1000;
  return CLASSES.filter((c) => c.id !== 0).map((c) => ({ id: c.id, name: c.name, rgb: c.rgb, voxels: counts[c.id] ?? 0, ml: (counts[c.id] ?? 0) * voxelMl }));
}

export const segmentation = new SegmentationState();
