import { contract } from '../../src-shared/contract/index.js';
import { createClient } from '../../src-shared/rpc/client.js';
import { createMemoryPair } from '../../src-shared/rpc/memory.js';
import { createCore, type Core } from '../../src-main/core.js';
import { startWebServer } from '../../src-main/web/server.js';
import { connectWebSocketClient } from '../../src-main/transports/websocket-client.js';

export type TestClient = ReturnType<typeof createClient<typeof contract>>;
export interface Connection {
  client: TestClient;
  close(): Promise<void>;
}

export type TransportName = 'memory' | 'websocket';

const quietLog = { warn: () => undefined };

/** The same services behind either transport, so every contract test runs on both. */
export async function connectVia(name: TransportName, core: Core = createCore({ log: quietLog })): Promise<Connection> {
  if (name === 'memory') {
    const [server, clientSide] = createMemoryPair();
    const stop = core.router.serve(server);
    const client = createClient(contract, clientSide);
    return {
      client,
      close: async () => {
        client.dispose();
        stop();
      },
    };
  }
  const web = await startWebServer({ core, log: () => undefined });
  const client = await connectWebSocketClient(web.rpcUrl);
  return {
    client,
    close: async () => {
      await client.close();
      await web.close();
    },
  };
}
