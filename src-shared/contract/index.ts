import { diagnosticsContract } from './diagnostics.contract.js';
import { phantomContract } from './phantom.contract.js';
import { dicomContract } from './dicom.contract.js';
import { exportsContract } from './exports.contract.js';
import { hostContract } from './host.contract.js';
import { roiContract } from './roi.contract.js';
import { segmentationContract } from './segmentation.contract.js';
import { systemContract } from './system.contract.js';
import { trainingContract } from './training.contract.js';
import { transferContract } from './transfer.contract.js';

/**
 * Every call and event of CardioSeg, declared once. Services in src-main implement it, the
 * router validates against it, and the client/CLI/UI are typed from it.
 */
export const contract = {
  phantom: phantomContract,
  segmentation: segmentationContract,
  system: systemContract,
  training: trainingContract,
  diagnostics: diagnosticsContract,
  dicom: dicomContract,
  exports: exportsContract,
  host: hostContract,
  roi: roiContract,
  transfer: transferContract,
};

export type Contract = typeof contract;
