import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import type { Mat3, VolumeGeometry, VoxelArray } from '../../../src-shared/volume/volume.js';

export type VtkImage = ReturnType<typeof vtkImageData.newInstance>;
export type VtkArray = ReturnType<typeof vtkDataArray.newInstance>;

/**
 * vtk.js keeps the direction as a column-major 3x3 (gl-matrix): its first three numbers are the
 * i axis. Ours stores each axis as a row, so the same nine numbers, in the same order, fit.
 */
export const vtkDirection = (d: Mat3): Mat3 => [...d];

/** An LPS volume (or a label map on its grid) as vtkImageData in world = LPS millimetres. */
export function toVtkImage(g: VolumeGeometry, data: VoxelArray, name: string): { image: VtkImage; scalars: VtkArray } {
  const image = vtkImageData.newInstance();
  image.setDimensions([g.dims[0], g.dims[1], g.dims[2]]);
  image.setSpacing([g.spacingMm[0], g.spacingMm[1], g.spacingMm[2]]);
  image.setOrigin([g.originLps[0], g.originLps[1], g.originLps[2]]);
  image.setDirection(vtkDirection(g.direction));
  const scalars = vtkDataArray.newInstance({ name, numberOfComponents: 1, values: data });
  image.getPointData().setScalars(scalars);
  return { image, scalars };
}
