import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_OUTPUT } from '../../tests/helpers/paths.js';
import { getPhantomFixture } from './fixture.js';
import { GENERATOR_VERSION } from './generate.js';

const cacheDir = path.join(TEST_OUTPUT, 'fixture-cache');
const req = { seed: 9, preset: 'small' as const, dims: [32, 32, 20] as [number, number, number], spacingMm: [5, 5, 6] as [number, number, number], cacheDir };

describe('getPhantomFixture', () => {
  it('builds once under concurrent callers, leaves no temp folders, and rebuilds an older generator version', async () => {
    rmSync(cacheDir, { recursive: true, force: true });
    const [a, b] = await Promise.all([getPhantomFixture(req), getPhantomFixture(req)]);
    expect(a.dir).toBe(b.dir);
    expect(path.basename(a.dir)).toBe('phantom_seed9_32x32x20_5x5x6mm');
    expect(readdirSync(cacheDir)).toEqual(['phantom_seed9_32x32x20_5x5x6mm']);
    expect(a.dicomFiles).toHaveLength(20);
    expect(a.truth.generatorVersion).toBe(GENERATOR_VERSION);

    // Reuse: the files are not rewritten.
    const before = readFileSync(a.truthPath, 'utf8');
    writeFileSync(path.join(a.dir, 'marker'), 'x');
    const c = await getPhantomFixture(req);
    expect(readdirSync(c.dir)).toContain('marker');
    expect(readFileSync(c.truthPath, 'utf8')).toBe(before);

    // A cache made by an older generator is replaced.
    const stale = JSON.parse(before) as { generatorVersion: number };
    stale.generatorVersion = GENERATOR_VERSION - 1;
    writeFileSync(a.truthPath, JSON.stringify(stale));
    const d = await getPhantomFixture(req);
    expect(d.truth.generatorVersion).toBe(GENERATOR_VERSION);
    expect(readdirSync(d.dir)).not.toContain('marker');
    expect(readdirSync(cacheDir)).toEqual(['phantom_seed9_32x32x20_5x5x6mm']);
  });
});
