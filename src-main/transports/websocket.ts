import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { encodeFrame } from '../../src-shared/rpc/binary-codec.js';
import { socketTransport, type FrameSocket } from '../../src-shared/rpc/socket-transport.js';
import type { Core } from '../core.js';

export const RPC_PATH = '/rpc';
/** ws buffers a whole message before we see it; this is the hard ceiling on one frame. */
const WS_HARD_LIMIT = 2 ** 31 - 1;

export interface WsOptions {
  token?: string;
  /** Frames above this many bytes get a PAYLOAD_TOO_LARGE error instead of being served. */
  maxFrameBytes?: number;
  log?: (line: string) => void;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function rawToBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

export function wrapWs(ws: WebSocket): FrameSocket {
  return {
    send: (f) => ws.send(f, { binary: true }),
    onFrame: (fn) => ws.on('message', (d, isBinary) => (isBinary ? fn(rawToBytes(d)) : ws.close(1003, 'binary frames only'))),
    onClose: (fn) => ws.on('close', (code, reason) => fn(code, reason.toString())),
  };
}

function tokenOk(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Attach the RPC endpoint to an HTTP server bound to loopback. A connection must present the
 * per-run token (query `?token=`); browsers must also come from the same origin.
 */
export function attachRpcWebSocket(server: Server, core: Core, opts: WsOptions = {}) {
  const token = opts.token ?? newToken();
  const maxFrame = opts.maxFrameBytes ?? 1.5 * 2 ** 30;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_HARD_LIMIT });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const host = req.headers.host ?? '';
    const originOk = origin === undefined || origin === `http://${host}`;
    if (url.pathname !== RPC_PATH || !tokenOk(token, url.searchParams.get('token')) || !originOk) {
      log(`[ws] refused connection from ${req.socket.remoteAddress} (${url.pathname !== RPC_PATH ? 'path' : !originOk ? 'origin' : 'token'})`);
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  const serveSocket = (ws: WebSocket) => {
    const frameSock = wrapWs(ws);
    // Intercept oversized frames before decoding their buffers: answer by id, keep serving.
    const guarded: FrameSocket = {
      send: frameSock.send,
      onClose: frameSock.onClose,
      onFrame: (fn) =>
        frameSock.onFrame((frame) => {
          if (frame.byteLength <= maxFrame) return fn(frame);
          log(`[ws] frame of ${frame.byteLength} bytes exceeds ${maxFrame}`);
          const id = peekId(frame);
          if (id !== undefined) {
            frameSock.send(encodeErr(id, frame.byteLength, maxFrame));
          }
        }),
    };
    const transport = socketTransport(guarded, (e) => log(`[ws] undecodable frame: ${e instanceof Error ? e.message : String(e)}`));
    core.router.serve(transport);
  };

  return {
    token,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }),
  };
}

function peekId(frame: Uint8Array): number | undefined {
  try {
    const hlen = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(4, true);
    if (hlen > 1_000_000) return undefined;
    const h = JSON.parse(Buffer.from(frame.subarray(8, 8 + hlen)).toString('utf8')) as { m?: { id?: unknown } };
    return typeof h.m?.id === 'number' ? h.m.id : undefined;
  } catch {
    return undefined;
  }
}

function encodeErr(id: number, size: number, max: number): Uint8Array {
  return encodeFrame({
    kind: 'response',
    id,
    ok: false,
    error: { code: 'PAYLOAD_TOO_LARGE', message: `Message of ${size} bytes exceeds the limit of ${max} bytes`, details: { size, max } },
  });
}
