import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, hasShared } from '../../tests/helpers/paths.js';
import { readDicomdir } from './dicomdir.js';
import { scanFiles } from './scan.js';

const QA = dataPath('dicom', 'dcm_qa_ct');
const PHILIPS = path.join(QA, 'In', 'Philips');
const tmps: string[] = [];
afterAll(() => {
  for (const d of tmps) rmSync(d, { recursive: true, force: true });
});

function copyPhilips(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cardioseg-dicomdir-'));
  tmps.push(dir);
  cpSync(PHILIPS, dir, { recursive: true });
  return dir;
}

/** Lower-case every name below `dir`, as some CD copies do: DICOMDIR IDs are upper case. */
function lowerCaseTree(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) lowerCaseTree(p);
    if (name !== name.toLowerCase()) renameSync(p, path.join(dir, name.toLowerCase()));
  }
}

describe.skipIf(!hasShared)('DICOMDIR', () => {
  it('Philips DICOMDIR: follows the private DIRFILE tree to the 35 images, names the files it lacks', async () => {
    const r = await readDicomdir(path.join(PHILIPS, 'DICOMDIR'));
    expect(r.files).toHaveLength(35); // 28 axial + 1 localizer + 6 secondary captures
    expect(new Set(r.files).size).toBe(35);
    for (const f of r.files) expect(path.basename(f)).toMatch(/^I\d+$/);
    expect(r.directories.map((d) => path.relative(PHILIPS, d)).sort()).toEqual(
      ['DICOMDIR', 'S21570/DIRFILE', 'S21570/S1000/DIRFILE', 'S21570/S2010/DIRFILE', 'S21570/S4010/DIRFILE'].sort(),
    );
    const missing = r.warnings.filter((w) => w.code === 'DICOMDIR_MISSING_FILES');
    expect(missing.map((w) => w.message).join('\n')).toContain('S21610/DIRFILE');
    expect(missing.map((w) => w.message).join('\n')).toContain('S21570/S2030/DIRFILE');
  });

  it('a DICOMDIR whose files were not copied: one warning naming them, with the full count', async () => {
    const r = await readDicomdir(path.join(QA, 'DICOMDIR'));
    expect(r.files).toHaveLength(0);
    expect(r.warnings).toHaveLength(1);
    const w = r.warnings[0];
    expect(w?.code).toBe('DICOMDIR_MISSING_FILES');
    expect(w?.file).toBe(path.join(QA, 'DICOMDIR'));
    expect(w?.message).toMatch(/^The directory lists 433 file\(s\).*DICOM\/S21610\/S3010\/I210/);
    expect((w?.details as { count: number }).count).toBe(433);
  });

  it('scan honours it: usedDicomdir, a deleted listed file is a warning naming it, names matched case-insensitively', async () => {
    const dir = copyPhilips();
    rmSync(path.join(dir, 'S21570', 'S2010', 'I50'));
    lowerCaseTree(dir);
    const scan = await scanFiles(dir);
    expect(scan.usedDicomdir).toBe(true);
    expect(scan.headers).toHaveLength(34);
    const w = scan.warnings.find((x) => x.code === 'DICOMDIR_MISSING_FILES' && x.message.includes('S21570/S2010/I50'));
    expect(w?.file).toBe(path.join(dir, 's21570', 's2010', 'dirfile'));
    // Without the DICOMDIR the walk alone still finds every image.
    rmSync(path.join(dir, 'dicomdir'));
    const plain = await scanFiles(dir);
    expect(plain.usedDicomdir).toBe(false);
    expect(plain.headers).toHaveLength(34);
    expect(plain.warnings.some((x) => x.code === 'DICOMDIR_MISSING_FILES')).toBe(false);
  });

  it('pointing at the DICOMDIR file itself imports what it lists', async () => {
    const scan = await scanFiles(path.join(PHILIPS, 'DICOMDIR'));
    expect(scan.usedDicomdir).toBe(true);
    expect(scan.headers).toHaveLength(35);
  });
});
