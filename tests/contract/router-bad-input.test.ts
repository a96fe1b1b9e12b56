import { describe, expect, it } from 'vitest';
import { createMemoryPair } from '../../src-shared/rpc/memory.js';
import { createCore } from '../../src-main/core.js';

/** Drive the router with raw envelopes, as a buggy or hostile client would. */
function rawConnection() {
  const warnings: string[] = [];
  const core = createCore({ log: { warn: (m) => warnings.push(m) } });
  const [server, client] = createMemoryPair();
  core.router.serve(server);
  const inbox: Array<Record<string, unknown>> = [];
  client.onMessage((m) => inbox.push(m as Record<string, unknown>));
  const waitFor = async (pred: (m: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const hit = inbox.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('no matching message');
  };
  return { post: (m: unknown) => client.post(m), waitFor, warnings };
}

describe('router bad input', () => {
  it('answers an unknown method with UNKNOWN_METHOD, logs it, and keeps serving', async () => {
    const c = rawConnection();
    c.post({ kind: 'request', id: 1, service: 'dicom', method: 'formatDisk', input: {} });
    c.post({ kind: 'request', id: 2, service: 'constructor', method: 'toString', input: {} });
    const r1 = await c.waitFor((m) => m.id === 1);
    const r2 = await c.waitFor((m) => m.id === 2);
    expect(r1).toMatchObject({ kind: 'response', ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(r2).toMatchObject({ kind: 'response', ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(c.warnings.some((w) => w.includes('unknown method'))).toBe(true);
    c.post({ kind: 'request', id: 3, service: 'diagnostics', method: 'echo', input: { text: 'ok' } });
    expect(await c.waitFor((m) => m.id === 3)).toMatchObject({ ok: true, output: { text: 'ok' } });
  });

  it('answers a malformed envelope with an id by BAD_ENVELOPE and ignores ones without', async () => {
    const c = rawConnection();
    c.post({ kind: 'request', id: 7, service: 42 });
    c.post('garbage');
    c.post(null);
    c.post({ kind: 'launch-missiles' });
    expect(await c.waitFor((m) => m.id === 7)).toMatchObject({ ok: false, error: { code: 'BAD_ENVELOPE' } });
    expect(c.warnings.filter((w) => w.includes('malformed')).length).toBe(4);
    c.post({ kind: 'request', id: 8, service: 'diagnostics', method: 'echo', input: { text: 'alive' } });
    expect(await c.waitFor((m) => m.id === 8)).toMatchObject({ ok: true });
  });

  it('rejects wrongly typed payloads with VALIDATION naming the field', async () => {
    const c = rawConnection();
    c.post({ kind: 'request', id: 1, service: 'diagnostics', method: 'echo', input: { text: 5, bytes: [1, 2] } });
    const r = (await c.waitFor((m) => m.id === 1)) as { error: { code: string; details: { fields: string[] } } };
    expect(r.error.code).toBe('VALIDATION');
    expect(r.error.details.fields).toEqual(expect.arrayContaining(['text', 'bytes']));
  });
});
