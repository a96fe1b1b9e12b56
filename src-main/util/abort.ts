import { abortError } from '../../src-shared/errors.js';

/** Yield to the event loop so long loops stay cancellable and never starve other calls. */
export function yieldToLoop(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      if (signal?.aborted) reject(abortError());
      else resolve();
    }),
  );
}
