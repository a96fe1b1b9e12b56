/**
 * Resumable checkpoints in <outDir>/checkpoint/: per epoch e<N>.model.json + e<N>.weights.bin +
 * e<N>.optimizer.bin, then state.json (written last, atomically) naming them. A kill at any
 * moment leaves state.json pointing at a complete earlier checkpoint.
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { z } from 'zod';
import { AppError } from '../../../src-shared/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { encodeOptimizer, loadLayersModelFile, restoreOptimizer, saveModelFolder } from '../model-io.js';
import { parsePlans, type Plans } from '../plans.js';

const StateSchema = z.object({
  version: z.literal(1),
  epochsCompleted: z.number().int(),
  prefix: z.string(),
  optimizerSpecs: z.array(z.object({ name: z.string(), shape: z.array(z.number()), dtype: z.string() })),
  bestScore: z.number(),
  bestEpoch: z.number().int(),
  badEpochs: z.number().int(),
  history: z.array(z.object({ epoch: z.number().int(), trainLoss: z.number(), meanForegroundDice: z.number() })),
  trainPatients: z.array(z.string()),
  validationPatients: z.array(z.string()),
});
export type CheckpointState = z.infer<typeof StateSchema>;

export const checkpointDir = (outDir: string) => path.join(outDir, 'checkpoint');

export async function writeCheckpoint(
  tf: typeof TF,
  outDir: string,
  model: TF.LayersModel,
  opt: TF.Optimizer,
  plans: Plans,
  state: Omit<CheckpointState, 'version' | 'prefix' | 'optimizerSpecs'>,
): Promise<void> {
  const dir = checkpointDir(outDir);
  const prefix = `e${String(state.epochsCompleted).padStart(4, '0')}.`;
  await saveModelFolder(tf, model, plans, dir, prefix);
  const { data, specs } = await encodeOptimizer(tf, opt);
  await writeFileAtomic(path.join(dir, `${prefix}optimizer.bin`), data);
  const full: CheckpointState = { version: 1, prefix, optimizerSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })), ...state };
  await writeFileAtomic(path.join(dir, 'state.json'), JSON.stringify(full, null, 1));
  // Older epochs are garbage only once the new state.json is durable.
  for (const f of await readdir(dir)) if (/^e\d{4}\./.test(f) && !f.startsWith(prefix)) await rm(path.join(dir, f), { force: true });
}

export async function readCheckpointState(outDir: string): Promise<CheckpointState | null> {
  let raw: string;
  try {
    raw = await readFile(path.join(checkpointDir(outDir), 'state.json'), 'utf8');
  } catch {
    return null;
  }
  const r = StateSchema.safeParse(JSON.parse(raw));
  if (!r.success) throw new AppError('DATA', 'Checkpoint state.json is invalid', { issues: r.error.issues.slice(0, 5) });
  return r.data;
}

export async function loadCheckpoint(tf: typeof TF, outDir: string, state: CheckpointState, opt: TF.Optimizer): Promise<{ model: TF.LayersModel; plans: Plans }> {
  const dir = checkpointDir(outDir);
  const plans = parsePlans(JSON.parse(await readFile(path.join(dir, 'plans.json'), 'utf8')));
  const model = await loadLayersModelFile(tf, path.join(dir, `${state.prefix}model.json`));
  const data = new Uint8Array(await readFile(path.join(dir, `${state.prefix}optimizer.bin`)));
  await restoreOptimizer(tf, opt, data, state.optimizerSpecs as TF.io.WeightsManifestEntry[]);
  return { model, plans };
}
