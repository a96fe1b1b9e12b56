import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../../../src-shared/volume/volume.js';
import { readNifti, writeNifti } from '../../../src-main/io/nifti/index.js';
import { runExport } from '../../../src-main/exports/run.js';
import { HERE } from './tools.js';

/**
 * A kill during export must leave the previous file or the complete new one. A child process
 * exports a large CT; the parent SIGKILLs it the moment its temp file appears (inotify), then
 * checks the target byte for byte.
 */
const DIMS: Vec3 = [256, 256, 128];
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function noisyCt(seed: number): Volume<Int16Array> {
  const n = DIMS[0] * DIMS[1] * DIMS[2];
  const data = new Int16Array(n);
  let s = seed >>> 0;
  // Noise does not compress, so the write takes long enough to be interrupted.
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s >>> 20) - 2048;
  }
  return { dims: DIMS, spacingMm: [0.7, 0.7, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3, data };
}

describe('atomic export under SIGKILL', () => {
  let tmp = '';
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('leaves the previous file intact when killed mid-write, and a complete file otherwise', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-kill-'));
    const out = path.join(tmp, 'out');
    const labels: Volume<Uint8Array> = { ...noisyCt(1), data: new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]) };
    labels.data.fill(3, 1000, 50_000);
    const labelsPath = path.join(tmp, 'labels.nii');
    await writeNifti(labelsPath, labels);
    const ct1 = path.join(tmp, 'ct1.nii');
    const ct2 = path.join(tmp, 'ct2.nii');
    await writeNifti(ct1, noisyCt(1));
    await writeNifti(ct2, noisyCt(2));
    await runExport({ ctPath: ct1, labelsPath, formats: ['nifti'], outDir: out });
    const target = path.join(out, 'cardioseg_ct.nii.gz');
    const oldHash = sha(await readFile(target));

    let killedMidWrite = false;
    for (let attempt = 0; attempt < 5 && !killedMidWrite; attempt++) {
      // An earlier attempt may have finished (a loaded machine can outrun the kill): compare
      // against whatever the target held just before this one.
      const before = sha(await readFile(target));
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'kill-child.ts'), ct2, labelsPath, out], { stdio: 'ignore' });
      // Kill once the temp file has some bytes: the export is then truly half written.
      let poll: NodeJS.Timeout | undefined;
      const watcher = watch(out, (_event, name) => {
        if (poll || !name || !/^\.cardioseg_ct\.nii\.gz\..*\.tmp$/.test(name)) return;
        poll = setInterval(() => {
          stat(path.join(out, name)).then(
            (s) => s.size > 0 && child.kill('SIGKILL'),
            () => undefined,
          );
        }, 1);
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c, sig) => resolve(sig ? -1 : c)));
      watcher.close();
      clearInterval(poll);
      const leftovers = (await readdir(out)).filter((f) => f.endsWith('.tmp'));
      const now = await readFile(target);
      const partial = await Promise.all(leftovers.map(async (f) => (await stat(path.join(out, f))).size));
      if (code === -1 && partial.some((size) => size > 0)) {
        killedMidWrite = true;
        // Killed with the temp file half written: the target must still be the old export.
        expect(sha(now)).toBe(before);
      }
      // Whatever happened, the target is a whole NIfTI of the full grid.
      const v = await readNifti(target);
      expect(v.dims).toEqual(DIMS);
      for (const f of leftovers) await rm(path.join(out, f));
    }
    expect(killedMidWrite).toBe(true);

    // Finishing normally replaces it with the complete new export.
    await runExport({ ctPath: ct2, labelsPath, formats: ['nifti'], outDir: out, overwrite: true });
    const v2 = await readNifti(target);
    expect(sha(new Uint8Array(v2.data.buffer))).toBe(sha(new Uint8Array(noisyCt(2).data.buffer)));
    expect(sha(await readFile(target))).not.toBe(oldHash);
  });
});
