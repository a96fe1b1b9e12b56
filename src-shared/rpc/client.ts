import { AppError, abortError, deserializeError, type SerializedError } from '../errors.js';
import type { CallOptions, ContractClient, ContractDef, Progress } from './define.js';
import type { Transport } from './transport.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onProgress?: (p: Progress) => void;
}

type Incoming =
  | { kind: 'response'; id: number; ok: boolean; output?: unknown; error?: SerializedError }
  | { kind: 'progress'; id: number; progress: Progress }
  | { kind: 'event'; service: string; event: string; payload: unknown };

/**
 * The typed proxy every consumer (renderer, CLI, tests) uses. Built from the contract object so
 * there is no hand-written list of methods that could drift.
 */
export function createClient<C extends ContractDef>(contract: C, transport: Transport): ContractClient<C> & { dispose(): void } {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();

  const off = transport.onMessage((raw) => {
    const msg = raw as Incoming;
    if (!msg || typeof msg !== 'object') return;
    if (msg.kind === 'response') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.output);
      else p.reject(deserializeError(msg.error ?? { code: 'INTERNAL', message: 'Malformed error response' }));
    } else if (msg.kind === 'progress') {
      pending.get(msg.id)?.onProgress?.(msg.progress);
    } else if (msg.kind === 'event') {
      for (const cb of listeners.get(`${msg.service}.${msg.event}`) ?? []) cb(msg.payload);
    }
  });
  transport.onClose?.(() => {
    for (const p of pending.values()) p.reject(new AppError('TRANSPORT', 'The connection to the CardioSeg services closed'));
    pending.clear();
  });

  const call = (service: string, method: string, input: unknown, opts: CallOptions = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const { signal } = opts;
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const id = nextId++;
      const onAbort = () => {
        if (!pending.has(id)) return;
        pending.delete(id);
        transport.post({ kind: 'cancel', id });
        reject(abortError());
      };
      pending.set(id, {
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
        onProgress: opts.onProgress,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        transport.post({ kind: 'request', id, service, method, input });
      } catch (e) {
        pending.delete(id);
        reject(e instanceof AppError ? e : new AppError('TRANSPORT', e instanceof Error ? e.message : 'Could not send the request'));
      }
    });

  const client: Record<string, unknown> = {};
  for (const [svc, def] of Object.entries(contract)) {
    const s: Record<string, unknown> = {};
    for (const m of Object.keys(def.methods)) s[m] = (input: unknown, opts?: CallOptions) => call(svc, m, input, opts);
    s.on = (event: string, cb: (p: unknown) => void) => {
      const key = `${svc}.${event}`;
      let set = listeners.get(key);
      if (!set) {
        set = new Set();
        listeners.set(key, set);
        transport.post({ kind: 'subscribe', service: svc, event });
      }
      set.add(cb);
      return () => {
        const cur = listeners.get(key);
        if (!cur?.delete(cb) || cur.size > 0) return;
        listeners.delete(key);
        transport.post({ kind: 'unsubscribe', service: svc, event });
      };
    };
    client[svc] = s;
  }
  client.dispose = () => {
    off();
    for (const p of pending.values()) p.reject(new AppError('TRANSPORT', 'Client disposed'));
    pending.clear();
  };
  return client as ContractClient<C> & { dispose(): void };
}
