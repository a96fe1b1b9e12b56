import { add } from '../../../src-shared/volume/affine.js';
import type { Vec3 } from '../../../src-shared/volume/volume.js';
import { rotateBox, type RoiBox } from '../viewer/roi-geometry.js';
import type { Annulus, RoiBox as ContractBox } from '../../../src-shared/contract/roi.contract.js';
import { Task } from './task.svelte.js';

export function fromContractBox(b: ContractBox): RoiBox {
  const a = b.axes;
  return { centerLps: [...b.centreLps], axes: [[a[0], a[1], a[2]], [a[3], a[4], a[5]], [a[6], a[7], a[8]]], sizeMm: [...b.sizeMm] };
}

export function toContractBox(b: RoiBox, spacingMm: Vec3): ContractBox {
  return { centreLps: [...b.centerLps], axes: [...b.axes[0], ...b.axes[1], ...b.axes[2]], sizeMm: [...b.sizeMm], spacingMm: [...spacingMm] };
}

export function annulusMeasurements(a: Annulus): RoiMeasurement[] {
  const rows: RoiMeasurement[] = [
    { key: 'area', label: 'Annulus area', value: a.areaMm2, unit: 'mm²' },
    { key: 'perimeter', label: 'Perimeter', value: a.perimeterMm, unit: 'mm' },
    { key: 'maxDiameter', label: 'Max diameter', value: a.maxDiameterMm, unit: 'mm' },
    { key: 'minDiameter', label: 'Min diameter', value: a.minDiameterMm, unit: 'mm' },
  ];
  if (a.commissuralMm !== null) rows.push({ key: 'commissural', label: 'Commissural', value: a.commissuralMm, unit: 'mm' });
  if (a.septalLateralMm !== null) rows.push({ key: 'septalLateral', label: 'Septal-lateral', value: a.septalLateralMm, unit: 'mm' });
  if (a.angleToLvLongAxisDeg !== null) rows.push({ key: 'angleLv', label: 'Angle to LV long axis', value: a.angleToLvLongAxisDeg, unit: '°' });
  rows.push({ key: 'orifice', label: 'Orifice area', value: a.orificeAreaMm2, unit: 'mm²' });
  rows.push({ key: 'planeRms', label: 'Plane fit RMS', value: a.planeRmsMm, unit: 'mm' });
  return rows;
}

export interface RoiMeasurement {
  key: string;
  label: string;
  value: number;
  unit: string;
}

/** The mitral ROI: the detected box, the user's adjustments, and the measurements panel. */
class RoiState {
  box = $state.raw<RoiBox | null>(null);
  detected = $state.raw<RoiBox | null>(null);
  measurements = $state.raw<RoiMeasurement[]>([]);
  /** Annulus contour in LPS (closed polyline), drawn where it crosses a view. */
  contour = $state.raw<Vec3[]>([]);
  detectTask = new Task<RoiBox>('Finding the mitral annulus');
  annulus = $state.raw<Annulus | null>(null);
  /** Grid spacing the service proposed for the extracted sub-volume. */
  spacingMm = $state.raw<Vec3>([0.5, 0.5, 0.5]);
  savedPath = $state<string | null>(null);
  showValveView = $state(true);
  valveOffsetMm = $state(0);

  set(box: RoiBox, measurements: RoiMeasurement[], contour: Vec3[] = []): void {
    this.box = box;
    this.detected = box;
    this.measurements = measurements;
    this.contour = contour;
  }

  clear(): void {
    this.box = null;
    this.detected = null;
    this.measurements = [];
    this.contour = [];
    this.annulus = null;
    this.savedPath = null;
  }

  translate(deltaLps: Vec3): void {
    if (this.box) this.box = { ...this.box, centerLps: add(this.box.centerLps, deltaLps) };
  }

  rotate(axisLps: Vec3, angleRad: number): void {
    if (this.box) this.box = rotateBox(this.box, axisLps, angleRad);
  }

  resize(axisIndex: 0 | 1 | 2, mm: number): void {
    if (!this.box || !Number.isFinite(mm) || mm <= 0) return;
    const s: Vec3 = [...this.box.sizeMm];
    s[axisIndex] = Math.min(300, Math.max(2, mm));
    this.box = { ...this.box, sizeMm: s };
  }

  resetToDetected(): void {
    this.box = this.detected;
  }

  get adjusted(): boolean {
    return this.box !== this.detected;
  }
}

export const roi = new RoiState();
