import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeDicomBytes } from '../../src-main/dicom/file.js';
import { importDicom, scanDicom } from '../../src-main/dicom/index.js';
import { parseDicomBytes } from '../../src-main/dicom/parse.js';
import { isAppError } from '../../src-shared/errors.js';
import { dataPath, hasShared } from '../helpers/paths.js';
import { rng, cleanupTmpDirs, tmpDir } from './import-fixtures.js';

const PYD = dataPath('dicom', 'pydicom-test-files', 'src', 'pydicom', 'data', 'test_files');
const TS = dataPath('dicom', 'ct-transfer-syntaxes', 'testImages');
/** Small real files covering every decoder path, so 2,000+ cases stay well under a minute. */
const SOURCES = [
  path.join(PYD, 'MR_small.dcm'),
  path.join(PYD, 'MR_small_bigendian.dcm'),
  path.join(PYD, 'MR_small_implicit.dcm'),
  path.join(PYD, 'MR_small_RLE.dcm'),
  path.join(PYD, 'MR_small_jpeg_ls_lossless.dcm'),
  path.join(PYD, 'MR_small_jp2klossless.dcm'),
  path.join(PYD, 'JPEG2000.dcm'),
  path.join(PYD, 'image_dfl.dcm'),
  path.join(PYD, 'CT_small.dcm'),
  path.join(PYD, 'SC_rgb_rle_2frame.dcm'),
  path.join(TS, 'CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm'),
  path.join(TS, 'CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm'),
];

function corrupt(src: Uint8Array, r: () => number): { bytes: Uint8Array; how: string } {
  const b = src.slice();
  const pick = r();
  const at = (n: number) => Math.floor(r() * n);
  if (pick < 0.3) {
    const len = at(b.length);
    return { bytes: b.subarray(0, len), how: `truncate@${len}` };
  }
  if (pick < 0.65) {
    const n = 1 + at(16);
    // Half the flips land in the header, where lengths and VRs live.
    for (let i = 0; i < n; i++) b[r() < 0.5 ? at(Math.min(b.length, 1024)) : at(b.length)] = at(256);
    return { bytes: b, how: `flip×${n}` };
  }
  if (pick < 0.85) {
    const start = at(b.length);
    const len = 1 + at(256);
    for (let i = start; i < Math.min(b.length, start + len); i++) b[i] = at(256);
    return { bytes: b, how: `run@${start}+${len}` };
  }
  const start = at(b.length);
  const len = 1 + at(4096);
  return { bytes: new Uint8Array([...b.subarray(0, start), ...b.subarray(Math.min(b.length, start + len))]), how: `cut@${start}+${len}` };
}

describe.skipIf(!hasShared)('fuzz: corrupted and truncated copies of real files', () => {
  afterAll(cleanupTmpDirs);
  it('2,400 corrupted files: no crash, no hang, every failure an AppError naming the file', async () => {
    const sources = SOURCES.map((f) => ({ f, bytes: new Uint8Array(readFileSync(f)) }));
    const r = rng(20261204);
    let failures = 0;
    let ok = 0;
    let worstMs = 0;
    const t0 = performance.now();
    for (let i = 0; i < 2400; i++) {
      const src = sources[i % sources.length] as (typeof sources)[0];
      const { bytes, how } = corrupt(src.bytes, r);
      const name = `${path.basename(src.f)}#${i}:${how}`;
      const t = performance.now();
      try {
        await decodeDicomBytes(bytes, name);
        ok++;
      } catch (e) {
        failures++;
        if (!isAppError(e) || !e.message.startsWith(name)) throw new Error(`case ${name} failed badly: ${String(e)}`);
      }
      worstMs = Math.max(worstMs, performance.now() - t);
    }
    const totalS = (performance.now() - t0) / 1000;
    console.log(`fuzz: 2400 cases, ${ok} decoded, ${failures} AppErrors, worst ${worstMs.toFixed(0)} ms, total ${totalS.toFixed(1)} s`);
    expect(failures).toBeGreaterThan(200); // the corruption really bites
    expect(ok).toBeGreaterThan(200); // and some survive (flips in pixel data)
    expect(worstMs).toBeLessThan(5000);
    // The uncorrupted sources still decode: no codec was left broken by an aborted instance.
    for (const s of sources) await expect(decodeDicomBytes(s.bytes, s.f)).resolves.toBeTruthy();
  });

  it('12-bit lossy JPEG (itk-wasm): 40 copies damaged inside the JPEG stream decode or fail as AppErrors naming the file', async () => {
    const src = path.join(TS, 'CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm');
    const bytes = new Uint8Array(readFileSync(src));
    const r = rng(1204);
    // The damage lands in the encapsulated pixel data, so the JPEG decoder (not the parser) sees it.
    const jpegStart = parseDicomBytes(bytes, { headerOnly: false }).elements['x7fe00010']?.dataOffset ?? 0;
    expect(jpegStart).toBeGreaterThan(1000);
    let failures = 0;
    let worstMs = 0;
    for (let i = 0; i < 40; i++) {
      const b = bytes.slice();
      const n = 1 + Math.floor(r() * 32);
      for (let k = 0; k < n; k++) b[jpegStart + Math.floor(r() * (b.length - jpegStart))] = Math.floor(r() * 256);
      const cut = i % 4 === 0 ? b.subarray(0, jpegStart + Math.floor(r() * (b.length - jpegStart))) : b;
      const name = `jpeg12#${i}`;
      const t = performance.now();
      try {
        const d = await decodeDicomBytes(cut, name);
        expect(d.frames[0]?.length).toBe(512 * 512);
      } catch (e) {
        failures++;
        if (!isAppError(e) || !e.message.startsWith(name)) throw new Error(`case ${name} failed badly: ${String(e)}`);
      }
      worstMs = Math.max(worstMs, performance.now() - t);
    }
    console.log(`fuzz jpeg12: 40 cases, ${failures} AppErrors, worst ${worstMs.toFixed(0)} ms`);
    expect(worstMs).toBeLessThan(5000);
    await expect(decodeDicomBytes(bytes, src)).resolves.toBeTruthy();
  });

  it('a folder of 150 corrupted files scans and imports: warnings carry file paths, nothing thrown raw', async () => {
    const dir = tmpDir('fuzzdir');
    const r = rng(7);
    const base = new Uint8Array(readFileSync(path.join(PYD, 'CT_small.dcm')));
    for (let i = 0; i < 150; i++) writeFileSync(path.join(dir, `f${String(i).padStart(3, '0')}.dcm`), corrupt(base, r).bytes);
    const scan = await scanDicom(dir, { fileTimeoutMs: 2000 });
    expect(scan.result.filesSeen).toBe(150);
    for (const w of scan.result.warnings.filter((x) => x.code === 'UNREADABLE_FILE' || x.code === 'NOT_DICOM')) {
      expect(w.file?.startsWith(dir)).toBe(true);
    }
    const res = await importDicom(dir).then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (!res.ok) {
      expect(isAppError(res.e)).toBe(true);
      expect(`${(res.e as Error).message} ${JSON.stringify((res.e as { details?: unknown }).details ?? '')}`).toMatch(/\.dcm|series|volume|spacing|position|orientation/i);
    } else {
      expect(res.v.volume.dims[0]).toBeGreaterThan(0);
    }
  });
});
