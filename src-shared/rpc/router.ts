import type { z } from 'zod';
import { AppError, abortError, serializeError, toAppError } from '../errors.js';
import type { CallContext, ContractDef, ContractImpl, Progress } from './define.js';
import { Envelope } from './envelope.js';
import { Listeners, type Transport } from './transport.js';

export interface RouterLog {
  warn(msg: string, details?: unknown): void;
}

type EventMsg = { service: string; event: string; payload: unknown };

/**
 * Services are shared by every connection; a router validates each call against the contract,
 * gives the service an AbortSignal and a progress emitter, and turns every failure into data.
 */
export class Router<C extends ContractDef> {
  private readonly events = new Listeners<EventMsg>();

  constructor(
    private readonly contract: C,
    private readonly services: ContractImpl<C>,
    private readonly log: RouterLog = { warn: (m, d) => console.warn(`[router] ${m}`, d ?? '') },
  ) {}

  /** Publish a service event to every subscribed connection (validated against the contract). */
  publish(service: string, event: string, payload: unknown): void {
    const schema = this.contract[service]?.events[event];
    if (!schema) throw new AppError('INTERNAL', `Event ${service}.${event} is not in the contract`);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new AppError('INTERNAL', `Event ${service}.${event} payload breaks the contract`, parsed.error.issues);
    this.events.emit({ service, event, payload: parsed.data });
  }

  /** Serve one connection until the returned function is called (or the transport closes). */
  serve(transport: Transport): () => void {
    const inflight = new Map<number, AbortController>();
    const subs = new Set<string>();
    const offEvents = this.events.add((e) => {
      if (subs.has(`${e.service}.${e.event}`)) transport.post({ kind: 'event', ...e });
    });
    const safePost = (msg: unknown) => {
      try {
        transport.post(msg);
      } catch (err) {
        this.log.warn('could not post a message', serializeError(err));
      }
    };

    const offMsg = transport.onMessage((raw) => {
      const parsed = Envelope.safeParse(raw);
      if (!parsed.success) {
        const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : undefined;
        this.log.warn('malformed envelope', parsed.error.issues.slice(0, 3));
        if (id !== undefined) {
          safePost({ kind: 'response', id, ok: false, error: { code: 'BAD_ENVELOPE', message: 'Malformed envelope', details: parsed.error.issues.slice(0, 5) } });
        }
        return;
      }
      const msg = parsed.data;
      switch (msg.kind) {
        case 'request':
          void this.handleRequest(msg, inflight, safePost);
          break;
        case 'cancel':
          inflight.get(msg.id)?.abort(abortError());
          break;
        case 'subscribe':
          if (!this.contract[msg.service]?.events[msg.event]) {
            this.log.warn(`subscribe to unknown event ${msg.service}.${msg.event}`);
            return;
          }
          subs.add(`${msg.service}.${msg.event}`);
          break;
        case 'unsubscribe':
          subs.delete(`${msg.service}.${msg.event}`);
          break;
        default:
          this.log.warn(`unexpected envelope kind ${msg.kind} from a client`);
      }
    });

    const stop = () => {
      offMsg();
      offEvents();
      for (const c of inflight.values()) c.abort(abortError('The connection closed'));
      inflight.clear();
    };
    transport.onClose?.(stop);
    return stop;
  }

  private async handleRequest(
    msg: { id: number; service: string; method: string; input: unknown },
    inflight: Map<number, AbortController>,
    post: (m: unknown) => void,
  ): Promise<void> {
    const { id } = msg;
    const svcDef = Object.hasOwn(this.contract, msg.service) ? this.contract[msg.service] : undefined;
    const def = svcDef && Object.hasOwn(svcDef.methods, msg.method) ? svcDef.methods[msg.method] : undefined;
    const impl = def ? (this.services[msg.service] as Record<string, unknown>)[msg.method] : undefined;
    if (!def || typeof impl !== 'function') {
      this.log.warn(`unknown method ${msg.service}.${msg.method}`);
      post({ kind: 'response', id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method ${msg.service}.${msg.method}` } });
      return;
    }
    const input = def.input.safeParse(msg.input);
    if (!input.success) {
      const fields = input.error.issues.map((i) => (i.path.length ? i.path.join('.') : '(input)'));
      this.log.warn(`invalid input for ${msg.service}.${msg.method}: ${fields.join(', ')}`);
      post({
        kind: 'response',
        id,
        ok: false,
        error: {
          code: 'VALIDATION',
          message: `Invalid input for ${msg.service}.${msg.method}: ${input.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`,
          details: { fields, issues: input.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
        },
      });
      return;
    }
    const ac = new AbortController();
    inflight.set(id, ac);
    const ctx: CallContext = {
      signal: ac.signal,
      progress: (p: Progress) => {
        if (!ac.signal.aborted) post({ kind: 'progress', id, progress: p });
      },
      emit: (event: string, payload: unknown) => this.publish(msg.service, event, payload),
    };
    try {
      const fn = impl as (i: unknown, c: CallContext) => Promise<unknown>;
      const out = await fn.call(this.services[msg.service], input.data, ctx);
      if (ac.signal.aborted) throw abortError();
      const checked = (def.output as z.ZodType).safeParse(out);
      if (!checked.success) {
        throw new AppError('INTERNAL', `${msg.service}.${msg.method} returned data that breaks the contract`, checked.error.issues.slice(0, 5));
      }
      post({ kind: 'response', id, ok: true, output: checked.data });
    } catch (err) {
      const e = ac.signal.aborted ? abortError() : toAppError(err);
      if (e.code === 'INTERNAL') this.log.warn(`${msg.service}.${msg.method} failed: ${e.message}`, err instanceof Error ? err.stack : undefined);
      post({ kind: 'response', id, ok: false, error: e.toJSON() });
    } finally {
      inflight.delete(id);
    }
  }
}
