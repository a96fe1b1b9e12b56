import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src-shared/errors.js';
import { dataPath, hasShared } from '../../tests/helpers/paths.js';
import { DecodePool } from './decode-pool.js';
import { extractHeader } from './header.js';
import { parseDicomBytes } from './parse.js';
import { decodeStoredFrame } from './pixels.js';

const dir = dataPath('dicom', 'siemens-abdomen-j2k', 'example_ct_dicom');

describe.skipIf(!hasShared)('decode pool (worker threads)', () => {
  const pools: DecodePool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('decodes JPEG 2000 frames exactly like the main thread', async () => {
    const pool = new DecodePool(2, 60_000);
    pools.push(pool);
    await pool.start();
    const files = readdirSync(dir).slice(0, 4).map((f) => path.join(dir, f));
    const results = await Promise.all(
      files.map(async (f) => {
        const ds = parseDicomBytes(readFileSync(f), { headerOnly: false });
        const h = extractHeader(ds, f);
        const [viaPool] = await pool.decode(f, h, [0]);
        const local = await decodeStoredFrame(ds, h, 0);
        return { viaPool, local };
      }),
    );
    for (const r of results) {
      expect(r.viaPool?.length).toBe(512 * 512);
      expect(Buffer.compare(Buffer.from(r.viaPool!.buffer), Buffer.from(r.local.buffer, r.local.byteOffset, r.local.byteLength))).toBe(0);
    }
  });

  it('decodes 12-bit lossy JPEG (itk-wasm in a worker) exactly like the main thread', async () => {
    const pool = new DecodePool(1, 60_000);
    pools.push(pool);
    await pool.start();
    const f = path.join(dataPath('dicom', 'ct-transfer-syntaxes', 'testImages'), 'CT0012.fragmented_no_bot_jpeg_baseline.51.dcm');
    const ds = parseDicomBytes(readFileSync(f), { headerOnly: false });
    const h = extractHeader(ds, f);
    const viaPool = await pool.decode(f, h, [0, 1]);
    expect(viaPool).toHaveLength(2);
    for (const k of [0, 1]) {
      const local = await decodeStoredFrame(ds, h, k);
      expect(viaPool[k]?.length).toBe(h.rows * h.columns);
      expect(Array.from(viaPool[k]!)).toEqual(Array.from(local));
    }
  });

  it('a decode that overruns its time bound is ended (worker terminated) with an AppError naming the file', async () => {
    const pool = new DecodePool(1, 1);
    pools.push(pool);
    await pool.start();
    const f = path.join(dir, readdirSync(dir)[0] as string);
    const h = extractHeader(parseDicomBytes(readFileSync(f), { headerOnly: true }), f);
    const e = await pool.decode(f, h, [0]).catch((x: unknown) => x);
    expect(isAppError(e) && e.code).toBe('DATA');
    expect((e as Error).message).toContain(f);
    expect((e as Error).message).toMatch(/longer than/);
  });
});
