import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import { runExport } from '../exports/run.js';
import { stowRs } from '../exports/stow.js';

export function createExportsService(): ServiceImpl<Contract['exports']> {
  return {
    async run(input, { signal, progress }) {
      return runExport(input, { signal, progress });
    },
    async stow(input, { signal }) {
      return stowRs(input.path, input.url, { signal, ...(input.authorization ? { authorization: input.authorization } : {}) });
    },
  };
}
