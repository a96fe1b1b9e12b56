import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePhantomNifti } from '../../tests/integration/exports/fixture.js';
import { runExport } from './run.js';

describe('runExport', () => {
  let tmp = '';
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('cancels between files, leaving no temp files and no later files', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-run-'));
    const f = await writePhantomNifti(tmp);
    const out = path.join(tmp, 'out');
    const ac = new AbortController();
    const stages: string[] = [];
    const p = runExport(
      { ctPath: f.ctPath, labelsPath: f.labelsPath, formats: ['nifti', 'stl'], outDir: out },
      {
        signal: ac.signal,
        progress: (pr) => {
          stages.push(`${pr.stage}:${pr.done}`);
          if (pr.stage === 'write' && pr.done === 1) ac.abort();
        },
      },
    );
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
    const left = await readdir(out).catch(() => [] as string[]);
    expect(left.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // The first file was complete before the cancel; nothing after it was written.
    expect(left.filter((n) => !n.startsWith('.'))).toEqual(['cardioseg_labels.nii.gz']);
    expect(stages).toContain('write:1');
  });

  it('rejects a label map that does not overlap the CT', async () => {
    const f = await writePhantomNifti(path.join(tmp, 'b'));
    const { writeNifti } = await import('../io/nifti/index.js');
    const far = path.join(tmp, 'far.nii.gz');
    await writeNifti(far, { ...f.labels, originLps: [5000, 5000, 5000] });
    await expect(runExport({ ctPath: f.ctPath, labelsPath: far, formats: ['nifti'], outDir: path.join(tmp, 'out2') })).rejects.toMatchObject({ code: 'DATA' });
  });
});
