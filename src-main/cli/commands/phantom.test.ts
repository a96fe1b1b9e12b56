import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_OUTPUT } from '../../../tests/helpers/paths.js';
import { EXIT_OK, EXIT_USAGE, main } from '../main.js';

describe('cardioseg phantom', () => {
  it('writes the series, labels and truth.json and prints one JSON document with --json', async () => {
    const out = path.join(TEST_OUTPUT, 'cli-phantom');
    rmSync(out, { recursive: true, force: true });
    let stdout = '';
    const code = await main(['phantom', '--seed', '4', '--preset', 'small', '--out', out, '--syntax', 'implicit-le', '--noise', '5', '--json', '--quiet'], (s) => (stdout += s));
    expect(code).toBe(EXIT_OK);
    const r = JSON.parse(stdout) as { dicomFiles: number; transferSyntaxUid: string; truth: { seed: number; noiseSigmaHu: number } };
    expect(r.dicomFiles).toBe(64);
    expect(r.transferSyntaxUid).toBe('1.2.840.10008.1.2');
    expect(r.truth.seed).toBe(4);
    expect(r.truth.noiseSigmaHu).toBe(5);
    expect(existsSync(path.join(out, 'labels.nii.gz'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'truth.json'), 'utf8')).seed).toBe(4);
  });

  it('rejects a bad preset or syntax with the usage exit code', async () => {
    const out = path.join(TEST_OUTPUT, 'cli-phantom-bad');
    expect(await main(['phantom', '--preset', 'huge', '--out', out], () => undefined)).toBe(EXIT_USAGE);
    expect(await main(['phantom', '--syntax', 'jpeg', '--out', out], () => undefined)).toBe(EXIT_USAGE);
    expect(await main(['phantom', '--seed', '1'], () => undefined)).toBe(EXIT_USAGE);
    expect(existsSync(out)).toBe(false);
  });
});
