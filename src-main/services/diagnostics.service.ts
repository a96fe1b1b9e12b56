import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, abortError } from '../../src-shared/errors.js';
import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';

export function createDiagnosticsService(): ServiceImpl<Contract['diagnostics']> {
  return {
    async echo(input) {
      return input;
    },
    async wait({ steps, stepMs }, { signal, progress }) {
      for (let i = 0; i < steps; i++) {
        try {
          await sleep(stepMs, undefined, { signal });
        } catch {
          throw abortError();
        }
        progress({ stage: 'wait', done: i + 1, total: steps });
      }
      return { completedSteps: steps };
    },
    async fail({ code, message }) {
      throw new AppError(code, message, { requested: true });
    },
    async emitTicks({ count }, { emit }) {
      for (let n = 0; n < count; n++) emit('tick', { n });
      return { emitted: count };
    },
  };
}
