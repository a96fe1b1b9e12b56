import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkImageResliceMapper from '@kitware/vtk.js/Rendering/Core/ImageResliceMapper';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import type { Mat3, Vec3, VolumeGeometry, VoxelArray } from '../../../src-shared/volume/volume.js';

export type VtkImage = ReturnType<typeof vtkImageData.newInstance>;
export type VtkArray = ReturnType<typeof vtkDataArray.newInstance>;

/** An LPS volume (or a label map on its grid) as vtkImageData in world = LPS millimetres. */
export function toVtkImage(g: VolumeGeometry, data: VoxelArray, name: string): { image: VtkImage; scalars: VtkArray } {
  const image = vtkImageData.newInstance();
  image.setDimensions([g.dims[0], g.dims[1], g.dims[2]]);
  image.setSpacing([g.spacingMm[0], g.spacingMm[1], g.spacingMm[2]]);
  image.setOrigin([g.originLps[0], g.originLps[1], g.originLps[2]]);
  // vtk.js keeps the direction column-major (gl-matrix): its first three numbers are the i axis.
  // Ours stores each axis as a row, so the same nine numbers, in the same order, fit; transposing
  // them rotates oblique data the wrong way.
  image.setDirection([...g.direction] as Mat3);
  const scalars = vtkDataArray.newInstance({ name, numberOfComponents: 1, values: data });
  image.getPointData().setScalars(scalars);
  return { image, scalars };
}

export interface ResliceActor {
  poly: ReturnType<typeof vtkPolyData.newInstance>;
  mapper: ReturnType<typeof vtkImageResliceMapper.newInstance>;
  actor: ReturnType<typeof vtkImageSlice.newInstance>;
}

/**
 * An image resliced on a polygon we give (setSlicePolygon) rather than on a vtkPlane: vtk.js cuts
 * an oblique plane against the image outline and loses parts of it for a rotated grid. Outside
 * the volume the shader paints the background, transparent here.
 */
export function resliceActor(image: VtkImage): ResliceActor {
  const poly = vtkPolyData.newInstance();
  const mapper = vtkImageResliceMapper.newInstance();
  mapper.setInputData(image);
  mapper.setSlicePolyData(poly);
  mapper.setBackgroundColor(0, 0, 0, 0);
  const actor = vtkImageSlice.newInstance();
  actor.setMapper(mapper);
  return { poly, mapper, actor };
}

/** Set the (convex, planar, ordered) slice polygon in LPS mm, as a triangle fan. */
export function setSlicePolygon(r: ResliceActor, corners: readonly Vec3[]): void {
  const pts = new Float32Array(corners.length * 3);
  corners.forEach((p, i) => pts.set(p, 3 * i));
  const tris = new Uint16Array(Math.max(0, corners.length - 2) * 4);
  for (let t = 0; t + 2 < corners.length; t++) tris.set([3, 0, t + 1, t + 2], 4 * t);
  r.poly.getPoints().setData(pts, 3);
  r.poly.getPolys().setData(tris);
  r.poly.modified();
  r.mapper.modified();
}
