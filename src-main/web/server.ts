import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createCore, type Core } from '../core.js';
import { attachRpcWebSocket, RPC_PATH, type WsOptions } from '../transports/websocket.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Same policy as the Electron window: nothing remote, scripts only from ourselves. */
export function cspFor(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface WebServerOptions extends WsOptions {
  port?: number;
  /** Built renderer (vite build output). Omit to serve only the RPC endpoint. */
  staticDir?: string;
  core?: Core;
}

export interface WebServer {
  url: string;
  rpcUrl: string;
  token: string;
  port: number;
  core: Core;
  close(): Promise<void>;
}

/** Serve the renderer and the real services in plain Node, on 127.0.0.1 only. */
export async function startWebServer(opts: WebServerOptions = {}): Promise<WebServer> {
  const core = opts.core ?? createCore();
  let port = 0;
  const server = http.createServer((req, res) => {
    void serveStatic(req, res, opts.staticDir, port);
  });
  const rpc = attachRpcWebSocket(server, core, opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/?token=${rpc.token}`,
    rpcUrl: `ws://127.0.0.1:${port}${RPC_PATH}?token=${rpc.token}`,
    token: rpc.token,
    port,
    core,
    close: async () => {
      await rpc.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, root: string | undefined, port: number) {
  res.setHeader('Content-Security-Policy', cspFor(port));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  if (!root || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(root ? 405 : 404).end();
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(root, `.${rel}`);
  if (!file.startsWith(path.resolve(root) + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-store' });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404).end();
  }
}
