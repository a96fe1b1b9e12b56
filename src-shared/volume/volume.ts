/**
 * The one in-memory image record. Units and frames live in the names: millimetres, LPS patient
 * coordinates (DICOM's frame), voxel index order i (column) fastest, then j (row), then k (slice).
 */
export type Vec3 = [number, number, number];
/** Row-major 3x3: direction[0..2] is the unit vector of the i axis in LPS, [3..5] of j, [6..8] of k. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export type VoxelArray = Int16Array | Uint8Array | Uint16Array | Int32Array | Float32Array;
export type VoxelType = 'int16' | 'uint8' | 'uint16' | 'int32' | 'float32';

export interface VolumeGeometry {
  dims: Vec3;
  spacingMm: Vec3;
  /** LPS position (mm) of the centre of voxel (0,0,0). */
  originLps: Vec3;
  direction: Mat3;
}

export interface Volume<T extends VoxelArray = VoxelArray> extends VolumeGeometry {
  data: T;
  metadata?: Record<string, unknown>;
}

export const IDENTITY_DIRECTION: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function voxelCount(dims: Vec3): number {
  return dims[0] * dims[1] * dims[2];
}

export function voxelTypeOf(a: VoxelArray): VoxelType {
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int32Array) return 'int32';
  return 'float32';
}

export function allocVoxels(type: VoxelType, n: number): VoxelArray {
  switch (type) {
    case 'int16':
      return new Int16Array(n);
    case 'uint8':
      return new Uint8Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'float32':
      return new Float32Array(n);
  }
}

export function geometryOf(v: VolumeGeometry): VolumeGeometry {
  return {
    dims: [...v.dims] as Vec3,
    spacingMm: [...v.spacingMm] as Vec3,
    originLps: [...v.originLps] as Vec3,
    direction: [...v.direction] as Mat3,
  };
}

/** A label volume with the same grid as `like`. */
export function emptyLike<T extends VoxelArray>(like: VolumeGeometry, data: T): Volume<T> {
  return { ...geometryOf(like), data };
}

export const linearIndex = (dims: Vec3, i: number, j: number, k: number): number => i + dims[0] * (j + dims[1] * k);
