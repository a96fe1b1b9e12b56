import { existsSync, mkdirSync, mkdtempSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/paths.js';
import { screenshotPath } from './browser.js';

export const BASELINE_DIR = path.join(REPO_ROOT, 'tests', 'e2e', 'baselines');

/**
 * Like Promise.all, but waits for every promise before throwing the first failure, so a failed
 * fixture never leaves a started server or browser that afterAll cannot see (and so cannot stop).
 */
export async function allSettledOrThrow<T extends readonly unknown[]>(ps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const rs = await Promise.allSettled(ps as readonly Promise<unknown>[]);
  const failed = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return rs.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** A fresh config dir per run so recent studies and work folders never touch the user's. */
export function tempConfigDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'cardioseg-e2e-config-'));
}

/**
 * Save a screenshot under test-output/screenshots and compare it with its baseline (mean
 * absolute difference per channel, 0..255). A missing baseline is written, and the test says so.
 */
export async function expectScreenshot(page: Page, name: string, maxMeanDiff = 3, mask: string[] = []): Promise<{ meanDiff: number; created: boolean }> {
  const out = screenshotPath(name);
  // A 3D plane update deferred while slices were paged must have landed.
  await page.waitForSelector('[data-testid="view-3d"][data-pending="true"]', { state: 'detached' });
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  // Masked regions (live numbers that differ run to run) are painted one flat colour.
  await page.screenshot({ path: out, mask: mask.map((id) => page.getByTestId(id)), maskColor: '#303030' });
  const base = path.join(BASELINE_DIR, `${name}.png`);
  if (!existsSync(base) || process.env.UPDATE_BASELINES === '1') {
    mkdirSync(BASELINE_DIR, { recursive: true });
    copyFileSync(out, base);
    return { meanDiff: 0, created: true };
  }
  const [a, b] = await Promise.all([sharp(out).removeAlpha().raw().toBuffer({ resolveWithObject: true }), sharp(base).removeAlpha().raw().toBuffer({ resolveWithObject: true })]);
  if (a.info.width !== b.info.width || a.info.height !== b.info.height) {
    throw new Error(`${name}: screenshot is ${a.info.width}x${a.info.height}, baseline ${b.info.width}x${b.info.height}`);
  }
  let sum = 0;
  for (let n = 0; n < a.data.length; n++) sum += Math.abs((a.data[n] as number) - (b.data[n] as number));
  const meanDiff = sum / a.data.length;
  if (meanDiff > maxMeanDiff) throw new Error(`${name}: mean abs difference ${meanDiff.toFixed(2)} > ${maxMeanDiff} against ${base} (see ${out})`);
  return { meanDiff, created: false };
}

/**
 * The e2e files compile without DOM typings (tsconfig.node.json), so the in-page code is passed
 * as a string expression with its arguments embedded as JSON.
 */
function inPage<T>(page: Page, body: string, args: unknown): Promise<T> {
  return page.evaluate<T>(`((args) => { ${body} })(${JSON.stringify(args)})`);
}

/**
 * What the user sees in a view, as RGB pixels at CSS resolution: a screenshot of the view's
 * canvas area, so the vtk.js image layers and the 2D overlay canvas are judged composited.
 */
export async function viewPixels(page: Page, testid: string): Promise<{ width: number; height: number; rgb: Buffer }> {
  const b = await canvasBox(page, testid);
  const png = await page.screenshot({ clip: { x: b.x, y: b.y, width: b.width, height: b.height }, scale: 'css' });
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgb: data };
}

/** RGB of the pixel a user sees at CSS coordinates (x, y) of a view's canvas. */
export async function canvasPixel(page: Page, testid: string, x: number, y: number): Promise<[number, number, number]> {
  const b = await canvasBox(page, testid);
  const png = await page.screenshot({ clip: { x: b.x + Math.round(x), y: b.y + Math.round(y), width: 1, height: 1 }, scale: 'css' });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [data[0] as number, data[1] as number, data[2] as number];
}

/** Where an LPS point lands on a view's canvas (CSS px), via the app's read-only view probe. */
export function project(page: Page, view: 'axial' | 'coronal' | 'sagittal', lps: [number, number, number]): Promise<{ x: number; y: number; slice: number }> {
  return inPage(page, `const p = window.__cardioseg && window.__cardioseg.views[args.view]; if (!p) throw new Error('view not registered'); return p.project(args.lps);`, { view, lps });
}

/** LPS position under a canvas point of a view. */
export function lpsAt(page: Page, view: 'axial' | 'coronal' | 'sagittal', x: number, y: number): Promise<[number, number, number]> {
  return inPage(page, `return window.__cardioseg.views[args.view].lpsAt(args.x, args.y);`, { view, x, y });
}

export function renderWindowCounts(page: Page): Promise<{ live: number; created: number; canvases: number }> {
  return inPage(page, `const r = window.__cardioseg || { liveRenderWindows: 0, createdRenderWindows: 0 }; return { live: r.liveRenderWindows, created: r.createdRenderWindows, canvases: document.querySelectorAll('canvas').length };`, {});
}

/** Bounding box of an element (CSS px, page coordinates). */
export async function box(page: Page, testid: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await page.getByTestId(testid).boundingBox();
  if (!b) throw new Error(`${testid} is not visible`);
  return b;
}

/** Page-coordinate box of a view's canvas (the view's border is outside it). */
export async function canvasBox(page: Page, testid: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await page.locator(`[data-testid="${testid}"] canvas`).first().boundingBox();
  if (!b) throw new Error(`${testid} has no visible canvas`);
  return b;
}

/**
 * Bring an LPS point into the axial view through the linked crosshair: a click at the point in
 * the coronal view sets the axial slice. Returns where the point lies on the axial canvas.
 */
export async function showInAxial(page: Page, lps: [number, number, number]): Promise<{ x: number; y: number }> {
  const cor = await canvasBox(page, 'view-coronal');
  const pc = await project(page, 'coronal', lps);
  await page.mouse.click(cor.x + pc.x, cor.y + pc.y);
  const pa = await project(page, 'axial', lps);
  await page.waitForSelector(`[data-testid="view-axial"][data-slice="${Math.round(pa.slice)}"]`, { state: 'attached', timeout: 10_000 });
  return { x: pa.x, y: pa.y };
}

/** Wait until an element's data-state attribute has one of the given values; returns it. */
export async function waitState(page: Page, testid: string, states: string[], timeout = 120_000): Promise<string> {
  const sel = states.map((s) => `[data-testid="${testid}"][data-state="${s}"]`).join(', ');
  await page.waitForSelector(sel, { timeout, state: 'attached' });
  return (await page.getByTestId(testid).getAttribute('data-state')) ?? '';
}

/** The Open screen's path: scan a folder, open the main series, wait for the axial view. */
export async function openStudy(page: Page, url: string, dicomDir: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('path-input').fill(dicomDir);
  await page.getByTestId('scan-button').click();
  await waitState(page, 'scan-status', ['done']);
  await page.getByTestId('open-series').click();
  await page.waitForSelector('[data-testid="view-axial"][data-rendered="true"]', { state: 'attached' });
}

/** Load an existing label map on the open CT through the segmentation panel. */
export async function loadLabelMap(page: Page, labelsPath: string): Promise<void> {
  await page.getByTestId('panel-segmentation').click();
  await page.getByTestId('label-path').fill(labelsPath);
  await page.getByTestId('load-labels').click();
  await waitState(page, 'labels-status', ['done']);
}
