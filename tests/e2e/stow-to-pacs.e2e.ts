import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCtSource } from '../../src-main/exports/source.js';
import type { PhantomFixture } from '../../src-main/phantom/fixture.js';
import { freePort, haveOrthanc, startOrthanc, type Orthanc } from '../helpers/orthanc.js';
import { openBrowser, screenshotPath, startWebApp, type Browser, type WebApp } from './browser.js';
import { studyPhantom } from './fixtures.js';
import { allSettledOrThrow, loadLabelMap, openStudy, tempConfigDir, waitState } from './ui.js';

if (!haveOrthanc) console.warn('STOW-RS e2e skipped: needs /usr/sbin/Orthanc and the orthanc-dicomweb plugin');

/**
 * Export screen → PACS: export the SEG, send it with DICOMweb STOW-RS to a real Orthanc on
 * loopback, and ask Orthanc's own DICOMweb API that a SEG series arrived under the CT's study.
 * Also the user's side of failure: a refused connection is a readable error, and only a
 * working address is remembered.
 */
describe.skipIf(!haveOrthanc)('send the SEG to a PACS (web mode, phantom, Orthanc)', () => {
  let app: WebApp;
  let browser: Browser;
  let phantom: PhantomFixture;
  let orthanc: Orthanc;
  const configDir = tempConfigDir();
  const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cardioseg-e2e-stow-')), 'out');

  beforeAll(async () => {
    await allSettledOrThrow([
      studyPhantom().then((p) => (phantom = p)),
      startWebApp({ CARDIOSEG_CONFIG_DIR: configDir }).then((a) => (app = a)),
      openBrowser().then((b) => (browser = b)),
      startOrthanc().then((o) => (orthanc = o)),
    ]);
    const { page } = browser;
    await openStudy(page, app.url, phantom.dicomDir);
    await loadLabelMap(page, phantom.labelsPath);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await orthanc?.stop();
    rmSync(configDir, { recursive: true, force: true });
    rmSync(path.dirname(outDir), { recursive: true, force: true });
  });

  it('exports the SEG, sends it, and Orthanc lists a SEG series under the study', async () => {
    const { page } = browser;
    await page.getByTestId('tab-export').click();
    // Nothing to send before an export, whatever the address.
    expect(await page.getByTestId('stow-send').isDisabled()).toBe(true);
    expect(await page.getByTestId('stow-blocker').textContent()).toContain('Export a DICOM SEG first');

    // The SEG alone keeps the export quick; the ROI format is off without a detected ROI.
    for (const f of ['nifti', 'stl', 'report']) await page.getByTestId(`format-${f}`).uncheck();
    await page.getByTestId('export-out').fill(outDir);
    await page.getByTestId('export-run').click();
    expect(await waitState(page, 'export-status', ['done', 'error'], 180_000)).toBe('done');

    // Only http(s) addresses can be sent to.
    await page.getByTestId('stow-url').fill('file:///etc/passwd');
    expect(await page.getByTestId('stow-send').isDisabled()).toBe(true);
    expect(await page.getByTestId('stow-blocker').textContent()).toContain('http://');

    // A PACS that is not there: a readable error, and the address is not remembered.
    const closed = await freePort();
    await page.getByTestId('stow-url').fill(`http://127.0.0.1:${closed}/dicom-web/studies`);
    await page.getByTestId('stow-send').click();
    expect(await waitState(page, 'stow-status', ['done', 'error'])).toBe('error');
    const err = (await page.getByTestId('stow-error').textContent()) ?? '';
    expect(err).toContain('IO');
    expect(err).toContain(`Could not reach the PACS at http://127.0.0.1:${closed}: connection refused`);
    const settingsFile = path.join(configDir, 'settings.json');
    const settings = () => JSON.parse(readFileSync(settingsFile, 'utf8')) as { stowUrl?: string };
    expect(() => settings()).toThrow(); // nothing saved yet

    const url = `${orthanc.base}/dicom-web/studies`;
    await page.getByTestId('stow-url').fill(url);
    await page.getByTestId('stow-send').click();
    expect(await waitState(page, 'stow-status', ['done', 'error'])).toBe('done');
    const result = page.getByTestId('stow-result');
    expect((await result.textContent())?.trim()).toBe('Stored 1 instance · HTTP 200');
    expect(await result.getAttribute('data-stored')).toBe('1');
    await page.screenshot({ path: screenshotPath('stow-to-pacs') });

    // Orthanc's own view: the CT's study now has exactly one series, a SEG.
    const study = (await loadCtSource(phantom.dicomDir)).dicom?.StudyInstanceUID;
    expect(study).toBeTruthy();
    const res = await fetch(`${orthanc.base}/dicom-web/studies/${study}/series`, { headers: { Accept: 'application/dicom+json' } });
    expect(res.status).toBe(200);
    const series = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
    expect(series.map((s) => s['00080060']?.Value?.[0])).toEqual(['SEG']);
    const instances = (await (await fetch(`${orthanc.base}/dicom-web/studies/${study}/instances`)).json()) as unknown[];
    expect(instances).toHaveLength(1);

    // The working address is remembered: saved, and offered again when the screen reopens.
    expect(settings().stowUrl).toBe(url);
    await page.getByTestId('tab-viewer').click();
    await page.getByTestId('tab-export').click();
    await expect.poll(() => page.getByTestId('stow-url').inputValue(), { timeout: 10_000 }).toBe(url);
  });
});
