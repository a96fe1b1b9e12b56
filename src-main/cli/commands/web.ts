import { access } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../src-shared/errors.js';
import { startWebServer } from '../../web/server.js';
import { APP_ROOT } from '../../version.js';
import { intOption, type Command } from '../command.js';

export const WEB_DIST = path.join(APP_ROOT, 'out', 'web');

export const webCommand: Command = {
  name: 'web',
  summary: 'Serve the UI and the real services on 127.0.0.1 (open the printed URL in a browser)',
  usage: 'cardioseg web [--port N]   (npm run web builds the UI first)',
  options: { port: { type: 'string' } },
  async run(ctx) {
    try {
      await access(path.join(WEB_DIST, 'index.html'));
    } catch {
      throw new AppError('NOT_FOUND', `The UI is not built (${WEB_DIST}); run \`npm run web\` or \`npm run build:web\` first`);
    }
    const server = await startWebServer({ port: intOption(ctx, 'port', 0), staticDir: WEB_DIST });
    // The URL goes to stdout on its own line so scripts (and the e2e tests) can read it.
    process.stdout.write(`CardioSeg is running at ${server.url}\n`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    return { url: server.url, stopped: true };
  },
  format: () => 'CardioSeg web server stopped',
};
