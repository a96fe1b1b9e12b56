import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshotPath, startWebApp, type Browser, type WebApp } from './browser.js';
import { studyPhantom } from './fixtures.js';
import { waitState } from './ui.js';

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

  it('without WebGL, says so once and keeps working: series info, measurements panel, other screens', async () => {
    const phantom = await studyPhantom();
    const noGl = await openBrowser(undefined, ['--disable-webgl', '--disable-webgl2']);
    try {
      const { page } = noGl;
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(app.url);
      await page.getByTestId('path-input').fill(phantom.dicomDir);
      await page.getByTestId('scan-button').click();
      await waitState(page, 'scan-status', ['done']);
      await page.getByTestId('open-series').click();
      // Each view says why it has no image; one readable error names the cause.
      for (const v of ['axial', 'coronal', 'sagittal']) expect(await page.getByTestId(`view-failed-${v}`).textContent()).toMatch(/WebGL/);
      await page.getByTestId('app-error').first().waitFor();
      expect(await page.getByTestId('app-error').textContent()).toMatch(/WebGL/);
      expect(await page.getByTestId('app-error').count()).toBe(1);
      // The rest of the app is alive.
      expect(await page.getByTestId('volume-dims').textContent()).toBe('160 × 160 × 96');
      await page.getByTestId('tab-export').click();
      await page.getByTestId('tab-viewer').click();
      await page.getByTestId('view-failed-axial').waitFor();
      // Reopening the viewer does not pile up the same message.
      expect(await page.getByTestId('app-error').count()).toBe(1);
      expect(await page.getByTestId('app-error').textContent()).toContain('UNSUPPORTED');
      await page.screenshot({ path: screenshotPath('app-shell-no-webgl') });
      expect(consoleErrors).toEqual([]);
    } finally {
      await noGl.close();
    }
  });
});
