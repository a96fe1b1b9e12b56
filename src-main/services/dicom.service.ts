import { AppError } from '../../src-shared/errors.js';
import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import type { VoxelArray } from '../../src-shared/volume/volume.js';
import { importDicom, scanDicom } from '../dicom/index.js';
import { readNiftiDetailed } from '../io/nifti/index.js';
import { inspectPngDataset } from '../io/png-dataset/index.js';
import { seriesThumbnail } from '../dicom/thumbnail.js';

const isNifti = (p: string): boolean => /\.nii(\.gz)?$/i.test(p);

type WireArray = Int16Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer>;
const ownsArrayBuffer = (a: VoxelArray): a is WireArray => a.buffer instanceof ArrayBuffer;
/** The contract's arrays are backed by a plain ArrayBuffer; copy only in the rare shared case. */
const wire = (a: VoxelArray): WireArray => (ownsArrayBuffer(a) ? a : a.slice());

export function createDicomService(): ServiceImpl<Contract['dicom']> {
  const loadSeries: ServiceImpl<Contract['dicom']>['loadSeries'] = async ({ path, seriesId, equalizeSpacing }, { signal, progress }) => {
    const r = await importDicom(path, { seriesUid: seriesId, equalizeSpacing, signal, onProgress: progress });
    return { format: 'dicom' as const, volume: r.volume, series: r.series, chosen: r.chosen, warnings: r.warnings };
  };
  return {
    async scanFolder({ path }, { signal, progress }) {
      return (await scanDicom(path, { signal, onProgress: progress })).result;
    },
    loadSeries,
    async loadVolume(input, ctx) {
      if (!isNifti(input.path)) return loadSeries(input, ctx);
      if (input.seriesId) throw new AppError('VALIDATION', 'seriesId applies to DICOM input only');
      ctx.progress({ stage: 'read', done: 0, total: 1 });
      const n = await readNiftiDetailed(input.path);
      ctx.progress({ stage: 'read', done: 1, total: 1 });
      const volume = { ...n.volume, data: wire(n.volume.data), metadata: { ...n.volume.metadata, source: 'nifti', transform: n.transform, file: input.path } };
      return { format: 'nifti' as const, volume, series: [], chosen: null, warnings: n.warnings };
    },
    async thumbnail({ path, seriesId, size }, { signal }) {
      return seriesThumbnail(path, seriesId, { size, signal });
    },
    async inspectPngDataset({ path, colorMapPath, maxSlices }, { signal }) {
      return inspectPngDataset(path, { colorMap: colorMapPath, maxSlices, signal });
    },
  };
}
