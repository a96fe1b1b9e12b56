import { diagnosticsContract } from './diagnostics.contract.js';
import { systemContract } from './system.contract.js';

/**
 * Every call and event of CardioSeg, declared once. Services in src-main implement it, the
 * router validates against it, and the client/CLI/UI are typed from it.
 */
export const contract = {
  system: systemContract,
  diagnostics: diagnosticsContract,
};

export type Contract = typeof contract;
