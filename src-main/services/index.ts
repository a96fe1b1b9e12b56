import type { Contract } from '../../src-shared/contract/index.js';
import type { ContractImpl } from '../../src-shared/rpc/define.js';
import { createDiagnosticsService } from './diagnostics.service.js';
import { createPhantomService } from './phantom.service.js';
import { createDicomService } from './dicom.service.js';
import { createExportsService } from './exports.service.js';
import { createHostService } from './host.service.js';
import { createRoiService } from './roi.service.js';
import { createSegmentationService } from './segmentation.service.js';
import { createSystemService } from './system.service.js';
import { createTrainingService } from './training.service.js';
import { createTransferService } from './transfer.service.js';

/** All main-process services; the same instances serve Electron IPC, WebSocket and the CLI. */
export function createServices(): ContractImpl<Contract> {
  return {
    phantom: createPhantomService(),
    segmentation: createSegmentationService(),
    system: createSystemService(),
    training: createTrainingService(),
    diagnostics: createDiagnosticsService(),
    dicom: createDicomService(),
    exports: createExportsService(),
    host: createHostService(),
    roi: createRoiService(),
    transfer: createTransferService(),
  };
}
