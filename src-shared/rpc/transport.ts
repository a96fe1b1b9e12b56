/**
 * A transport moves envelopes (already-validated plain objects, typed arrays allowed) between
 * one router and one client. Electron IPC, WebSocket and the in-memory pair all implement it.
 */
export interface Transport {
  post(msg: unknown): void;
  onMessage(fn: (msg: unknown) => void): () => void;
  /** Called when the other side is gone; optional for transports that never close. */
  onClose?(fn: () => void): () => void;
}

export class Listeners<T> {
  private readonly fns = new Set<(v: T) => void>();
  add(fn: (v: T) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  emit(v: T): void {
    for (const fn of [...this.fns]) fn(v);
  }
  get size(): number {
    return this.fns.size;
  }
}
