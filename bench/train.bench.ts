/**
 * Training-step benchmark: the same U-Net, input (256x256, batch 1 by default) and loss on
 * tfjs-wasm (with CardioSeg's Conv2D gradient kernels) and on PyTorch CPU with 2 threads.
 * Run: npx tsx bench/train.bench.ts [--size 256] [--batch 1] [--reps 3] [--preset default|reference|both]
 * PyTorch is the Debian package python3-torch; without it the peer is skipped with a message.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { initTf } from '../src-main/ml/backend.js';
import { DEFAULT_UNET, REFERENCE_UNET, type UNetConfig } from '../src-main/ml/plans.js';
import { segmentationLoss } from '../src-main/ml/train/loss.js';
import { buildUNet } from '../src-main/ml/unet.js';

const { values } = parseArgs({ options: { size: { type: 'string' }, batch: { type: 'string' }, reps: { type: 'string' }, preset: { type: 'string' } } });
const size = Number(values.size ?? 256), batch = Number(values.batch ?? 1), reps = Number(values.reps ?? 3);
const presets: [string, UNetConfig][] = [];
if (values.preset !== 'reference') presets.push(['default', DEFAULT_UNET]);
if (values.preset !== 'default') presets.push(['reference', REFERENCE_UNET]);

/** Median wall and CPU seconds: on a shared machine CPU time is the fairer measure. */
async function median(f: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  await f();
  const ws: number[] = [], cs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now(), c = process.cpuUsage();
    await f();
    const d = process.cpuUsage(c);
    ws.push((performance.now() - t) / 1000);
    cs.push((d.user + d.system) / 1e6);
  }
  const mid = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { wall: mid(ws), cpu: mid(cs) };
}

interface PeerResult {
  forward: number;
  step: number;
  forward_cpu: number;
  step_cpu: number;
  torch: string;
}

/** Debian's python3-torch lives under /usr/bin/python3 (a pyenv `python3` on PATH may lack it). */
function findTorchPython(): string | null {
  for (const py of [process.env.CARDIOSEG_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!py) continue;
    try {
      execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
      return py;
    } catch {
      // try the next interpreter
    }
  }
  return null;
}

function torchPeer(cfg: UNetConfig): PeerResult | string {
  const py = findTorchPython();
  if (!py) return 'PyTorch peer skipped: python3-torch is not installed (apt-get install -y python3-torch)';
  const script = fileURLToPath(new URL('./train_peer.py', import.meta.url));
  const out = execFileSync(py, [script, ...[cfg.baseFilters, cfg.depth, cfg.batchNorm ? 1 : 0, size, batch, 2, reps].map(String)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as PeerResult;
}

const { tf, name } = await initTf(['wasm']);
console.log(`backend ${name}, input ${size}x${size}x3, batch ${batch}, median of ${reps}`);
for (const [label, cfg] of presets) {
  const model = buildUNet(tf, cfg, { inputSize: [size, size], channels: 3, numClasses: 9 });
  const opt = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
  const x = tf.randomUniform([batch, size, size, 3]) as TF.Tensor4D;
  const target = tf.tidy(() => tf.oneHot(tf.randomUniform([batch * size * size], 0, 9, 'int32'), 9).toFloat().reshape([batch, size, size, 9])) as TF.Tensor4D;
  const merge = tf.tidy(() => tf.eye(9).expandDims(0).tile([batch, 1, 1])) as TF.Tensor3D;
  const mask = tf.tensor1d([0, 1, 1, 1, 1, 1, 1, 1, 1]);
  const fwd = await median(async () => {
    const p = model.predict(x) as TF.Tensor;
    await p.data();
    p.dispose();
  });
  const step = await median(async () => {
    const l = opt.minimize(() => segmentationLoss(tf, model.apply(x, { training: true }) as TF.Tensor4D, target, merge, mask, { crossEntropy: 1, dice: 1 }), true, vars);
    await l!.data();
    l!.dispose();
  });
  const params = model.countParams();
  const fmt = (m: { wall: number; cpu: number }) => `${m.wall.toFixed(3)} s wall / ${m.cpu.toFixed(3)} s CPU`;
  console.log(`${label} U-Net (${cfg.baseFilters}-${cfg.baseFilters * 2 ** cfg.depth}, depth ${cfg.depth}, BN ${cfg.batchNorm}, ${params} params)`);
  console.log(`  tfjs-wasm (1 thread): forward ${fmt(fwd)}, training step ${fmt(step)}`);
  const peer = torchPeer(cfg);
  if (typeof peer === 'string') console.log(`  ${peer}`);
  else {
    console.log(`  PyTorch ${peer.torch} CPU 2 threads: forward ${fmt({ wall: peer.forward, cpu: peer.forward_cpu })}, training step ${fmt({ wall: peer.step, cpu: peer.step_cpu })}`);
    console.log(`  ratio tfjs-wasm / PyTorch, wall: forward ${(fwd.wall / peer.forward).toFixed(2)}x, training step ${(step.wall / peer.step).toFixed(2)}x (target <= 3x)`);
    console.log(`  ratio tfjs-wasm / PyTorch, CPU:  forward ${(fwd.cpu / peer.forward_cpu).toFixed(2)}x, training step ${(step.cpu / peer.step_cpu).toFixed(2)}x`);
  }
  tf.dispose([x, target, merge, mask]);
  model.dispose();
  opt.dispose();
}
