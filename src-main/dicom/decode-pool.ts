import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { AppError, deserializeError, type SerializedError } from '../../src-shared/errors.js';
import type { DecodeTask } from './decode-worker.js';
import type { DicomHeader } from './header.js';
import type { StoredArray } from './pixels.js';
import { spawnWorker } from '../util/worker.js';

/**
 * Decode files in worker threads: JPEG 2000 and friends are CPU-bound WASM, so cores add up, and
 * a worker stuck on a malformed file can be terminated (the per-file time bound), which a
 * synchronous decoder on the main thread cannot.
 */
interface Slot {
  worker: Worker;
  busy: boolean;
}
type Result = { id: number; frames?: StoredArray[]; error?: SerializedError };


export class DecodePool {
  private slots: Slot[] = [];
  private queue: Array<{ task: DecodeTask; resolve: (a: StoredArray[]) => void; reject: (e: Error) => void }> = [];
  private nextId = 1;
  private waiting = new Map<number, { slot: Slot; timer: NodeJS.Timeout; resolve: (a: StoredArray[]) => void; reject: (e: Error) => void; file: string }>();

  constructor(
    readonly size: number,
    private readonly timeoutMs: number,
  ) {}

  private addSlot(): Slot {
    const slot: Slot = { worker: spawnWorker('decode'), busy: false };
    slot.worker.unref();
    slot.worker.on('message', (m: Result | 'pong') => {
      if (m === 'pong') return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      clearTimeout(w.timer);
      slot.busy = false;
      if (m.error) w.reject(deserializeError(m.error));
      else w.resolve(m.frames ?? []);
      this.pump();
    });
    const fail = (why: string) => {
      for (const [id, w] of this.waiting) {
        if (w.slot !== slot) continue;
        this.waiting.delete(id);
        clearTimeout(w.timer);
        w.reject(new AppError('INTERNAL', `${w.file}: decoder worker ${why}`));
      }
      this.slots = this.slots.filter((s) => s !== slot);
      this.pump();
    };
    slot.worker.on('error', (e) => fail(`failed: ${e.message}`));
    slot.worker.on('exit', (code) => fail(`exited (${code})`));
    this.slots.push(slot);
    return slot;
  }

  /** Resolves once a worker answers, or rejects (then callers decode on the main thread). */
  async start(): Promise<void> {
    const slot = this.addSlot();
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new AppError('INTERNAL', 'decoder worker did not start')), 20_000);
      slot.worker.once('message', () => {
        clearTimeout(t);
        resolve();
      });
      slot.worker.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
      slot.worker.postMessage('ping');
    });
    while (this.slots.length < this.size) this.addSlot();
  }

  decode(file: string, header: DicomHeader, frames: number[]): Promise<StoredArray[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { id: this.nextId++, file, header, frames }, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.addSlot();
      if (!slot) return;
      const job = this.queue.shift() as (typeof this.queue)[0];
      slot.busy = true;
      const s = slot;
      const timer = setTimeout(() => {
        // The only way to stop a synchronous WASM decoder: end its thread, start a fresh one.
        this.waiting.delete(job.task.id);
        job.reject(new AppError('DATA', `${job.task.file}: decoding took longer than ${this.timeoutMs / 1000} s`, { file: job.task.file }));
        this.slots = this.slots.filter((x) => x !== s);
        void s.worker.terminate();
        this.pump();
      }, this.timeoutMs);
      this.waiting.set(job.task.id, { slot: s, timer, resolve: job.resolve, reject: job.reject, file: job.task.file });
      s.worker.postMessage(job.task);
    }
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

let shared: Promise<DecodePool | null> | undefined;

/** One process-wide pool (workers are unref'd, so they never keep a CLI alive); null if workers cannot start. */
export function sharedDecodePool(): Promise<DecodePool | null> {
  if (process.env.CARDIOSEG_DECODE_WORKERS === '0') return Promise.resolve(null);
  shared ??= (async () => {
    const n = Math.max(1, Math.min(4, Number(process.env.CARDIOSEG_DECODE_WORKERS) || os.availableParallelism()));
    const pool = new DecodePool(n, 60_000);
    try {
      await pool.start();
      return pool;
    } catch {
      await pool.close();
      return null;
    }
  })();
  return shared;
}
