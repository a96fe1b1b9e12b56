import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import { inspectPretrained } from '../ml/transfer/run.js';
import { runTransferInWorker } from '../ml/transfer/worker-host.js';

/** Transfer learning; training runs in a worker thread (cancellable after the current batch). */
export function createTransferService(): ServiceImpl<Contract['transfer']> {
  return {
    async inspect(input) {
      return inspectPretrained(input);
    },
    async train(input, { signal, progress }) {
      return runTransferInWorker(input, { signal, progress });
    },
  };
}
