import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/contract/index.js';
import { AppError, isAppError } from '../../src-shared/errors.js';
import type { Progress } from '../../src-shared/rpc/define.js';
import { createCore } from '../../src-main/core.js';
import { createServices } from '../../src-main/services/index.js';
import { connectVia, type Connection, type TransportName } from './harness.js';
import { expectedErrors, samples, type Sample } from './samples.js';

type AnyClient = Record<string, Record<string, (input: unknown, opts?: unknown) => Promise<unknown>>>;

for (const transport of ['memory', 'websocket'] as TransportName[]) {
  describe(`contract over ${transport}`, () => {
    let conn: Connection;
    const seenAbort: boolean[] = [];

    beforeAll(async () => {
      const services = createServices();
      const realWait = services.diagnostics.wait;
      // Spy on the service side of cancellation: it must observe the abort, not just the client.
      services.diagnostics.wait = async (input, ctx) => {
        try {
          return await realWait(input, ctx);
        } finally {
          seenAbort.push(ctx.signal.aborted);
        }
      };
      conn = await connectVia(transport, createCore({ services, log: { warn: () => undefined } }));
    });
    afterAll(async () => conn.close());

    for (const [svc, def] of Object.entries(contract)) {
      for (const m of Object.keys(def.methods)) {
        const sample = (samples as unknown as Record<string, Record<string, Sample<unknown>>>)[svc]?.[m];
        it(`${svc}.${m} round-trips`, { timeout: (sample?.timeoutS ?? 60) * 1000 }, async () => {
          expect(sample, `tests/contract/samples.ts has no sample for ${svc}.${m}`).toBeDefined();
          const s = sample as Sample<unknown>;
          const call = (conn.client as unknown as AnyClient)[svc][m](await s.input());
          const code = expectedErrors[`${svc}.${m}`];
          if (code) {
            await expect(call).rejects.toMatchObject({ code });
            return;
          }
          const out = await call;
          s.check?.(out as never);
          const parsed = def.methods[m as keyof typeof def.methods] as { output: { safeParse(v: unknown): { success: boolean } } };
          expect(parsed.output.safeParse(out).success).toBe(true);
        });
      }
    }

    it('rejects invalid input with a VALIDATION error naming the field', async () => {
      const bad = conn.client.diagnostics.wait({ steps: 'three' as unknown as number, stepMs: 1 });
      await expect(bad).rejects.toBeInstanceOf(Error);
      const err = (await bad.catch((e: unknown) => e)) as AppError;
      expect(err.code).toBe('VALIDATION');
      expect(err.message).toContain('steps');
      expect((err.details as { fields: string[] }).fields).toContain('steps');
    });

    it('delivers a thrown AppError as an Error with the same code and details', async () => {
      const err = (await conn.client.diagnostics.fail({ code: 'QUALITY_GATE', message: 'gate failed' }).catch((e: unknown) => e)) as AppError;
      expect(err).toBeInstanceOf(Error);
      expect(isAppError(err)).toBe(true);
      expect(err.code).toBe('QUALITY_GATE');
      expect(err.message).toBe('gate failed');
      expect(err.details).toEqual({ requested: true });
    });

    it('cancels across the boundary: the call rejects ABORTED and the service saw the abort', async () => {
      const ac = new AbortController();
      const progress: Progress[] = [];
      const before = seenAbort.length;
      const call = conn.client.diagnostics.wait(
        { steps: 1000, stepMs: 20 },
        {
          signal: ac.signal,
          onProgress: (p) => {
            progress.push(p);
            if (progress.length === 2) ac.abort();
          },
        },
      );
      await expect(call).rejects.toMatchObject({ code: 'ABORTED' });
      // The service's finally block runs once its sleep observes the abort.
      for (let i = 0; i < 100 && seenAbort.length === before; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seenAbort.slice(before)).toEqual([true]);
      expect(progress.map((p) => p.done)).toEqual([1, 2]);
    });

    it('delivers events in order and stops after unsubscribe', async () => {
      const got: number[] = [];
      const off = conn.client.diagnostics.on('tick', (t) => got.push(t.n));
      await conn.client.diagnostics.emitTicks({ count: 50 });
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
      off();
      await conn.client.diagnostics.emitTicks({ count: 5 });
      await conn.client.diagnostics.echo({ text: 'flush' });
      expect(got).toHaveLength(50);
    });

  });
}

describe('AppError', () => {
  it('round-trips through toJSON', () => {
    const e = new AppError('IO', 'disk', { path: '/x' });
    expect(e.toJSON()).toEqual({ code: 'IO', message: 'disk', details: { path: '/x' } });
  });
});
