import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshotPath, startWebApp, type Browser, type WebApp } from './browser.js';
import { allSettledOrThrow, box, canvasPixel, expectScreenshot, lpsAt, renderWindowCounts, tempConfigDir, viewPixels, waitState } from './ui.js';
import { dataPath, hasShared } from '../helpers/paths.js';

const PHILIPS = dataPath('dicom', 'dcm_qa_ct', 'In', 'Philips');

/**
 * Open workflow on a real scanner folder: scan, series list (main CT chosen, localizer and
 * secondary captures listed but not chosen), recent studies persisted, the viewer with correct
 * orientation labels, slice scrolling, window presets, a distance in mm, and no WebGL context
 * or heap growth over 20 viewer open/close cycles.
 */
describe.skipIf(!hasShared)('import a series (web mode, real services, Debian Chromium)', () => {
  let app: WebApp;
  let browser: Browser;
  const configDir = tempConfigDir();
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await allSettledOrThrow([startWebApp({ CARDIOSEG_CONFIG_DIR: configDir }).then((a) => (app = a)), openBrowser().then((b) => (browser = b))]);
    // Track blob: URLs the page creates and revokes (CSP blocks fetching them to probe instead).
    await browser.page.addInitScript(`(() => {
      const live = new Set(); const create = URL.createObjectURL.bind(URL); const revoke = URL.revokeObjectURL.bind(URL);
      window.__liveBlobUrls = live;
      URL.createObjectURL = (o) => { const u = create(o); live.add(u); return u; };
      URL.revokeObjectURL = (u) => { live.delete(u); revoke(u); };
    })()`);
    browser.page.on('console', (m) => {
      if (m.type() === 'error' || /WebGL contexts/i.test(m.text())) consoleErrors.push(m.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('says clearly when a folder does not exist, and stays usable', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.getByTestId('path-input').fill('/nonexistent/cardioseg/study');
    await page.getByTestId('scan-button').click();
    expect(await waitState(page, 'scan-status', ['done', 'error'])).toBe('error');
    const text = (await page.getByTestId('scan-error').textContent()) ?? '';
    expect(text).toContain('Scanning the folder failed');
    expect(text).toMatch(/nonexistent|not found|exist/i);
  });

  it('scans the Philips folder and lists its series with the 28-slice axial CT as main', async () => {
    const { page } = browser;
    await page.getByTestId('path-input').fill(PHILIPS);
    await page.getByTestId('scan-button').click();
    expect(await waitState(page, 'scan-status', ['done', 'error'])).toBe('done');
    const rows = page.getByTestId('series-row');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    const main = page.locator('[data-testid="series-row"][data-main="true"]');
    expect(await main.getByTestId('series-slices').textContent()).toBe('28');
    const table = (await page.getByTestId('series-table').textContent()) ?? '';
    expect(table).toContain('localizer');
    expect(table).toContain('secondary-capture');
    expect(await page.getByTestId('recent-list').textContent()).toContain(PHILIPS);
    const recentFile = path.join(configDir, 'recent-studies.json');
    expect(existsSync(recentFile)).toBe(true);
    expect(JSON.parse(readFileSync(recentFile, 'utf8'))[0].path).toBe(PHILIPS);
    // Thumbnails load after the list: the main CT's and the localizer's are decoded images.
    const mainImg = main.getByTestId('series-thumb-img');
    await mainImg.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await mainImg.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    expect(await mainImg.getAttribute('src')).toMatch(/^blob:/);
    const locImg = page.locator('[data-testid="series-row"]', { hasText: 'localizer' }).first().getByTestId('series-thumb-img');
    await locImg.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await locImg.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    // Every thumbnail settled (drawn or failed) before the screenshot, so it is stable.
    await page.waitForSelector('[data-testid="series-thumb"][data-state="loading"]', { state: 'detached', timeout: 30_000 });
    expect(await page.locator('[data-testid="series-thumb"][data-state="error"]').count()).toBe(0);
    await expectScreenshot(page, 'import-series-open');
  });

  it('opens the main CT in the viewer with orientation labels, slices, presets and a measurement', async () => {
    const { page } = browser;
    await page.getByTestId('open-series').click();
    await page.waitForSelector('[data-testid="view-axial"][data-rendered="true"]', { state: 'attached', timeout: 60_000 });
    await page.waitForSelector('[data-testid="view-3d"][data-ready="true"]', { state: 'attached', timeout: 60_000 });
    expect(await page.getByTestId('volume-dims').textContent()).toBe('512 × 512 × 28');
    // This series has the identity direction: radiological convention on every view.
    const labels = async (v: string) => Promise.all(['left', 'right', 'top', 'bottom'].map(async (e) => (await page.getByTestId(`orient-${v}-${e}`).textContent())?.trim()));
    expect(await labels('axial')).toEqual(['R', 'L', 'A', 'P']);
    expect(await labels('coronal')).toEqual(['R', 'L', 'S', 'I']);
    expect(await labels('sagittal')).toEqual(['A', 'P', 'S', 'I']);

    // Scroll two slices toward the feet, then back with the keyboard.
    const ax = await box(page, 'view-axial');
    const before = Number(await page.getByTestId('view-axial').getAttribute('data-slice'));
    await page.mouse.move(ax.x + ax.width / 2, ax.y + ax.height / 2);
    await page.mouse.wheel(0, 100);
    await page.mouse.wheel(0, 100);
    await page.waitForSelector(`[data-testid="view-axial"][data-slice="${before + 2}"]`, { state: 'attached' });
    await page.keyboard.press('ArrowUp');
    await page.waitForSelector(`[data-testid="view-axial"][data-slice="${before + 1}"]`, { state: 'attached' });
    // Shift+drag pages through slices too (6 px per slice): 30 px up = 5 slices back.
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(ax.x + ax.width / 2, ax.y + ax.height / 2 - 30, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForSelector(`[data-testid="view-axial"][data-slice="${before - 4}"]`, { state: 'attached' });
    await page.keyboard.press('PageDown');
    await page.waitForSelector(`[data-testid="view-axial"][data-slice="${before + 6}"]`, { state: 'attached' });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.waitForSelector(`[data-testid="view-axial"][data-slice="${before + 1}"]`, { state: 'attached' });

    // Bone preset: the window readout and the image both change (skull stays bright, brain goes dark).
    const meanGrey = async () => {
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const v = await viewPixels(page, 'view-axial');
      let sum = 0;
      for (const x of v.rgb) sum += x;
      return sum / v.rgb.length;
    };
    await page.getByTestId('preset-soft').click();
    const soft = await meanGrey();
    await page.getByTestId('preset-bone').click();
    expect(await page.getByTestId('wl-readout').textContent()).toBe('W 2000 / L 500');
    // Brain (~35 HU) is mid-grey in the soft-tissue window and dark in the bone window.
    expect(soft - (await meanGrey())).toBeGreaterThan(3);
    await page.getByTestId('preset-cardiac').click();
    expect(await page.getByTestId('wl-readout').textContent()).toBe('W 800 / L 300');
    // Right-drag anywhere is window/level: right widens the window, down raises the level.
    await page.mouse.move(ax.x + ax.width / 2, ax.y + ax.height / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(ax.x + ax.width / 2 + 50, ax.y + ax.height / 2 + 25, { steps: 5 });
    await page.mouse.up({ button: 'right' });
    expect(await page.getByTestId('wl-readout').textContent()).toBe('W 1000 / L 350');
    // Ctrl+wheel zooms the view under the pointer only; double-click resets it.
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -250);
    await page.keyboard.up('Control');
    await page.waitForSelector('[data-testid="zoom-axial"]:not(:text-is("100%"))', { state: 'attached' });
    expect(Number.parseInt((await page.getByTestId('zoom-axial').textContent()) ?? '0', 10)).toBeGreaterThan(100);
    expect(await page.getByTestId('zoom-coronal').textContent()).toBe('100%');
    await page.mouse.dblclick(ax.x + ax.width / 2, ax.y + ax.height / 2);
    expect(await page.getByTestId('zoom-axial').textContent()).toBe('100%');
    await page.getByTestId('preset-cardiac').click();

    // A horizontal distance of 200 CSS px; its length in mm must equal the LPS distance of its ends.
    await page.getByTestId('tool-measure').click();
    const y = ax.height / 2 + 40;
    const x0 = ax.width / 2 - 100;
    const x1 = ax.width / 2 + 100;
    await page.mouse.move(ax.x + x0, ax.y + y);
    await page.mouse.down();
    await page.mouse.move(ax.x + x1, ax.y + y, { steps: 5 });
    await page.mouse.up();
    const mm = Number.parseFloat((await page.getByTestId('measurement-mm').first().textContent()) ?? 'NaN');
    const [a, b] = await Promise.all([lpsAt(page, 'axial', x0, y), lpsAt(page, 'axial', x1, y)]);
    expect(Math.abs(mm - Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]))).toBeLessThan(0.2);
    // Pixel spacing is 0.451 mm: the 512-pixel image spans 231 mm, shown ~400 px wide.
    expect(mm).toBeGreaterThan(80);
    expect(mm).toBeLessThan(160);
    // The skull is drawn: the axial view is not an empty black canvas.
    let bright = 0;
    for (let k = 0; k < 40; k++) {
      const p = await canvasPixel(page, 'view-axial', ax.width * (0.2 + (0.6 * k) / 40), ax.height * 0.5);
      if (p[0] > 200) bright++;
    }
    expect(bright).toBeGreaterThan(0);
    await page.getByTestId('tool-crosshair').click();
    await expectScreenshot(page, 'import-series-viewer');
  });

  it('opens and closes the viewer 20 times without piling up WebGL contexts or heap', async () => {
    const { page, context } = browser;
    const cdp = await context.newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const first = await renderWindowCounts(page);
    const heap0 = await heap();
    for (let n = 0; n < 20; n++) {
      await page.getByTestId('tab-open').click();
      await page.getByTestId('series-table').waitFor();
      await page.getByTestId('tab-viewer').click();
      await page.waitForSelector('[data-testid="view-3d"][data-ready="true"]', { state: 'attached' });
      await page.waitForSelector('[data-testid="view-axial"][data-rendered="true"]', { state: 'attached' });
    }
    const last = await renderWindowCounts(page);
    const heap1 = await heap();
    // Chromium's own signal first: it warns when live WebGL contexts pile up (16 max).
    expect(consoleErrors).toEqual([]);
    // One shared vtk.js render window draws all four views; each close frees it.
    expect(last.created - first.created).toBe(20);
    expect(last.live).toBe(1);
    expect(last.canvases).toBe(first.canvases);
    // The CT itself (14 MB) lives in the store; 20 cycles may not add more than a few MB.
    expect(heap1 - heap0).toBeLessThan(8 * 1024 * 1024);
  });

  it('shows the gantry tilt and uneven spacing of the GE series as warnings in the viewer', async () => {
    const { page } = browser;
    await page.getByTestId('tab-open').click();
    const oldThumb = page.getByTestId('series-thumb-img').first();
    await oldThumb.waitFor({ state: 'visible', timeout: 30_000 });
    const oldUrl = (await oldThumb.getAttribute('src')) ?? '';
    const live = (u: string) => page.evaluate<boolean>(`window.__liveBlobUrls.has(${JSON.stringify(u)})`);
    expect(await live(oldUrl)).toBe(true);
    await page.getByTestId('path-input').fill(dataPath('dicom', 'dcm_qa_ct', 'In', 'GE'));
    await page.getByTestId('scan-button').click();
    expect(await waitState(page, 'scan-status', ['done', 'error'])).toBe('done');
    // The Philips list is gone, and so are its thumbnails' blob URLs.
    expect(await live(oldUrl)).toBe(false);
    await page.getByTestId('open-series').click();
    await page.waitForSelector('[data-testid="view-axial"][data-rendered="true"]', { state: 'attached' });
    const warnings = (await page.getByTestId('load-warnings').textContent()) ?? '';
    expect(warnings).toMatch(/tilt/i);
    expect(warnings).toMatch(/18\.5/);
    expect(warnings).toMatch(/spacing|gap/i);
    // The sheared grid is shown on true patient planes, and the toolbar says so.
    expect(await page.getByTestId('oblique-note').textContent()).toMatch(/18\.\d° oblique — resampled/);
    await page.screenshot({ path: screenshotPath('import-series-ge-warnings') });
  });
});
