import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalClient } from '../../../src-main/core.js';
import { loadCtSource } from '../../../src-main/exports/source.js';
import { writeNifti } from '../../../src-main/io/nifti/index.js';
import { dataPath, hasShared } from '../../helpers/paths.js';
import { ellipsoidLabels } from './fixture.js';

/** STOW-RS of an exported SEG into a real Orthanc (Debian, DICOMweb plugin) on loopback. */
const PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const haveOrthanc = (await import('node:fs')).existsSync(PLUGIN) && (await import('node:fs')).existsSync('/usr/sbin/Orthanc');
if (!haveOrthanc) console.warn('STOW-RS test skipped: needs orthanc + orthanc-dicomweb');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!haveOrthanc || !hasShared)('exports.stow to Orthanc', () => {
  let tmp = '';
  let orthanc: ChildProcess | null = null;
  afterAll(async () => {
    if (orthanc && orthanc.exitCode === null) {
      const exited = new Promise((r) => orthanc!.once('exit', r));
      orthanc.kill('SIGTERM');
      await exited;
    }
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('stores the SEG; Orthanc lists it under the source study', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-stow-'));
    const port = await freePort();
    const db = path.join(tmp, 'db');
    const cfg = path.join(tmp, 'orthanc.json');
    await writeFile(
      cfg,
      JSON.stringify({ Name: 'cardioseg-test', StorageDirectory: db, IndexDirectory: db, HttpPort: port, HttpBindAddress: '127.0.0.1', DicomServerEnabled: false, RemoteAccessAllowed: false, AuthenticationEnabled: false, Plugins: [PLUGIN], DicomWeb: { Enable: true, Root: '/dicom-web/' } }),
    );
    orthanc = spawn('/usr/sbin/Orthanc', [cfg], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${base}/system`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const dir = dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'ct-3slice');
    const src = await loadCtSource(dir);
    const labelsPath = path.join(tmp, 'labels.nii.gz');
    await writeNifti(labelsPath, ellipsoidLabels(src.ct));
    const client = createLocalClient();
    try {
      const r = await client.exports.run({ ctPath: dir, labelsPath, formats: ['seg'], outDir: path.join(tmp, 'out') });
      const seg = r.files.find((f) => f.format === 'seg')!.path;
      const stored = await client.exports.stow({ path: seg, url: `${base}/dicom-web/studies` });
      expect(stored.status).toBe(200);
      expect(stored.retrieveUrl).toBe(`${base}/dicom-web/studies/${src.dicom!.StudyInstanceUID}`);
      const series = (await (await fetch(`${base}/dicom-web/studies/${src.dicom!.StudyInstanceUID}/series`)).json()) as Array<Record<string, { Value?: string[] }>>;
      expect(series.map((s) => s['00080060']?.Value?.[0])).toEqual(['SEG']);
      // A refused upload is an error, not a silent success.
      await expect(client.exports.stow({ path: labelsPath, url: `${base}/dicom-web/studies` })).rejects.toMatchObject({ code: 'IO' });
    } finally {
      client.close();
    }
  });
});
