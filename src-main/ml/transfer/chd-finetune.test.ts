/**
 * The whole mechanism on real cardiac data. A CardioSeg U-Net pre-trained here on the synthetic CT
 * phantom (our own weights: the "own model" a hospital would fine-tune) is fine-tuned on the CHD
 * training slices at 64x64, decoder first with the encoder frozen, then unfrozen block by block
 * from the bottleneck. It must not produce the origin report's all-black masks: on the held-out
 * slices (the middle annotated slice of every patient) the predicted foreground fraction is within a
 * factor 2 of the truth. Per-class Dice is printed (5 slices are too few to assert it).
 * Measured (wasm, deterministic): predicted 0.084 vs true 0.093, mean foreground Dice 0.40.
 * Holding out each patient's LAST slice instead gave 0.016 vs 0.031 (upper slices, mostly great
 * vessels: barely inside the gate); a random-init frozen encoder did not pass reliably at this
 * budget. docs/transfer-experiment.md compares the three starting points.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSES } from '../../../src-shared/classes.js';
import { dataPath } from '../../../tests/helpers/paths.js';
import { initTf } from '../backend.js';
import { loadDataset } from '../data/cases.js';
import { saveModelFolder } from '../model-io.js';
import { DEFAULT_UNET, defaultPlans } from '../plans.js';
import { buildUNet } from '../unet.js';
import { buildTransferModel, type TransferMeta, type TransferModel } from './build.js';
import { fitTransfer } from './fit.js';
import { importPretrained } from './import.js';
import { planStages } from './schedule.js';

/** A plain model trained whole (no encoder bookkeeping): the pre-training of "our own model". */
const emptyMeta: TransferMeta = { version: 1, source: { kind: 'scratch', path: '', derived2d: false }, mode: 'new-decoder', cut: '', skips: [], encoderLayers: [], blocks: [], pinnedBatchNorm: [], dilated: [], adapter: { layer: null, trainable: false, from: 3, to: 3 }, encoderInput: { scale: 1, offset: 0, note: '' } };

const CHD = dataPath('png', 'chd-imagechd');
const have = existsSync(path.join(CHD, 'images'));
if (!have) console.warn(`SKIP CHD transfer test: ${CHD} not found`);

describe.skipIf(!have)('transfer fine-tuning on CHD slices', () => {
  it('predicts non-empty masks with a foreground fraction within 2x of the truth on held-out slices', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'transfer-chd-'));
    try {
      const { tf } = await initTf(['wasm', 'cpu']);
      const plans = defaultPlans({ inputSize: [64, 64] });
      const synth = await loadDataset({ kind: 'synthetic', patients: 6, size: 64, slices: 8, seed: 11, classes: [1, 2, 3, 5, 6, 7] }, 0);
      const own = buildUNet(tf, DEFAULT_UNET, { inputSize: [64, 64], channels: 3, numClasses: CLASSES.length }, 1);
      const ownTm: TransferModel = { model: own, plans, meta: { ...emptyMeta }, warnings: [] };
      await fitTransfer(ownTm, { train: synth.cases, val: [], datasets: [synth.plan] }, { stages: [{ unfrozenBlocks: 0, epochs: 6, learningRate: 3e-3 }], batchSize: 4, augment: true, seed: 5 });
      await saveModelFolder(tf, own, ownTm.plans, dir);
      own.dispose();
      const tm = await buildTransferModel(await importPretrained(dir), { inputSize: [64, 64] });
      expect(tm.meta.mode).toBe('finetune');
      const ds = await loadDataset({ kind: 'png', path: CHD, id: 'chd' }, 0);
      const mid = (zs: number[]) => zs[Math.floor(zs.length / 2)]!;
      const train = ds.cases.map((c) => ({ ...c, zs: c.zs.filter((z) => z !== mid(c.zs)) }));
      const val = ds.cases.map((c) => ({ ...c, zs: [mid(c.zs)] }));
      const { stages } = planStages(tm.meta, { epochs: 16, learningRate: 3e-3, fineTuneFactor: 0.3 });
      expect(stages.map((st) => st.unfrozenBlocks)).toEqual([0, 1, 2, 3]);
      const res = await fitTransfer(tm, { train, val, datasets: [ds.plan] }, { stages, batchSize: 4, augment: true, seed: 1 });
      const v = res.at(-1)!.validation;
      const predFg = 1 - v.predictedFraction[0]!;
      const trueFg = 1 - v.trueFraction[0]!;
      const dice = ds.plan.labeledClasses.filter((c) => c > 0).map((c) => `${CLASSES[c]!.name} ${v.dice[c] === null ? '–' : v.dice[c]!.toFixed(3)}`);
      console.log(`CHD transfer (64x64, ${res.map((r) => `${r.epochs} ep @ ${r.unfrozenBlocks} blocks`).join(', ')}): foreground predicted ${predFg.toFixed(4)} vs true ${trueFg.toFixed(4)}; Dice ${dice.join(', ')}; mean fg ${v.meanForegroundDice.toFixed(3)}`);
      expect(trueFg).toBeGreaterThan(0);
      expect(predFg).toBeGreaterThan(trueFg / 2);
      expect(predFg).toBeLessThan(trueFg * 2);
      expect(v.meanForegroundDice).toBeGreaterThan(0);
      tm.model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // ~50 s of CPU on one core; the margin is for a shared CI machine.
  }, 400_000);
});
