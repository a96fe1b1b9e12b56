import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhantomFixture } from '../../src-main/phantom/fixture.js';
import { openBrowser, startWebApp, type Browser, type WebApp } from './browser.js';
import { studyPhantom } from './fixtures.js';
import { allSettledOrThrow, canvasBox, canvasPixel, expectScreenshot, loadLabelMap, openStudy, project, tempConfigDir, viewPixels, waitState } from './ui.js';

const centre = async (text: string | null): Promise<number[]> => (text ?? '').replace(/[^\d.,\s-]/g, '').split(',').map((v) => Number.parseFloat(v));

/**
 * Mitral ROI workflow on the phantom with its truth labels: find the annulus, compare centre and
 * diameters with the phantom's known annulus, see the box in every view, drag it, read the
 * valve-plane view, and save the adjusted ROI with the study.
 */
describe('mitral ROI (web mode, phantom)', () => {
  let app: WebApp;
  let browser: Browser;
  let phantom: PhantomFixture;
  const configDir = tempConfigDir();

  beforeAll(async () => {
    await allSettledOrThrow([studyPhantom().then((p) => (phantom = p)), startWebApp({ CARDIOSEG_CONFIG_DIR: configDir }).then((a) => (app = a)), openBrowser().then((b) => (browser = b))]);
    const { page } = browser;
    await openStudy(page, app.url, phantom.dicomDir);
    await loadLabelMap(page, phantom.labelsPath);
    await page.getByTestId('toggle-crosshair').uncheck();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('finds the annulus where the phantom put it and shows the measurements', async () => {
    const { page } = browser;
    await page.getByTestId('panel-roi').click();
    await page.getByTestId('detect-roi').click();
    expect(await waitState(page, 'roi-status', ['done', 'error'])).toBe('done');
    const truth = phantom.truth.annulus;
    const c = await centre(await page.getByTestId('roi-centre').textContent());
    expect(Math.hypot(c[0]! - truth.centreLps[0], c[1]! - truth.centreLps[1], c[2]! - truth.centreLps[2])).toBeLessThan(2.5);
    const row = async (key: string) => Number.parseFloat((await page.locator(`[data-testid="roi-measurements"] tr[data-key="${key}"] td.n`).textContent()) ?? 'NaN');
    expect(Math.abs((await row('maxDiameter')) - truth.majorDiameterMm)).toBeLessThan(3);
    expect(Math.abs((await row('minDiameter')) - truth.minorDiameterMm)).toBeLessThan(3);
    expect(Math.abs((await row('area')) - truth.areaMm2) / truth.areaMm2).toBeLessThan(0.15);
    // The box centre (magenta dot) is drawn on all three views through it.
    const lps = c as [number, number, number];
    for (const v of ['axial', 'coronal', 'sagittal'] as const) {
      const p = await project(page, v, lps);
      const px = await canvasPixel(page, `view-${v}`, p.x, p.y);
      expect(px[0] > 200 && px[1] < 140 && px[2] > 170, `${v}: ROI centre marker ${px.join(',')}`).toBe(true);
    }
    // The valve-plane view shows CT (not an empty black square).
    await page.waitForSelector('[data-testid="valve-view"][data-rendered="true"]', { state: 'attached' });
    const valve = await viewPixels(page, 'valve-view');
    let bright = 0;
    for (let i = 0; i < valve.rgb.length; i += 3) if ((valve.rgb[i] as number) > 60) bright++;
    expect(bright).toBeGreaterThan(1000);
    // Moving the plane along the valve axis: towards the ventricle (+) the centre turns LV blue,
    // towards the atrium (-) LA red: the view is oriented atrium -> ventricle as labelled.
    const centreColour = async (offsetMm: number) => {
      await page.getByTestId('valve-offset').fill(String(offsetMm));
      await page.waitForFunction(`document.querySelector('[data-testid="valve-view"] .num').textContent.startsWith(${JSON.stringify(offsetMm.toFixed(1))})`);
      const v = await viewPixels(page, 'valve-view');
      const i = (Math.floor(v.height / 2) * v.width + Math.floor(v.width / 2)) * 3;
      return [v.rgb[i] as number, v.rgb[i + 1] as number, v.rgb[i + 2] as number];
    };
    await page.getByTestId('valve-labels').check();
    const lv = await centreColour(8);
    expect(lv[2] - lv[0], `LV side ${lv.join(',')}`).toBeGreaterThan(40);
    const la = await centreColour(-8);
    expect(la[0] - la[2], `LA side ${la.join(',')}`).toBeGreaterThan(40);
    await centreColour(0);
    await page.getByTestId('valve-labels').uncheck();
    await expectScreenshot(page, 'mitral-roi');
  });

  it('moves the box by dragging in the axial view and saves the adjusted ROI with the study', async () => {
    const { page } = browser;
    const before = await centre(await page.getByTestId('roi-centre').textContent());
    const ax = await canvasBox(page, 'view-axial');
    // Canvas px per mm along screen x (patient left).
    const p0 = await project(page, 'axial', before as [number, number, number]);
    const p1 = await project(page, 'axial', [before[0]! + 10, before[1]!, before[2]!]);
    const pxPerMm = (p1.x - p0.x) / 10;
    expect(pxPerMm).toBeGreaterThan(0);
    await page.getByTestId('tool-roi').click();
    await page.mouse.move(ax.x + p0.x, ax.y + p0.y);
    await page.mouse.down();
    await page.mouse.move(ax.x + p0.x + 40, ax.y + p0.y, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('roi-adjusted').waitFor();
    const after = await centre(await page.getByTestId('roi-centre').textContent());
    expect(Math.abs(after[0]! - before[0]! - 40 / pxPerMm)).toBeLessThan(0.6);
    expect(Math.abs(after[1]! - before[1]!)).toBeLessThan(0.2);
    expect(Math.abs(after[2]! - before[2]!)).toBeLessThan(0.2);

    await page.getByTestId('save-roi').click();
    await page.getByTestId('roi-saved').waitFor();
    const saved = ((await page.getByTestId('roi-saved').textContent()) ?? '').replace(/^Saved:\s*/, '').trim();
    expect(existsSync(saved)).toBe(true);
    const rec = JSON.parse(readFileSync(saved, 'utf8'));
    expect(Math.abs(rec.box.centreLps[0] - after[0]!)).toBeLessThan(0.06);
    expect(rec.detectedBox.centreLps[0]).not.toBeCloseTo(rec.box.centreLps[0], 1);
  });
});
