import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshotPath, startWebApp, type Browser, type WebApp } from './browser.js';

describe('web mode: the app shell over the real services', () => {
  let app: WebApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startWebApp();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('renders the shell, calls system.info over the WebSocket and shows the result', async () => {
    const { page } = browser;
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(app.url);
    await page.getByTestId('app-shell').waitFor();
    await page.getByTestId('tf-backend').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('connection').textContent()).toContain('websocket');
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain((await page.getByTestId('tf-backend').textContent())?.trim());
    expect(['onnxruntime-node', 'tfjs']).toContain((await page.getByTestId('engine').textContent())?.trim());
    await page.screenshot({ path: screenshotPath('app-shell') });
    expect(consoleErrors).toEqual([]);
  });

  it('shows a readable error when opened without the token', async () => {
    const { page } = browser;
    await page.goto(app.url.replace(/\?token=.*/, ''));
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toMatch(/token/i);
  });
});
