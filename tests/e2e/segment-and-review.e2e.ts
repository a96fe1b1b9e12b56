import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../src-shared/classes.js';
import type { PhantomFixture } from '../../src-main/phantom/fixture.js';
import type { Vec3 } from '../../src-shared/volume/volume.js';
import type { Page } from 'playwright-core';
import { openBrowser, screenshotPath, startWebApp, type Browser, type WebApp } from './browser.js';
import { interiorPoints, studyPhantom, tinyModel } from './fixtures.js';
import { allSettledOrThrow, canvasBox, canvasPixel, expectScreenshot, lpsAt, openStudy, showInAxial, tempConfigDir, viewPixels, waitState } from './ui.js';

/**
 * Segmentation workflow on a generated cardiac phantom: run the model from the UI (progress,
 * engine, structure list, 3D surfaces), then review the truth label map: product colours
 * sampled in the overlay inside every structure, volumes in mL against truth.json,
 * per-structure visibility, and anatomy on the correct side of the screen.
 */
describe('segment and review (web mode, phantom)', () => {
  let app: WebApp;
  let browser: Browser;
  let phantom: PhantomFixture;
  let modelDir: string;
  let points: Map<number, { lps: Vec3; ijk: Vec3 }>;
  const configDir = tempConfigDir();
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await allSettledOrThrow([
      studyPhantom().then((p) => (phantom = p)),
      tinyModel().then((m) => (modelDir = m)),
      startWebApp({ CARDIOSEG_CONFIG_DIR: configDir }).then((a) => (app = a)),
      openBrowser().then((b) => (browser = b)),
    ]);
    points = await interiorPoints(phantom.labelsPath);
    browser.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const { page } = browser;
    await openStudy(page, app.url, phantom.dicomDir);
    await page.getByTestId('panel-segmentation').click();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('runs the segmentation from the UI: cancel, run again, structure list, engine, confidence', async () => {
    const { page } = browser;
    await page.getByTestId('seg-model-dir').fill(modelDir);
    await page.getByTestId('run-segmentation').click();
    await page.getByTestId('segmentation-cancel').click();
    expect(await waitState(page, 'segmentation-status', ['cancelled', 'done', 'error'])).toBe('cancelled');
    await page.getByTestId('run-segmentation').click();
    expect(await waitState(page, 'segmentation-status', ['done', 'error'])).toBe('done');
    expect(await page.getByTestId('seg-meta').textContent()).toMatch(/onnxruntime-node|tfjs/);
    expect(await page.getByTestId('structure-row').count()).toBe(8);
    // The confidence map is an optional overlay: with the threshold at 1.0, voxels the model was
    // unsure about are tinted towards magenta (red and blue up more than green), and unchecking
    // takes the tint away again.
    const frame = () => page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const tintedAgainst = (a: Buffer, b: Buffer) => {
      let n = 0;
      for (let i = 0; i < a.length; i += 3) {
        const dr = (b[i] as number) - (a[i] as number);
        const dg = (b[i + 1] as number) - (a[i + 1] as number);
        const db = (b[i + 2] as number) - (a[i + 2] as number);
        if (dr - dg > 15 && db - dg > 15) n++;
      }
      return n;
    };
    await frame();
    const plain = await viewPixels(page, 'view-axial');
    await page.locator('[data-testid="show-confidence"] ~ input[type="number"]').fill('1');
    await page.getByTestId('show-confidence').check();
    await frame();
    const tinted = await viewPixels(page, 'view-axial');
    await page.screenshot({ path: screenshotPath('segment-confidence') });
    expect(tintedAgainst(plain.rgb, tinted.rgb), 'low-confidence tint shown').toBeGreaterThan(200);
    await page.getByTestId('show-confidence').uncheck();
    await frame();
    expect(tintedAgainst(plain.rgb, (await viewPixels(page, 'view-axial')).rgb)).toBeLessThan(20);
    await page.locator('[data-testid="show-confidence"] ~ input[type="number"]').fill('0.7');
  });

  it('shows the truth label map in the product colours at every structure, with volumes in mL', async () => {
    const { page } = browser;
    await page.getByTestId('label-path').fill(phantom.labelsPath);
    await page.getByTestId('load-labels').click();
    expect(await waitState(page, 'labels-status', ['done', 'error'])).toBe('done');

    for (const s of phantom.truth.structures) {
      const shown = Number.parseFloat((await page.getByTestId(`ml-${s.id}`).textContent()) ?? 'NaN');
      expect(Math.abs(shown - s.volumeMl)).toBeLessThanOrEqual(Math.max(0.1, 0.01 * s.volumeMl));
    }
    await page.waitForSelector('[data-testid="view-3d"][data-surfaces="8"]', { state: 'attached' });
    // Sample the overlay, not the crosshair lines that pass through the clicked point.
    await page.getByTestId('toggle-crosshair').uncheck();

    await overlayColoursMatch(page, points, async () => {
      await page.getByTestId('panel-image').click();
      await page.getByTestId('panel-segmentation').click();
      await expectScreenshot(page, 'segment-and-review');
    });
  });

  it('fades one structure with its opacity slider and hides it with its checkbox', async () => {
    const { page } = browser;
    const lv = points.get(3)?.lps as Vec3;
    const at = await showInAxial(page, lv);
    const blue = async () => {
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const [r, , b] = await canvasPixel(page, 'view-axial', at.x, at.y);
      return b - r;
    };
    await page.getByTestId('opacity-3').fill('1');
    const full = await blue();
    await page.getByTestId('opacity-3').fill('0.2');
    const faint = await blue();
    await page.getByTestId('visible-3').uncheck();
    const hidden = await blue();
    // Left ventricle blue: strongest at full opacity, weaker when faded, gone (grey) when hidden.
    expect(full).toBeGreaterThan(faint + 40);
    expect(faint).toBeGreaterThan(hidden + 10);
    expect(Math.abs(hidden)).toBeLessThan(6);
    await page.getByTestId('visible-3').check();
    await page.getByTestId('opacity-3').fill('0.5');
  });

  it('rotates the 3D view by dragging and zooms it with the wheel', async () => {
    const { page } = browser;
    const frame = () => page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    // Pixels that are not the 3D view's dark background.
    const lit = (p: { rgb: Buffer }) => {
      let n = 0;
      for (let i = 0; i < p.rgb.length; i += 3) if ((p.rgb[i] as number) + (p.rgb[i + 1] as number) + (p.rgb[i + 2] as number) > 60) n++;
      return n;
    };
    const b = await canvasBox(page, 'view-3d');
    const before = await viewPixels(page, 'view-3d');
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2 + 90, b.y + b.height / 2, { steps: 6 });
    await page.mouse.up();
    await frame();
    const rotated = await viewPixels(page, 'view-3d');
    let diff = 0;
    for (let i = 0; i < before.rgb.length; i++) diff += Math.abs((before.rgb[i] as number) - (rotated.rgb[i] as number));
    expect(diff / before.rgb.length, 'the scene turned').toBeGreaterThan(3);
    await page.mouse.wheel(0, -400);
    await frame();
    const zoomed = await viewPixels(page, 'view-3d');
    expect(lit(zoomed), 'zooming in fills more of the view').toBeGreaterThan(lit(rotated) * 1.3);
    await page.getByTestId('view-3d').getByRole('button', { name: 'Reset' }).click();
  });

  it('puts anatomy on the correct side of the screen (patient left = screen right, posterior = down)', async () => {
    await checkAnatomy(browser.page, points);
    expect(consoleErrors).toEqual([]);
  });

  it('shows the same anatomy, with the same labels, for a grid stored right-to-left and anterior-to-posterior flipped', async () => {
    const { page } = browser;
    const flipped = await studyPhantom([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    const flippedPoints = await interiorPoints(flipped.labelsPath);
    await page.getByTestId('tab-open').click();
    await page.getByTestId('path-input').fill(flipped.dicomDir);
    await page.getByTestId('scan-button').click();
    await waitState(page, 'scan-status', ['done']);
    await page.getByTestId('open-series').click();
    await page.waitForSelector('[data-testid="view-axial"][data-rendered="true"]', { state: 'attached' });
    expect(await page.getByTestId('series-info').textContent()).toContain('RAS');
    for (const [edge, want] of [['left', 'R'], ['right', 'L'], ['top', 'A'], ['bottom', 'P']]) expect((await page.getByTestId(`orient-axial-${edge}`).textContent())?.trim()).toBe(want);
    await page.getByTestId('toggle-crosshair').uncheck();
    await page.getByTestId('panel-segmentation').click();
    await page.getByTestId('label-path').fill(flipped.labelsPath);
    await page.getByTestId('load-labels').click();
    await waitState(page, 'labels-status', ['done']);
    await checkAnatomy(page, flippedPoints);
  });

  it('resamples an oblique acquisition onto true patient planes, and shows the scanner grid on request', async () => {
    const { page } = browser;
    // Grid rotated 20 degrees about the anterior-posterior axis, as a tilted acquisition would be.
    const t = (20 * Math.PI) / 180;
    const oblique = await studyPhantom([Math.cos(t), 0, Math.sin(t), 0, 1, 0, -Math.sin(t), 0, Math.cos(t)]);
    const obliquePoints = await interiorPoints(oblique.labelsPath);
    await page.getByTestId('tab-open').click();
    await page.getByTestId('path-input').fill(oblique.dicomDir);
    await page.getByTestId('scan-button').click();
    await waitState(page, 'scan-status', ['done']);
    await page.getByTestId('open-series').click();
    await page.waitForSelector('[data-testid="view-axial"][data-rendered="true"]', { state: 'attached' });
    expect(await page.getByTestId('oblique-note').textContent()).toContain('20.0° oblique — resampled');
    await page.getByTestId('toggle-crosshair').uncheck();
    await page.getByTestId('panel-segmentation').click();
    await page.getByTestId('label-path').fill(oblique.labelsPath);
    await page.getByTestId('load-labels').click();
    await waitState(page, 'labels-status', ['done']);

    // Patient axes: the axial view is a true axial plane (constant S across the screen)...
    const a = await lpsAt(page, 'axial', 40, 100);
    const b = await lpsAt(page, 'axial', 300, 100);
    expect(Math.abs(a[2] - b[2])).toBeLessThan(1e-6);
    // ...and what vtk.js draws there is the label at each structure's own patient position.
    await overlayColoursMatch(page, obliquePoints);
    await checkAnatomy(page, obliquePoints);
    await expectScreenshot(page, 'segment-oblique-patient-axes');

    // Scanner grid: the axial view follows the tilted voxel slices (S changes across the screen
    // by tan 20 degrees), and still shows each label where it lies.
    await page.getByTestId('space-acquisition').click();
    await page.waitForSelector('[data-testid="view-axial"][data-space="acquisition"]', { state: 'attached' });
    const c = await lpsAt(page, 'axial', 40, 100);
    const d = await lpsAt(page, 'axial', 300, 100);
    const run = Math.hypot(d[0] - c[0], d[1] - c[1]);
    expect(Math.abs(Math.abs(d[2] - c[2]) / run - Math.tan(t))).toBeLessThan(1e-3);
    await overlayColoursMatch(page, obliquePoints);
    await page.getByTestId('space-patient').click();
    expect(consoleErrors).toEqual([]);
  });
});

/**
 * At an interior point of every class, the pixel on screen moves towards the class colour, and
 * goes back to grey when the structures are hidden. `between` runs while they are shown.
 */
async function overlayColoursMatch(page: Page, points: Map<number, { lps: Vec3 }>, between?: () => Promise<void>): Promise<void> {
  const on = new Map<number, [number, number, number]>();
  for (const [c, p] of points) {
    const at = await showInAxial(page, p.lps);
    on.set(c, await canvasPixel(page, 'view-axial', at.x, at.y));
  }
  await between?.();
  await page.getByRole('button', { name: 'None', exact: true }).click();
  for (const [c, p] of points) {
    const at = await showInAxial(page, p.lps);
    const off = await canvasPixel(page, 'view-axial', at.x, at.y);
    const rgb = CLASSES[c]?.rgb as [number, number, number];
    const shown = on.get(c) as [number, number, number];
    expect(Math.abs(off[0] - off[1]) + Math.abs(off[1] - off[2]), `class ${c} hidden is grey`).toBeLessThan(6);
    for (let ch = 0; ch < 3; ch++) {
      const want = rgb[ch] as number;
      const grey = off[ch] as number;
      // The overlay blends towards the class colour: each channel moves towards it.
      if (Math.abs(want - grey) > 60) expect(Math.sign((shown[ch] as number) - grey), `class ${c} channel ${ch}`).toBe(Math.sign(want - grey));
    }
  }
  await page.getByRole('button', { name: 'All', exact: true }).click();
}

/** Screen positions read from the rendered overlay colours, not from the view's own mapping. */
async function checkAnatomy(page: Page, points: Map<number, { lps: Vec3 }>): Promise<void> {
  const mid = (a: Vec3, b: Vec3): Vec3 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
  const centroid = async (target: Vec3, rgb: readonly number[]) => {
    await showInAxial(page, target);
    // Read from what is on screen (vtk.js layers + overlay canvas), not from the view's mapping.
    const { width, rgb: d } = await viewPixels(page, 'view-axial');
    let x = 0;
    let y = 0;
    let n = 0;
    for (let i = 0; i < d.length; i += 3) {
      // Blended pixels keep the sign pattern of (class colour - grey) in every channel.
      const r = d[i] as number;
      const gr = d[i + 1] as number;
      const bl = d[i + 2] as number;
      const g0 = (r + gr + bl) / 3;
      let ok = true;
      [r, gr, bl].forEach((v, k) => {
        const t = (rgb[k] as number) - 128;
        if (Math.abs(t) > 100 && (Math.sign(v - g0) !== Math.sign(t) || Math.abs(v - g0) < 25)) ok = false;
      });
      if (ok) {
        const p = i / 3;
        x += p % width;
        y += Math.floor(p / width);
        n++;
      }
    }
    return { x: x / n, y: y / n, n };
  };
  const pairs: [number, number][] = [
    [3, 5],
    [2, 3],
    [4, 2],
  ];
  let checks = 0;
  for (const [a, b] of pairs) {
    const pa = points.get(a)?.lps as Vec3;
    const pb = points.get(b)?.lps as Vec3;
    const at = mid(pa, pb);
    const ca = await centroid(at, CLASSES[a]?.rgb as number[]);
    const cb = await centroid(at, CLASSES[b]?.rgb as number[]);
    expect(ca.n, `class ${a} visible`).toBeGreaterThan(20);
    expect(cb.n, `class ${b} visible`).toBeGreaterThan(20);
    // Truth in LPS: +x is patient left (screen right), +y is posterior (screen down).
    if (Math.abs(pa[0] - pb[0]) > 10) {
      expect(Math.sign(ca.x - cb.x), `${a} vs ${b} left-right`).toBe(Math.sign(pa[0] - pb[0]));
      checks++;
    }
    if (Math.abs(pa[1] - pb[1]) > 10) {
      expect(Math.sign(ca.y - cb.y), `${a} vs ${b} front-back`).toBe(Math.sign(pa[1] - pb[1]));
      checks++;
    }
  }
  expect(checks).toBeGreaterThanOrEqual(3);
}
