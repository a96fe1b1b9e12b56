import { contract, type Contract } from '../src-shared/contract/index.js';
import { createClient } from '../src-shared/rpc/client.js';
import { createMemoryPair } from '../src-shared/rpc/memory.js';
import { Router, type RouterLog } from '../src-shared/rpc/router.js';
import type { ContractImpl } from '../src-shared/rpc/define.js';
import { createServices } from './services/index.js';

export interface Core {
  router: Router<Contract>;
  services: ContractImpl<Contract>;
}

export function createCore(opts: { log?: RouterLog; services?: ContractImpl<Contract> } = {}): Core {
  const services = opts.services ?? createServices();
  return { router: new Router(contract, services, opts.log), services };
}

/** A client wired to the real services through the in-memory pair (CLI, tests, scripts). */
export function createLocalClient(core: Core = createCore()) {
  const [serverSide, clientSide] = createMemoryPair();
  const stop = core.router.serve(serverSide);
  const client = createClient(contract, clientSide);
  return Object.assign(client, {
    close() {
      client.dispose();
      stop();
    },
  });
}
export type LocalClient = ReturnType<typeof createLocalClient>;
