import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src-shared/rpc/define.js';
import { DEFAULT_MODEL_DIR } from '../ml/default-model.js';
import { resolveModelDir } from '../ml/infer/pipeline.js';
import { writeTinyModelDir } from '../ml/infer/tiny-model.js';
import { createHostService, setHostNativeAdapter } from './host.service.js';

const ctx = { signal: new AbortController().signal, progress: () => {}, emit: () => {} } as CallContext<Record<never, never>>;

describe('host service', () => {
  let dir: string;
  const prev = process.env.CARDIOSEG_CONFIG_DIR;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cardioseg-host-'));
    process.env.CARDIOSEG_CONFIG_DIR = dir;
  });
  afterEach(() => {
    setHostNativeAdapter(undefined);
    if (prev === undefined) delete process.env.CARDIOSEG_CONFIG_DIR;
    else process.env.CARDIOSEG_CONFIG_DIR = prev;
    rmSync(dir, { recursive: true, force: true });
  });

  it('persists recent studies newest first, without duplicates, capped at 20', async () => {
    const host = createHostService();
    for (let n = 0; n < 22; n++) await host.addRecent({ path: `/data/study-${n}`, seriesCount: n }, ctx);
    await host.addRecent({ path: '/data/study-5/' }, ctx);
    const again = await createHostService().listRecent({}, ctx);
    expect(again.studies).toHaveLength(20);
    expect(again.studies[0]?.path).toBe('/data/study-5');
    expect(again.studies.filter((s) => s.path === '/data/study-5')).toHaveLength(1);
    expect(again.studies.some((s) => s.path === '/data/study-0')).toBe(false);
    expect((await host.clearRecent({}, ctx)).studies).toEqual([]);
  });

  it('keeps the valid entries of a damaged recent-studies file', async () => {
    writeFileSync(path.join(dir, 'recent-studies.json'), JSON.stringify([{ path: '/ok', openedAt: '2026-01-01T00:00:00Z' }, { nope: 1 }, 'x']));
    expect((await createHostService().listRecent({}, ctx)).studies.map((s) => s.path)).toEqual(['/ok']);
    writeFileSync(path.join(dir, 'recent-studies.json'), '{not json');
    expect((await createHostService().listRecent({}, ctx)).studies).toEqual([]);
  });

  it('says "not supported" without a native adapter and uses one when installed', async () => {
    const host = createHostService();
    expect(await host.pickFolder({}, ctx)).toEqual({ supported: false, path: null });
    expect(await host.openFolder({ path: dir }, ctx)).toEqual({ supported: false, opened: false });
    const opened: string[] = [];
    setHostNativeAdapter({ pickFolder: async () => '/picked', openFolder: async (d) => (opened.push(d), true) });
    expect(await host.pickFolder({ title: 't' }, ctx)).toEqual({ supported: true, path: '/picked' });
    expect(await host.openFolder({ path: dir }, ctx)).toEqual({ supported: true, opened: true });
    expect(opened).toEqual([dir]);
  });

  it("reads a model folder's recorded validation Dice, and says when there is none", async () => {
    const host = createHostService();
    expect((await host.modelSummary({ dir: path.join(dir, 'none') }, ctx)).found).toBe(false);
    writeFileSync(path.join(dir, 'training-result.json'), JSON.stringify({ validation: { meanForegroundDice: 0.8, dice: [0.99, 0.7, null] }, validationPatients: ['p3'] }));
    const s = await host.modelSummary({ dir }, ctx);
    expect(s).toEqual({ dir, found: true, meanForegroundDice: 0.8, dice: [0.99, 0.7, null], validationPatients: ['p3'] });
    writeFileSync(path.join(dir, 'training-result.json'), JSON.stringify({ nope: 1 }));
    await expect(host.modelSummary({ dir }, ctx)).rejects.toMatchObject({ code: 'DATA' });
  });

  it('gives each study its own working folder under the config dir', async () => {
    const host = createHostService();
    const a = await host.workDir({ study: '/data/a' }, ctx);
    const b = await host.workDir({ study: '/data/b' }, ctx);
    expect(a.path.startsWith(dir)).toBe(true);
    expect(a.path).not.toBe(b.path);
    expect((await host.workDir({ study: '/data/a/' }, ctx)).path).toBe(a.path);
    expect(existsSync(a.path)).toBe(true);
  });

  describe('default model', () => {
    // One tiny real model folder for all cases; each case copies it where it needs it.
    let tiny: string;
    beforeAll(async () => {
      tiny = await writeTinyModelDir(path.join(mkdtempSync(path.join(os.tmpdir(), 'cardioseg-host-tiny-')), 'model'));
      return () => rmSync(path.dirname(tiny), { recursive: true, force: true });
    });
    const settings = () => JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;

    it('is the bundled model until one is adopted', async () => {
      const s = await createHostService().getDefaultModel({}, ctx);
      expect(s).toEqual({ current: { id: 'cardioseg-default', path: DEFAULT_MODEL_DIR, source: 'bundled' }, adopted: null, bundled: { id: 'cardioseg-default', path: DEFAULT_MODEL_DIR }, warnings: [] });
      expect((await resolveModelDir(undefined)).dir).toBe(DEFAULT_MODEL_DIR);
    });

    it('persists an adopted model: a new service instance and the segmentation resolver use it, until restored', async () => {
      const model = path.join(dir, 'models', 'mine');
      cpSync(tiny, model, { recursive: true });
      const set = await createHostService().setDefaultModel({ dir: model }, ctx);
      expect(set.current).toEqual({ id: 'mine', path: model, source: 'adopted' });
      expect(settings()).toEqual({ defaultModel: model });

      const again = await createHostService().getDefaultModel({}, ctx);
      expect(again.current?.path).toBe(model);
      expect(again.adopted).toBe(model);
      expect(await resolveModelDir(undefined)).toEqual({ dir: model, warnings: [] });
      // A model named for one run still wins over the default.
      expect((await resolveModelDir(tiny)).dir).toBe(tiny);

      const reset = await createHostService().setDefaultModel({ dir: null }, ctx);
      expect(reset.current?.source).toBe('bundled');
      expect(reset.adopted).toBeNull();
      expect(settings()).toEqual({});
      expect((await resolveModelDir(undefined)).dir).toBe(DEFAULT_MODEL_DIR);
    });

    it('stores the adopted folder as an absolute path', async () => {
      const prevCwd = process.cwd();
      cpSync(tiny, path.join(dir, 'rel'), { recursive: true });
      process.chdir(dir);
      try {
        expect((await createHostService().setDefaultModel({ dir: 'rel' }, ctx)).adopted).toBe(path.join(dir, 'rel'));
      } finally {
        process.chdir(prevCwd);
      }
    });

    it('rejects a folder that is not a loadable model and keeps the previous default', async () => {
      const host = createHostService();
      const good = path.join(dir, 'good');
      cpSync(tiny, good, { recursive: true });
      await host.setDefaultModel({ dir: good }, ctx);

      await expect(host.setDefaultModel({ dir: path.join(dir, 'nowhere') }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(host.setDefaultModel({ dir: path.join(good, 'plans.json') }, ctx)).rejects.toMatchObject({ code: 'MODEL' });
      const empty = path.join(dir, 'empty');
      mkdirSync(empty);
      await expect(host.setDefaultModel({ dir: empty }, ctx)).rejects.toMatchObject({ code: 'MODEL', message: expect.stringMatching(/not a CardioSeg model folder.*plans\.json/) });
      // model.json and plans.json present, but the weights are gone: present is not loadable.
      const noWeights = path.join(dir, 'no-weights');
      cpSync(tiny, noWeights, { recursive: true });
      rmSync(path.join(noWeights, 'weights.bin'));
      await expect(host.setDefaultModel({ dir: noWeights }, ctx)).rejects.toMatchObject({ code: 'MODEL', details: { dir: noWeights } });
      const badPlans = path.join(dir, 'bad-plans');
      cpSync(tiny, badPlans, { recursive: true });
      writeFileSync(path.join(badPlans, 'plans.json'), JSON.stringify({ version: 1, classes: [] }));
      await expect(host.setDefaultModel({ dir: badPlans }, ctx)).rejects.toMatchObject({ code: 'MODEL' });

      expect((await host.getDefaultModel({}, ctx)).current?.path).toBe(good);
      expect(settings()).toEqual({ defaultModel: good });
    });

    it('falls back to the bundled model with a warning when the adopted folder vanishes, and uses it again when it is back', async () => {
      const model = path.join(dir, 'usb', 'model');
      cpSync(tiny, model, { recursive: true });
      await createHostService().setDefaultModel({ dir: model }, ctx);
      rmSync(path.join(dir, 'usb'), { recursive: true });

      const s = await createHostService().getDefaultModel({}, ctx);
      expect(s.current).toEqual({ id: 'cardioseg-default', path: DEFAULT_MODEL_DIR, source: 'bundled' });
      expect(s.adopted).toBe(model);
      expect(s.warnings).toHaveLength(1);
      expect(s.warnings[0]).toMatchObject({ code: 'DEFAULT_MODEL_MISSING', message: expect.stringContaining(model) });
      const resolved = await resolveModelDir(undefined);
      expect(resolved.dir).toBe(DEFAULT_MODEL_DIR);
      expect(resolved.warnings.map((w) => w.code)).toEqual(['DEFAULT_MODEL_MISSING']);

      cpSync(tiny, model, { recursive: true });
      expect((await createHostService().getDefaultModel({}, ctx)).current).toMatchObject({ path: model, source: 'adopted' });
    });
  });

  it('remembers preferences beside the default model without losing either, and ignores a damaged file', async () => {
    const host = createHostService();
    expect(await host.getPreferences({}, ctx)).toEqual({ stowUrl: null });
    expect(await host.setPreferences({ stowUrl: 'http://127.0.0.1:8042/dicom-web/studies' }, ctx)).toEqual({ stowUrl: 'http://127.0.0.1:8042/dicom-web/studies' });
    await host.setDefaultModel({ dir: null }, ctx);
    // Fields a newer version wrote survive this version's writes.
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), futureField: 42 }));
    await host.setPreferences({}, ctx);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ stowUrl: 'http://127.0.0.1:8042/dicom-web/studies', futureField: 42 });
    expect((await createHostService().getPreferences({}, ctx)).stowUrl).toBe('http://127.0.0.1:8042/dicom-web/studies');
    expect(await host.setPreferences({ stowUrl: null }, ctx)).toEqual({ stowUrl: null });

    writeFileSync(file, JSON.stringify({ stowUrl: 'file:///etc/passwd', defaultModel: 7 }));
    expect(await host.getPreferences({}, ctx)).toEqual({ stowUrl: null });
    expect((await host.getDefaultModel({}, ctx)).adopted).toBeNull();
    writeFileSync(file, '{not json');
    expect((await host.getDefaultModel({}, ctx)).current?.source).toBe('bundled');
  });
});
