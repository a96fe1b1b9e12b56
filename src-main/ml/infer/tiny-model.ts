/**
 * A tiny random-weight U-Net model folder (model.json + weights.bin + plans.json) for tests,
 * the contract sample and the CLI smoke test: real files through the real loaders, seconds to
 * build, no trained model needed. Its labels are meaningless; its plumbing is not.
 */
import { mkdir } from 'node:fs/promises';
import { initTf } from '../backend.js';
import { buildTestUnet } from '../onnx/fixtures.js';
import { defaultPlans } from '../plans.js';
import { saveModelFolder } from '../model-io.js';

export async function writeTinyModelDir(dir: string, opts: { seed?: number; inputSize?: [number, number]; widths?: number[] } = {}): Promise<string> {
  const { tf } = await initTf();
  const inputSize = opts.inputSize ?? [32, 32];
  const model = buildTestUnet(tf, { inputSize, channels: 3, classes: 9, widths: opts.widths ?? [4, 8, 16], batchNorm: true, seed: opts.seed ?? 7 });
  try {
    await mkdir(dir, { recursive: true });
    await saveModelFolder(tf, model, defaultPlans({ inputSize }), dir);
  } finally {
    model.dispose();
  }
  return dir;
}
