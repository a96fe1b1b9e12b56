import { contract } from '../../../src-shared/contract/index.js';
import { createClient } from '../../../src-shared/rpc/client.js';
import { socketTransport } from '../../../src-shared/rpc/socket-transport.js';
import type { Transport } from '../../../src-shared/rpc/transport.js';
import { AppError } from '../../../src-shared/errors.js';
import './bridge.js';

export type Api = ReturnType<typeof createClient<typeof contract>>;
export type TransportKind = 'electron-ipc' | 'websocket';

function ipcTransport(): Transport | undefined {
  const bridge = window.cardioseg;
  if (!bridge) return undefined;
  return { post: (m) => bridge.post(m), onMessage: (fn) => bridge.onMessage(fn) };
}

async function wsTransport(): Promise<Transport> {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new AppError('TRANSPORT', 'No access token in the address: open the URL printed by `npm run web`.');
  const ws = new WebSocket(`ws://${location.host}/rpc?token=${encodeURIComponent(token)}`);
  ws.binaryType = 'arraybuffer';
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new AppError('TRANSPORT', 'Could not connect to the CardioSeg services (token refused or server stopped).')), { once: true });
  });
  return socketTransport({
    // Frames are always fresh non-shared buffers; TS 6's DOM typings just cannot see that.
    send: (f) => ws.send(f as Uint8Array<ArrayBuffer>),
    onFrame: (fn) => ws.addEventListener('message', (e: MessageEvent<ArrayBuffer>) => fn(new Uint8Array(e.data))),
    onClose: (fn) => ws.addEventListener('close', (e) => fn(e.code, e.reason)),
  });
}

/** Electron IPC when the preload bridge exists, otherwise the loopback WebSocket (web mode). */
export async function connect(): Promise<{ api: Api; kind: TransportKind }> {
  const ipc = ipcTransport();
  if (ipc) return { api: createClient(contract, ipc), kind: 'electron-ipc' };
  return { api: createClient(contract, await wsTransport()), kind: 'websocket' };
}
