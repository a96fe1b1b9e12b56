import type { Contract } from '../../src-shared/contract/index.js';
import type { ContractImpl } from '../../src-shared/rpc/define.js';
import { createDiagnosticsService } from './diagnostics.service.js';
import { createSystemService } from './system.service.js';

/** All main-process services; the same instances serve Electron IPC, WebSocket and the CLI. */
export function createServices(): ContractImpl<Contract> {
  return {
    system: createSystemService(),
    diagnostics: createDiagnosticsService(),
  };
}
