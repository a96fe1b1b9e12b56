import { connect, type Api, type TransportKind } from '../api/connect.js';
import type { SystemInfo } from '../../../src-shared/contract/system.contract.js';
import { toUiError, type UiError } from './task.svelte.js';

export type Screen = 'open' | 'viewer' | 'training' | 'export';

/** The connection, the current screen and the app-wide error list. */
class AppState {
  api = $state.raw<Api | undefined>(undefined);
  kind = $state<TransportKind | undefined>(undefined);
  info = $state.raw<SystemInfo | undefined>(undefined);
  connectError = $state<string | undefined>(undefined);
  screen = $state<Screen>('open');
  errors = $state.raw<UiError[]>([]);

  async start(): Promise<void> {
    try {
      const c = await connect();
      this.api = c.api;
      this.kind = c.kind;
      this.info = await c.api.system.info({});
    } catch (e) {
      this.connectError = e instanceof Error ? e.message : String(e);
    }
  }

  report(e: unknown, context?: string): void {
    this.errors = [...this.errors.slice(-4), toUiError(e, context)];
  }

  dismiss(i: number): void {
    this.errors = this.errors.filter((_, n) => n !== i);
  }

  /** The client, or a readable error when the services are not reachable. */
  need(): Api {
    if (!this.api) throw new Error('Not connected to the CardioSeg services');
    return this.api;
  }
}

export const app = new AppState();
