import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhantomFixture } from '../../src-main/phantom/fixture.js';
import { openBrowser, startWebApp, type Browser, type WebApp } from './browser.js';
import { studyPhantom } from './fixtures.js';
import { allSettledOrThrow, expectScreenshot, loadLabelMap, openStudy, tempConfigDir, waitState } from './ui.js';

/**
 * Export workflow: phantom study + label map + detected mitral ROI, every format from the Export
 * screen, files listed in the UI and present on disk, and "open folder" answering in web mode.
 */
describe('export all formats (web mode, phantom)', () => {
  let app: WebApp;
  let browser: Browser;
  let phantom: PhantomFixture;
  const configDir = tempConfigDir();
  const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cardioseg-e2e-export-')), 'out');

  beforeAll(async () => {
    await allSettledOrThrow([studyPhantom().then((p) => (phantom = p)), startWebApp({ CARDIOSEG_CONFIG_DIR: configDir }).then((a) => (app = a)), openBrowser().then((b) => (browser = b))]);
    const { page } = browser;
    await openStudy(page, app.url, phantom.dicomDir);
    await loadLabelMap(page, phantom.labelsPath);
    await page.getByTestId('panel-roi').click();
    await page.getByTestId('detect-roi').click();
    await waitState(page, 'roi-status', ['done']);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(configDir, { recursive: true, force: true });
    rmSync(path.dirname(outDir), { recursive: true, force: true });
  });

  it('writes SEG, NIfTI, STL, OBJ, the ROI and the report, and lists them', async () => {
    const { page } = browser;
    await page.getByTestId('tab-export').click();
    await page.getByTestId('format-obj').check();
    for (const f of ['seg', 'nifti', 'stl', 'obj', 'roi', 'report']) expect(await page.getByTestId(`format-${f}`).isChecked()).toBe(true);
    await page.getByTestId('export-out').fill(outDir);
    await page.getByTestId('export-run').click();
    expect(await waitState(page, 'export-status', ['done', 'error'], 180_000)).toBe('done');

    const listed = await page.getByTestId('export-file').allTextContents();
    expect(listed.length).toBeGreaterThan(10);
    const files = listed.map((t) => t.trim());
    const formats = new Set(await page.locator('[data-testid="export-file"] td:nth-child(2)').allTextContents());
    for (const f of ['seg', 'nifti', 'stl', 'obj', 'roi', 'html']) expect(formats, `format ${f} listed`).toContain(f);
    // Every listed file exists, is not empty, and lies inside the chosen folder.
    const paths = await page.locator('[data-testid="export-file"] td.path').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    expect(paths.length).toBe(files.length);
    for (const p of paths) {
      expect(p.startsWith(outDir), p).toBe(true);
      expect(existsSync(p), p).toBe(true);
      expect(statSync(p).size, p).toBeGreaterThan(0);
    }
    const stl = paths.filter((p) => p.endsWith('.stl'));
    expect(stl.length).toBeGreaterThanOrEqual(8);
    const seg = paths.find((p) => p.endsWith('.dcm'));
    expect(seg && readFileSync(seg).subarray(128, 132).toString('latin1')).toBe('DICM');
    await expectScreenshot(page, 'export-all', 3, ['export-out']);

    await page.getByTestId('open-folder').click();
    expect(await page.getByTestId('open-folder-result').textContent()).toContain(outDir);
  });
});
