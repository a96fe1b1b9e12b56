/**
 * Measures a trained model the way the model card quotes it:
 *  1. slice-level per-class Dice on the held-out patients of each dataset (the training split,
 *     read from training-result.json), in each dataset's own class space;
 *  2. whole-volume Dice through the product's inference pipeline (segmentation service, ONNX,
 *     post-processing) on phantoms never seen in training.
 *
 *   node --import tsx scripts/evaluate-model.ts --model DIR [--run DIR]
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLASSES, NUM_CLASSES } from '../src-shared/classes.js';
import { diceByClass } from '../src-shared/volume/metrics.js';
import { createLocalClient } from '../src-main/core.js';
import { initTf } from '../src-main/ml/backend.js';
import { loadDataset, splitByPatient } from '../src-main/ml/data/cases.js';
import { loadModelFolder } from '../src-main/ml/model-io.js';
import { mergeMatrix } from '../src-main/ml/plans.js';
import { foldTable } from '../src-main/ml/train/metrics.js';
import { validate } from '../src-main/ml/train/validate.js';
import { readNifti } from '../src-main/io/nifti/index.js';
import { getPhantomFixture } from '../src-main/phantom/index.js';
import { APP_ROOT } from '../src-main/version.js';
import type { TrainingDatasetSpec } from '../src-shared/contract/training.contract.js';

export const EVAL_PHANTOM_SEEDS = [7, 201, 202];

const { values } = parseArgs({ options: { model: { type: 'string' }, run: { type: 'string' }, out: { type: 'string' } } });
const modelDir = path.resolve(values.model ?? path.join(APP_ROOT, 'resources', 'models', 'cardioseg-default'));
const runDir = path.resolve(values.run ?? modelDir);
const tr = JSON.parse(await readFile(path.join(runDir, 'training-result.json'), 'utf8')) as { splitSeed: number; phantomSeeds: number[]; validationPatients: string[] };

const chd = path.resolve(APP_ROOT, '..', 'shared', 'data', 'png', 'chd-imagechd');
const specs: TrainingDatasetSpec[] = [
  { kind: 'dicom', id: 'phantom', pairs: await Promise.all(tr.phantomSeeds.map(async (seed) => {
    const fx = await getPhantomFixture({ seed, preset: 'small' });
    return { series: fx.dicomDir, label: fx.labelsPath, patientId: `phantom-${seed}` };
  })) },
  { kind: 'png', id: 'chd-imagechd', path: chd },
];
const { tf } = await initTf();
const { model, plans } = await loadModelFolder(tf, modelDir);
const loaded = [];
for (const [i, s] of specs.entries()) loaded.push(await loadDataset(s, i));
const all = loaded.flatMap((d) => d.cases);
const split = splitByPatient(all, 0.2, tr.splitSeed);
const folds = plans.datasets.map((d) => foldTable(mergeMatrix(plans, d), plans.classes.length));
const labeled = plans.datasets.map((d) => d.labeledClasses);

const perDataset: Record<string, { patients: string[]; dice: (number | null)[]; accuracy: number; allBackgroundAccuracy: number; predictedFraction: number[]; trueFraction: number[] }> = {};
for (const [i, d] of loaded.entries()) {
  const val = split.val.filter((c) => c.datasetIndex === i);
  if (!val.length) continue;
  const m = await validate(tf, model, val, plans, folds, labeled, 8, async () => undefined);
  perDataset[d.plan.id] = { patients: [...new Set(val.map((c) => c.patientId))], dice: m.dice, accuracy: m.accuracy, allBackgroundAccuracy: m.allBackgroundAccuracy, predictedFraction: m.predictedFraction, trueFraction: m.trueFraction };
}
model.dispose();

const client = createLocalClient();
const volumes: Record<string, { dice: (number | null)[]; meanForeground: number; engine: string; seconds: number }> = {};
for (const seed of EVAL_PHANTOM_SEEDS) {
  const fx = await getPhantomFixture({ seed, preset: 'small' });
  const t0 = performance.now();
  const seg = await client.segmentation.run({ input: { path: fx.dicomDir }, modelDir });
  const truth = await readNifti(fx.labelsPath);
  const dice = diceByClass(truth.data, seg.labels.data, NUM_CLASSES);
  const fg = dice.slice(1).map((d) => d ?? 0);
  volumes[`phantom-${seed}`] = { dice, meanForeground: fg.reduce((a, b) => a + b, 0) / fg.length, engine: seg.engine.name, seconds: (performance.now() - t0) / 1000 };
}
client.close();

const report = { modelDir, splitSeed: tr.splitSeed, heldOutSlices: perDataset, wholeVolumePhantoms: volumes, classes: CLASSES.map((c) => c.key) };
const out = path.resolve(values.out ?? path.join(runDir, 'evaluation.json'));
await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
const fmt = (d: number | null | undefined) => (d === null || d === undefined ? '  —  ' : d.toFixed(3));
process.stdout.write(`| set | ${CLASSES.slice(1).map((c) => c.name).join(' | ')} |\n|---|${CLASSES.slice(1).map(() => '---').join('|')}|\n`);
for (const [k, v] of Object.entries(perDataset)) process.stdout.write(`| held-out ${k} slices (${v.patients.join(', ')}) | ${v.dice.slice(1).map(fmt).join(' | ')} |\n`);
for (const [k, v] of Object.entries(volumes)) process.stdout.write(`| ${k} whole volume | ${v.dice.slice(1).map(fmt).join(' | ')} |\n`);
process.stdout.write(`written ${out}\n`);
