import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src-shared/rpc/define.js';
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
});
