/**
 * Viewer responsiveness on a full-size cardiac CT (512×512×250 phantom, 0.4×0.4×0.6 mm) in web
 * mode: time from "Open" until all four views have drawn, and the time per slice step (wheel ->
 * the view has rendered the new slice) in the axial view: CT only (the peer, same run), with the
 * label overlay, and with the 3D view and its surfaces also redrawn. The ratios say what each
 * layer costs. Chromium here renders WebGL with SwiftShader (CPU), so absolute times
 * are an upper bound for a workstation GPU.
 *
 *   npx tsx bench/viewer.bench.ts [--steps 40]
 */
import { getPhantomFixture } from '../src-main/phantom/fixture.js';
import { openBrowser, startWebApp } from '../tests/e2e/browser.js';
import { tempConfigDir, waitState } from '../tests/e2e/ui.js';

const steps = Number(process.argv[process.argv.indexOf('--steps') + 1]) || 40;
if (process.argv.includes('--help')) {
  console.log('npx tsx bench/viewer.bench.ts [--steps N]  (needs Debian chromium and a built web UI: npm run build:web)');
  process.exit(0);
}

const phantom = await getPhantomFixture({ seed: 3, preset: 'full' });
const app = await startWebApp({ CARDIOSEG_CONFIG_DIR: tempConfigDir() });
const browser = await openBrowser();
const { page } = browser;
try {
  await page.goto(app.url);
  await page.getByTestId('path-input').fill(phantom.dicomDir);
  const t0 = performance.now();
  await page.getByTestId('scan-button').click();
  await waitState(page, 'scan-status', ['done'], 300_000);
  const scanS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await page.getByTestId('open-series').click();
  await page.waitForSelector('[data-testid="view-axial"]', { state: 'attached', timeout: 300_000 });
  const loadS = (performance.now() - t1) / 1000;
  for (const v of ['axial', 'coronal', 'sagittal']) await page.waitForSelector(`[data-testid="view-${v}"][data-rendered="true"]`, { state: 'attached', timeout: 300_000 });
  const openS = (performance.now() - t1) / 1000;

  const stepMs = async (): Promise<number> => {
    const view = page.getByTestId('view-axial');
    const b = await view.boundingBox();
    if (!b) throw new Error('no axial view');
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    const times: number[] = [];
    for (let n = 0; n < steps; n++) {
      const before = Number(await view.getAttribute('data-slice'));
      const t = performance.now();
      await page.mouse.wheel(0, n % 20 < 10 ? 100 : -100);
      await page.waitForSelector(`[data-testid="view-axial"]:not([data-slice="${before}"])`, { state: 'attached' });
      // One more animation frame: the slice attribute changes before vtk.js has drawn it.
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] as number;
  };

  await page.getByTestId('panel-segmentation').click();
  await page.getByTestId('label-path').fill(phantom.labelsPath);
  await page.getByTestId('load-labels').click();
  await page.waitForSelector('[data-testid="labels-status"][data-state="done"]', { state: 'attached', timeout: 300_000 });
  const withLabels3d = await stepMs();
  await page.getByTestId('toggle-3d').uncheck();
  const withLabels = await stepMs();
  await page.getByRole('button', { name: 'None', exact: true }).click();
  const ctOnly = await stepMs();
  console.log(`full phantom ${phantom.truth.grid.dims.join('×')}: scan ${scanS.toFixed(1)} s, open -> volume in the renderer ${loadS.toFixed(1)} s (decode + transfer) -> 3 views drawn ${openS.toFixed(1)} s`);
  console.log(`axial slice step, median of ${steps} (wheel -> drawn):`);
  console.log(`  2D views, CT only (peer)      ${ctOnly.toFixed(0)} ms`);
  console.log(`  2D views, CT + label overlay  ${withLabels.toFixed(0)} ms  ratio ${(withLabels / ctOnly).toFixed(2)}x`);
  console.log(`  + 3D view with 8 surfaces     ${withLabels3d.toFixed(0)} ms  ratio ${(withLabels3d / ctOnly).toFixed(2)}x`);
} finally {
  await browser.close();
  await app.stop();
}
