import { connect, type Api, type TransportKind } from '../api/connect.js';
import type { DefaultModelState, SystemInfo } from '../../../src-shared/contract/system.contract.js';
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
  /**
   * The model a segmentation without a model folder uses (adopted or bundled). Read at start-up
   * and replaced on every change, so all screens name the same one; system.info's copy goes stale.
   */
  defaultModel = $state.raw<DefaultModelState | undefined>(undefined);

  async start(): Promise<void> {
    try {
      const c = await connect();
      this.api = c.api;
      this.kind = c.kind;
      [this.info, this.defaultModel] = await Promise.all([c.api.system.info({}), c.api.host.getDefaultModel({})]);
    } catch (e) {
      this.connectError = e instanceof Error ? e.message : String(e);
    }
  }

  /** Adopt a model folder as the persisted default, or null for the bundled one; false on failure (reported). */
  async setDefaultModel(dir: string | null): Promise<boolean> {
    try {
      this.defaultModel = await this.need().host.setDefaultModel({ dir });
      return true;
    } catch (e) {
      this.report(e, dir === null ? 'Could not restore the bundled model' : 'Could not adopt that model');
      return false;
    }
  }

  report(e: unknown, context?: string): void {
    const u = toUiError(e, context);
    // The same problem reported again (e.g. on reopening a screen) is already on screen.
    if (this.errors.some((x) => x.code === u.code && x.message === u.message && x.context === u.context)) return;
    this.errors = [...this.errors.slice(-4), u];
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
