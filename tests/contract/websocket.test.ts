import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeFrame, decodeFrame } from '../../src-shared/rpc/binary-codec.js';
import { createCore } from '../../src-main/core.js';
import { startWebServer, type WebServer } from '../../src-main/web/server.js';
import { connectWebSocketClient } from '../../src-main/transports/websocket-client.js';
import { rawToBytes } from '../../src-main/transports/websocket.js';

const sha = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

describe('WebSocket transport', () => {
  let server: WebServer;
  const logs: string[] = [];
  beforeAll(async () => {
    server = await startWebServer({ core: createCore({ log: { warn: (m) => logs.push(m) } }), log: (l) => logs.push(l), maxFrameBytes: 200 * 2 ** 20 });
  });
  afterAll(async () => server.close());

  it('binds to loopback only', () => {
    expect(server.url.startsWith('http://127.0.0.1:')).toBe(true);
  });

  it('refuses a connection without the token, or with a wrong one', async () => {
    const base = `ws://127.0.0.1:${server.port}/rpc`;
    await expect(connectWebSocketClient(base)).rejects.toMatchObject({ code: 'TRANSPORT' });
    await expect(connectWebSocketClient(`${base}?token=${'x'.repeat(server.token.length)}`)).rejects.toThrow(/401/);
    expect(logs.some((l) => l.includes('refused'))).toBe(true);
  });

  it('refuses a browser connection from another origin even with the token', async () => {
    const ws = new WebSocket(server.rpcUrl, { headers: { Origin: 'http://evil.example' } });
    const code = await new Promise<number | string>((resolve) => {
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve('opened'));
      ws.once('error', () => resolve('error'));
    });
    expect(code).toBe(401);
  });

  it('carries a 100 MB typed array intact as a binary frame', { timeout: 120_000 }, async () => {
    const client = await connectWebSocketClient(server.rpcUrl);
    try {
      const floats = new Float32Array(25_000_000);
      for (let i = 0; i < floats.length; i += 997) floats[i] = i * 0.25;
      floats[floats.length - 1] = -3.5;
      const out = await client.diagnostics.echo({ text: 'big', floats });
      expect(out.floats).toBeInstanceOf(Float32Array);
      expect(out.floats?.byteLength).toBe(100_000_000);
      expect(sha(out.floats as Float32Array)).toBe(sha(floats));
    } finally {
      await client.close();
    }
  });

  it('answers malformed frames and oversized payloads with clear errors and keeps serving', { timeout: 60_000 }, async () => {
    const ws = new WebSocket(server.rpcUrl);
    await new Promise((r) => ws.once('open', r));
    const replies: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => replies.push(decodeFrame(rawToBytes(d)) as Record<string, unknown>));
    ws.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    ws.send(encodeFrame({ kind: 'request', id: 1, service: 'diagnostics', method: 'nope', input: {} }));
    ws.send(encodeFrame({ kind: 'request', id: 2, service: 'diagnostics', method: 'echo', input: { text: 'x', bytes: new Uint8Array(201 * 2 ** 20) } }));
    ws.send(encodeFrame({ kind: 'request', id: 3, service: 'diagnostics', method: 'echo', input: { text: 'after' } }));
    for (let i = 0; i < 500 && replies.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const byId = (id: number) => replies.find((r) => r.id === id);
    expect(byId(1)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(byId(2)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(byId(3)).toMatchObject({ ok: true, output: { text: 'after' } });
    expect(logs.some((l) => l.includes('undecodable frame'))).toBe(true);
    ws.close();
  });

  it('serves the UI with a strict CSP and no path traversal', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/../../etc/passwd`);
    expect([403, 404]).toContain(res.status);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
