import { WebSocket } from 'ws';
import { contract } from '../../src-shared/contract/index.js';
import { createClient } from '../../src-shared/rpc/client.js';
import { socketTransport } from '../../src-shared/rpc/socket-transport.js';
import { AppError } from '../../src-shared/errors.js';
import { wrapWs } from './websocket.js';

/** A Node client of the WebSocket transport (tests, scripts, a CLI talking to a running app). */
export async function connectWebSocketClient(url: string) {
  const ws = new WebSocket(url, { maxPayload: 2 ** 31 - 1 });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', (e) => reject(new AppError('TRANSPORT', `WebSocket connection failed: ${e.message}`)));
    ws.once('unexpected-response', (_req, res) => reject(new AppError('TRANSPORT', `WebSocket refused: HTTP ${res.statusCode}`)));
  });
  const transport = socketTransport(wrapWs(ws));
  const client = createClient(contract, transport);
  return Object.assign(client, {
    close: () =>
      new Promise<void>((resolve) => {
        client.dispose();
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  });
}
