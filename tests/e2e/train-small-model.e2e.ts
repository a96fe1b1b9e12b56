import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshotPath, startWebApp, type Browser, type WebApp } from './browser.js';
import { allSettledOrThrow, expectScreenshot, tempConfigDir, waitState } from './ui.js';
import { tinyModel } from './fixtures.js';

/**
 * Training workflow: a tiny U-Net on generated slices from the Training screen, live curves
 * (loss, per-class Dice, accuracy beside the all-background baseline), cancel after the first
 * epoch, resume from the checkpoint, the comparison table, adopting the new model as the
 * persisted default (still the default after a reload) and restoring the bundled one.
 */
describe('train a small model (web mode)', () => {
  let app: WebApp;
  let browser: Browser;
  const configDir = tempConfigDir();
  const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cardioseg-e2e-train-')), 'run');

  beforeAll(async () => {
    await allSettledOrThrow([startWebApp({ CARDIOSEG_CONFIG_DIR: configDir }).then((a) => (app = a)), openBrowser().then((b) => (browser = b))]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(configDir, { recursive: true, force: true });
    rmSync(path.dirname(outDir), { recursive: true, force: true });
    rmSync(`${outDir}-transfer`, { recursive: true, force: true });
  });

  it('trains, plots live curves, cancels, resumes from the checkpoint and shows the comparison', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.getByTestId('tab-training').click();
    await page.getByTestId('ds-patients').fill('3');
    await page.getByTestId('ds-size').fill('32');
    await page.getByTestId('ds-slices').fill('4');
    await page.getByTestId('train-size').fill('32');
    await page.getByTestId('train-filters').fill('8');
    await page.getByTestId('train-depth').fill('2');
    // Many epochs, so the cancel surely lands mid-run; the resume then finishes two more.
    await page.getByTestId('train-epochs').fill('60');
    await page.getByTestId('train-out').fill(outDir);

    await page.getByTestId('train-start').click();
    await page.getByTestId('train-epoch').waitFor({ timeout: 120_000 });
    // The accuracy is shown beside what an all-background prediction would score.
    const acc = Number.parseFloat((await page.getByTestId('train-accuracy').textContent()) ?? 'NaN');
    const bg = Number.parseFloat((await page.getByTestId('train-bg-accuracy').textContent()) ?? 'NaN');
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(bg).toBeGreaterThan(50);
    await page.getByTestId('train-cancel').click();
    expect(await waitState(page, 'training-status', ['cancelled', 'done', 'error'])).toBe('cancelled');
    await page.getByTestId('training-stopped').waitFor({ timeout: 60_000 });
    const stoppedAt = Number(await page.getByTestId('training-stopped').getAttribute('data-epoch'));
    expect(stoppedAt).toBeGreaterThanOrEqual(1);
    expect(stoppedAt).toBeLessThan(60);
    expect(existsSync(outDir)).toBe(true);

    const total = stoppedAt + 2;
    await page.getByTestId('train-epochs').fill(String(total));
    await page.getByTestId('train-resume').click();
    expect(await waitState(page, 'training-status', ['done', 'error'], 180_000)).toBe('done');
    expect(await page.getByTestId('train-epoch').textContent()).toBe(String(total));
    const gate = (await page.getByTestId('quality-gate').textContent()) ?? '';
    expect(gate).toMatch(/resumed after epoch \d+/);
    expect(Number(/resumed after epoch (\d+)/.exec(gate)?.[1])).toBeGreaterThanOrEqual(stoppedAt);
    expect(gate).toMatch(/Quality gate: (passed|FAILED)/);
    // One point per epoch on every curve: those before the cancel and those after the resume.
    for (const id of ['chart-loss', 'chart-dice', 'chart-accuracy']) expect(Number(await page.getByTestId(id).getAttribute('data-points'))).toBe(total);
    expect(await page.getByTestId('train-result').textContent()).toContain('Left ventricle');
    // Compare with another model's recorded validation (the tiny fixture model), then adopt.
    await page.getByTestId('compare-dir').fill(await tinyModel());
    await page.getByTestId('compare-run').click();
    await page.waitForSelector('[data-testid="compare-other-3"]:not(:text-is("—"))', { state: 'attached' });
    expect(Number.parseFloat((await page.getByTestId('compare-other-3').textContent()) ?? 'NaN')).toBeGreaterThanOrEqual(0);
    // Before adopting, the bundled model is the default.
    expect(await page.getByTestId('default-model').getAttribute('data-source')).toBe('bundled');
    expect(await page.getByTestId('default-model-id').textContent()).toBe('cardioseg-default');
    await page.getByTestId('adopt-model').click();
    // A model that failed its quality gate asks for a second, explicit confirmation.
    const gateFailed = ((await page.getByTestId('quality-gate').textContent()) ?? '').includes('FAILED');
    expect(await page.getByTestId('gate-warning').isVisible()).toBe(gateFailed);
    if (gateFailed) {
      expect(await page.getByTestId('default-model').getAttribute('data-source')).toBe('bundled');
      await page.getByTestId('adopt-anyway').click();
    }
    await page.getByTestId('adopted').waitFor();
    await page.waitForSelector('[data-testid="default-model"][data-source="adopted"]', { state: 'attached' });
    expect(await page.getByTestId('default-model-path').textContent()).toBe(outDir);
    expect(await page.getByTestId('adopt-model').isDisabled()).toBe(true);
    expect((JSON.parse(readFileSync(path.join(configDir, 'settings.json'), 'utf8')) as { defaultModel?: string }).defaultModel).toBe(outDir);
    // Where the cancel lands varies from run to run: compare the layout, not the curves' numbers.
    await page.screenshot({ path: screenshotPath('train-small-model-curves') });
    await expectScreenshot(page, 'train-small-model', 3, ['train-stats', 'chart-loss', 'chart-accuracy', 'chart-dice', 'train-result', 'train-out', 'train-epochs', 'default-model-path']);
    // After the baseline: the element screenshot scrolls the result into view.
    await page.getByTestId('train-result').screenshot({ path: screenshotPath('train-small-model-adopted') });
  });

  it('inspects the trained model as a pretrained encoder and runs a frozen -> unfrozen transfer', async () => {
    const { page } = browser;
    await page.getByTestId('train-from-model').check();
    await page.getByTestId('transfer-from').fill(outDir);
    await page.getByTestId('transfer-inspect').click();
    expect(await waitState(page, 'transfer-inspect-status', ['done', 'error'])).toBe('done');
    expect(await page.getByTestId('transfer-info').textContent()).toContain('cardioseg');
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-out').fill(`${outDir}-transfer`);
    await page.getByTestId('train-start').click();
    expect(await waitState(page, 'transfer-status', ['done', 'error'], 180_000)).toBe('done');
    const text = (await page.getByTestId('transfer-result').textContent()) ?? '';
    expect(text).toContain('Left ventricle');
    expect(existsSync(path.join(`${outDir}-transfer`, 'plans.json'))).toBe(true);
    await page.screenshot({ path: screenshotPath('train-transfer') });
  });

  it('keeps the adopted model as the default after a reload, and restores the bundled one', async () => {
    const { page } = browser;
    const settings = () => JSON.parse(readFileSync(path.join(configDir, 'settings.json'), 'utf8')) as { defaultModel?: string };
    // A reload is a new renderer: what it shows comes from the settings file, not from memory.
    await page.reload();
    await page.getByTestId('tab-training').click();
    await page.waitForSelector('[data-testid="default-model"][data-source="adopted"]', { state: 'attached' });
    expect(await page.getByTestId('default-model-id').textContent()).toBe(path.basename(outDir));
    expect(await page.getByTestId('default-model-path').textContent()).toBe(outDir);
    expect(await page.getByTestId('default-model-source').textContent()).toContain('adopted');
    expect(await page.getByTestId('default-model-warning').count()).toBe(0);

    await page.getByTestId('restore-default').click();
    await page.waitForSelector('[data-testid="default-model"][data-source="bundled"]', { state: 'attached' });
    expect(await page.getByTestId('default-model-id').textContent()).toBe('cardioseg-default');
    expect(await page.getByTestId('restore-default').count()).toBe(0);
    expect(settings().defaultModel).toBeUndefined();

    await page.reload();
    await page.getByTestId('tab-training').click();
    await page.waitForSelector('[data-testid="default-model"][data-source="bundled"]', { state: 'attached' });
    expect(await page.getByTestId('default-model-id').textContent()).toBe('cardioseg-default');
  });
});
