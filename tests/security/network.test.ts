import dns from 'node:dns';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/core.js';
import { startWebServer, type WebServer } from '../../src-main/web/server.js';
import { connectWebSocketClient } from '../../src-main/transports/websocket-client.js';
import { contract } from '../../src-shared/contract/index.js';
import { expectedErrors, samples, type Sample } from '../contract/samples.js';

interface Attempt {
  kind: 'connect' | 'lookup';
  target: string;
}

/**
 * An offline clinical workstation must not phone home. Record every outgoing socket and DNS
 * lookup made in this process while the real services answer calls over the WebSocket.
 */
describe('services make no network connection other than the loopback WebSocket', () => {
  const attempts: Attempt[] = [];
  const origConnect = net.Socket.prototype.connect;
  const origLookup = dns.lookup;
  const origPLookup = dns.promises.lookup;
  let server: WebServer;

  beforeAll(async () => {
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      // net.connect() passes its normalised [options, cb] array as the first argument.
      const a = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
      let target = 'unknown';
      if (typeof a === 'number') target = `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${a}`;
      else if (a && typeof a === 'object') {
        const o = a as { host?: string; port?: number; path?: string };
        target = o.path ? `unix:${o.path}` : `${o.host ?? 'localhost'}:${o.port}`;
      } else if (typeof a === 'string') target = `unix:${a}`;
      attempts.push({ kind: 'connect', target });
      return (origConnect as (...x: unknown[]) => net.Socket).apply(this, args);
    } as typeof net.Socket.prototype.connect;
    (dns as { lookup: unknown }).lookup = ((host: string, ...rest: unknown[]) => {
      attempts.push({ kind: 'lookup', target: host });
      return (origLookup as (...x: unknown[]) => unknown)(host, ...rest);
    }) as typeof dns.lookup;
    (dns.promises as { lookup: unknown }).lookup = (host: string, ...rest: unknown[]) => {
      attempts.push({ kind: 'lookup', target: host });
      return (origPLookup as (...x: unknown[]) => unknown)(host, ...rest);
    };
    server = await startWebServer({ core: createCore({ log: { warn: () => undefined } }), log: () => undefined });
  });

  afterAll(async () => {
    net.Socket.prototype.connect = origConnect;
    (dns as { lookup: unknown }).lookup = origLookup;
    (dns.promises as { lookup: unknown }).lookup = origPLookup;
    await server?.close();
  });

  it('runs every quick contract sample over the WebSocket and only ever connects to 127.0.0.1', { timeout: 600_000 }, async () => {
    const client = await connectWebSocketClient(server.rpcUrl);
    const called: string[] = [];
    try {
      for (const [svc, def] of Object.entries(contract)) {
        for (const m of Object.keys(def.methods)) {
          const s = (samples as unknown as Record<string, Record<string, Sample<unknown>>>)[svc]?.[m];
          if (!s || (s.timeoutS ?? 60) > 60) continue;
          const fn = (client as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[svc][m];
          const p = fn(await s.input());
          if (expectedErrors[`${svc}.${m}`]) await p.catch(() => undefined);
          else await p;
          called.push(`${svc}.${m}`);
        }
      }
    } finally {
      await client.close();
    }
    expect(called).toContain('system.info');
    const loopbackLookup = (a: Attempt) => a.kind === 'lookup' && (a.target === '127.0.0.1' || a.target === 'localhost');
    const foreign = attempts.filter((a) => !loopbackLookup(a) && !(a.kind === 'connect' && a.target === `127.0.0.1:${server.port}`));
    expect(foreign).toEqual([]);
    expect(attempts.some((a) => a.target === `127.0.0.1:${server.port}`)).toBe(true);
  });
});
