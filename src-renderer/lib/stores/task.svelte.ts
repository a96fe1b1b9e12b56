import type { Progress } from '../../../src-shared/rpc/define.js';
import { isAppError } from '../../../src-shared/errors.js';

/** An error as the UI shows it: a sentence, the code, and the details a support person needs. */
export interface UiError {
  code: string;
  message: string;
  details?: string;
  context?: string;
}

export function toUiError(e: unknown, context?: string): UiError {
  const ctx = context ? { context } : {};
  if (isAppError(e)) {
    const details = e.details === undefined ? undefined : JSON.stringify(e.details, null, 2);
    return { code: e.code, message: e.message, ...(details ? { details } : {}), ...ctx };
  }
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message, ...(e.stack ? { details: e.stack } : {}), ...ctx };
  return { code: 'INTERNAL', message: String(e), ...ctx };
}

export interface TaskCallOptions {
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
}

/**
 * One long call with progress and cancel. Every screen's long work goes through this so the
 * progress bar, the cancel button and the error box behave the same everywhere.
 */
export class Task<T> {
  running = $state(false);
  progress = $state.raw<Progress | null>(null);
  error = $state.raw<UiError | null>(null);
  result = $state.raw<T | null>(null);
  cancelled = $state(false);
  startedAt = $state(0);
  private ctrl: AbortController | undefined;

  constructor(readonly name: string) {}

  async run(fn: (opts: TaskCallOptions) => Promise<T>): Promise<T | undefined> {
    this.ctrl?.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    this.running = true;
    this.cancelled = false;
    this.error = null;
    this.progress = null;
    this.startedAt = performance.now();
    try {
      const r = await fn({ signal: ctrl.signal, onProgress: (p) => (this.progress = p) });
      if (this.ctrl !== ctrl) return undefined;
      this.result = r;
      return r;
    } catch (e) {
      if (this.ctrl !== ctrl) return undefined;
      if (isAppError(e) && e.code === 'ABORTED') this.cancelled = true;
      else this.error = toUiError(e, `${this.name} failed`);
      return undefined;
    } finally {
      if (this.ctrl === ctrl) {
        this.running = false;
        this.ctrl = undefined;
      }
    }
  }

  cancel(): void {
    this.ctrl?.abort();
  }

  reset(): void {
    this.cancel();
    this.running = false;
    this.progress = null;
    this.error = null;
    this.result = null;
    this.cancelled = false;
  }
}
