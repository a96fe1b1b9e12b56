// vtk.js ships no typings for these two modules; only what CardioSeg calls is declared.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes' {
  import type vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
  import type vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
  export interface vtkImageMarchingCubes {
    setInputData(d: vtkImageData): void;
    getOutputData(): vtkPolyData;
    setContourValue(v: number): void;
    delete(): void;
  }
  const mod: { newInstance(init?: { contourValue?: number; computeNormals?: boolean; mergePoints?: boolean }): vtkImageMarchingCubes };
  export default mod;
}
declare module '@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter' {
  import type vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
  export interface vtkWindowedSincPolyDataFilter {
    setInputData(d: vtkPolyData): void;
    getOutputData(): vtkPolyData;
    delete(): void;
  }
  const mod: { newInstance(init?: { numberOfIterations?: number; passBand?: number; nonManifoldSmoothing?: boolean; boundarySmoothing?: boolean }): vtkWindowedSincPolyDataFilter };
  export default mod;
}
