import { createServer as createHttpServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore, createLocalClient } from '../../../src-main/core.js';
import { loadCtSource } from '../../../src-main/exports/source.js';
import { writeNifti } from '../../../src-main/io/nifti/index.js';
import { freePort, haveOrthanc, startOrthanc, type Orthanc } from '../../helpers/orthanc.js';
import { dataPath, hasShared } from '../../helpers/paths.js';
import { ellipsoidLabels } from './fixture.js';

if (!haveOrthanc) console.warn('STOW-RS test skipped: needs orthanc + orthanc-dicomweb');

/** STOW-RS of an exported SEG into a real Orthanc (Debian, DICOMweb plugin) on loopback. */
describe.skipIf(!haveOrthanc || !hasShared)('exports.stow to Orthanc', () => {
  let tmp = '';
  let orthanc: Orthanc | null = null;
  afterAll(async () => {
    await orthanc?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('stores the SEG; Orthanc lists it under the source study', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-stow-'));
    orthanc = await startOrthanc();
    const { base } = orthanc;

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
      expect([stored.stored, stored.failed]).toEqual([1, 0]);
      const series = (await (await fetch(`${base}/dicom-web/studies/${src.dicom!.StudyInstanceUID}/series`)).json()) as Array<Record<string, { Value?: string[] }>>;
      expect(series.map((s) => s['00080060']?.Value?.[0])).toEqual(['SEG']);
      // A refused upload is an error, not a silent success.
      await expect(client.exports.stow({ path: labelsPath, url: `${base}/dicom-web/studies` })).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/^The PACS answered HTTP \d{3}/) });
    } finally {
      client.close();
    }
  });
});

/** What the user sees when the address is wrong or the PACS says no: no Orthanc needed. */
describe('exports.stow errors and store reports', () => {
  let server: Server | null = null;
  afterAll(async () => {
    if (server) await new Promise((r) => server!.close(r));
  });

  it('accepts only http(s) URLs, says "connection refused" in words, and counts stored and refused instances', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-stow-err-'));
    const file = path.join(tmp, 'x.dcm');
    await writeFile(file, Buffer.alloc(132));
    // A stand-in STOW-RS endpoint: 404 off its path, else a store report with one stored and one refused instance.
    let seenBody = 0;
    server = createHttpServer((req, res) => {
      req.on('data', (c: Buffer) => (seenBody += c.length));
      req.on('end', () => {
        if (req.url !== '/dicom-web/studies') {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(202, { 'Content-Type': 'application/dicom+json' }).end(JSON.stringify({ '00081199': { vr: 'SQ', Value: [{}] }, '00081198': { vr: 'SQ', Value: [{}] } }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const closed = await freePort();
    const client = createLocalClient(createCore({ log: { warn: () => undefined } }));
    try {
      for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:text/plain,hi', 'not a url']) {
        await expect(client.exports.stow({ path: file, url }), url).rejects.toMatchObject({ code: 'VALIDATION' });
      }
      await expect(client.exports.stow({ path: file, url: `http://127.0.0.1:${closed}/dicom-web/studies` })).rejects.toMatchObject({
        code: 'IO',
        message: `Could not reach the PACS at http://127.0.0.1:${closed}: connection refused (is the PACS running and the port right?)`,
      });
      await expect(client.exports.stow({ path: file, url: `http://127.0.0.1:${port}/wrong` })).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('HTTP 404') });
      const r = await client.exports.stow({ path: file, url: `http://127.0.0.1:${port}/dicom-web/studies` });
      expect(r).toMatchObject({ status: 202, stored: 1, failed: 1, retrieveUrl: null });
      expect(r.warnings.map((w) => w.code)).toEqual(['STOW_FAILED_SOP']);
      expect(seenBody).toBeGreaterThan(132);
    } finally {
      client.close();
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
