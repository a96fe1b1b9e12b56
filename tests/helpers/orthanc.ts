import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's orthanc + orthanc-dicomweb: a real PACS with DICOMweb, private to one test, on loopback. */
export const ORTHANC = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
export const haveOrthanc = existsSync(ORTHANC) && existsSync(DICOMWEB_PLUGIN);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Orthanc {
  /** http://127.0.0.1:PORT; the STOW-RS endpoint is `${base}/dicom-web/studies`. */
  base: string;
  stop(): Promise<void>;
}

/**
 * Start Orthanc with an empty database in a temp folder, DICOM networking and remote access off,
 * DICOMweb at /dicom-web/, and wait (up to 10 s) until its REST API answers.
 */
export async function startOrthanc(): Promise<Orthanc> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cardioseg-orthanc-'));
  const port = await freePort();
  const db = path.join(tmp, 'db');
  const cfg = path.join(tmp, 'orthanc.json');
  await writeFile(
    cfg,
    JSON.stringify({ Name: 'cardioseg-test', StorageDirectory: db, IndexDirectory: db, HttpPort: port, HttpBindAddress: '127.0.0.1', DicomServerEnabled: false, RemoteAccessAllowed: false, AuthenticationEnabled: false, Plugins: [DICOMWEB_PLUGIN], DicomWeb: { Enable: true, Root: '/dicom-web/' } }),
  );
  const proc: ChildProcess = spawn(ORTHANC, [cfg], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    await rm(tmp, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${base}/system`).then((r) => r.ok, () => false)) return { base, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`Orthanc did not answer on ${base} within 10 s`);
}
