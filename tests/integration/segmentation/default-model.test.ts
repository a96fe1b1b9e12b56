import { cpSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import type { SegmentCommandResult } from '../../../src-main/cli/commands/segment.js';
import { createCore, createLocalClient } from '../../../src-main/core.js';
import { writeNifti } from '../../../src-main/io/nifti/index.js';
import { DEFAULT_MODEL_DIR } from '../../../src-main/ml/default-model.js';
import { writeTinyModelDir } from '../../../src-main/ml/infer/tiny-model.js';
import type { SystemInfo } from '../../../src-shared/contract/system.contract.js';

/**
 * Adopting a model is a setting of the installation, not of one window: a fresh core (a restarted
 * app), system.info, the segmentation service and the CLI all use it, and `--model` still wins.
 */
describe('adopted default model across core instances, segmentation and the CLI', () => {
  let tmp: string;
  let adopted: string;
  let other: string;
  let ctPath: string;
  const prevConfig = process.env.CARDIOSEG_CONFIG_DIR;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-default-model-'));
    process.env.CARDIOSEG_CONFIG_DIR = path.join(tmp, 'config');
    adopted = await writeTinyModelDir(path.join(tmp, 'adopted'), { seed: 1 });
    other = await writeTinyModelDir(path.join(tmp, 'other'), { seed: 2 });
    const n = 40 * 40 * 3;
    const data = Int16Array.from({ length: n }, (_, i) => (((i % 40) - 20) ** 2 + ((((i / 40) | 0) % 40) - 20) ** 2 < 120 ? 350 : -700));
    ctPath = path.join(tmp, 'ct.nii.gz');
    await writeNifti(ctPath, { dims: [40, 40, 3], spacingMm: [0.9, 0.9, 3], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data });
  });
  afterAll(async () => {
    if (prevConfig === undefined) delete process.env.CARDIOSEG_CONFIG_DIR;
    else process.env.CARDIOSEG_CONFIG_DIR = prevConfig;
    await rm(tmp, { recursive: true, force: true });
  });

  
  it('`cardioseg model` shows, adopts and restores the same setting; a folder that is no model is refused', async () => {
    const adoptedNow = await runCli(['model', 'adopt', other, '--json', '--quiet']);
    expect(adoptedNow.code).toBe(0);
    expect((JSON.parse(adoptedNow.out) as { current: { path: string; source: string } }).current).toMatchObject({ path: other, source: 'adopted' });
    const shown = await runCli(['model', 'show']);
    expect(shown.out).toContain(`at ${other} (adopted)`);
    const client = createLocalClient(createCore());
    try {
      expect((await client.system.info({})).defaultModel?.path).toBe(other);
    } finally {
      client.close();
    }
    // Not a model: refused, and the previous default stays.
    const bad = await runCli(['model', 'adopt', tmp, '--json', '--quiet']);
    expect(bad.code).toBe(1);
    expect(JSON.parse((await runCli(['model', 'show', '--json', '--quiet'])).out)).toMatchObject({ adopted: other });
    const restored = await runCli(['model', 'restore', '--json', '--quiet']);
    expect(JSON.parse(restored.out)).toMatchObject({ adopted: null, current: { source: 'bundled', path: DEFAULT_MODEL_DIR } });
    expect((await runCli(['model', 'frobnicate'])).code).toBe(2);
  });

  it('a new core reports and segments with the adopted model; --model overrides; restoring brings back the bundled one', async () => {
    const first = createLocalClient(createCore());
    try {
      expect((await first.host.setDefaultModel({ dir: adopted })).current?.source).toBe('adopted');
    } finally {
      first.close();
    }

    const second = createLocalClient(createCore());
    try {
      expect((await second.system.info({})).defaultModel).toEqual({ id: 'adopted', path: adopted, source: 'adopted' });
      const seg = await second.segmentation.run({ input: { path: ctPath } });
      expect(seg.model.dir).toBe(adopted);
      expect(seg.warnings.filter((w) => w.code === 'DEFAULT_MODEL_MISSING')).toEqual([]);
    } finally {
      second.close();
    }

    const info = JSON.parse((await runCli(['info', '--json', '--quiet'])).out) as SystemInfo;
    expect(info.defaultModel).toEqual({ id: 'adopted', path: adopted, source: 'adopted' });
    const viaCli = await runCli(['segment', ctPath, '--out', path.join(tmp, 'o1'), '--json', '--quiet']);
    expect(viaCli.code).toBe(0);
    expect((JSON.parse(viaCli.out) as SegmentCommandResult).model.dir).toBe(adopted);
    const named = await runCli(['segment', ctPath, '--out', path.join(tmp, 'o2'), '--model', other, '--json', '--quiet']);
    expect(named.code).toBe(0);
    expect((JSON.parse(named.out) as SegmentCommandResult).model.dir).toBe(other);

    const third = createLocalClient(createCore());
    try {
      await third.host.setDefaultModel({ dir: null });
      expect((await third.system.info({})).defaultModel).toEqual({ id: 'cardioseg-default', path: DEFAULT_MODEL_DIR, source: 'bundled' });
    } finally {
      third.close();
    }
  });

  it('segments with the bundled model and says why when the adopted folder has vanished', async () => {
    const gone = path.join(tmp, 'gone');
    cpSync(adopted, gone, { recursive: true });
    const client = createLocalClient(createCore());
    try {
      await client.host.setDefaultModel({ dir: gone });
      await rm(gone, { recursive: true });
      const seg = await client.segmentation.run({ input: { path: ctPath } });
      expect(seg.model.dir).toBe(DEFAULT_MODEL_DIR);
      const w = seg.warnings.filter((x) => x.code === 'DEFAULT_MODEL_MISSING');
      expect(w).toHaveLength(1);
      expect(w[0]?.message).toContain(gone);
      expect((await client.system.info({})).defaultModel?.source).toBe('bundled');
    } finally {
      await client.host.setDefaultModel({ dir: null });
      client.close();
    }
  });
});
