import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPath, hasShared } from '../../tests/helpers/paths.js';
import { patchElement } from '../../tests/integration/import-fixtures.js';
import { importDicom } from './index.js';
import { parseDicomBytes } from './parse.js';

/**
 * No HTJ2K file ships with the test data (gdcm/dcmtk cannot write it), so this test makes one:
 * the real CT slice encoded losslessly with OpenJPH's encoder, wrapped as encapsulated PixelData.
 */
interface HtEncoder {
  getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean; isUsingColorTransform: boolean }): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setQuality(lossless: boolean, step: number): void;
  encode(): void;
  delete(): void;
}

function item(tagEl: number, payload: Uint8Array): Uint8Array {
  const b = Buffer.alloc(8 + payload.length);
  b.writeUInt16LE(0xfffe, 0);
  b.writeUInt16LE(tagEl, 2);
  b.writeUInt32LE(payload.length, 4);
  b.set(payload, 8);
  return b;
}

describe.skipIf(!hasShared)('HTJ2K (1.2.840.10008.1.2.4.201)', () => {
  it('a lossless HTJ2K frame decodes to exactly the stored values', async () => {
    const src = readFileSync(dataPath('dicom', 'ct-transfer-syntaxes', 'testImages', 'CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm'));
    const ds = parseDicomBytes(src, { headerOnly: false });
    const el = ds.elements.x7fe00010!;
    const pixels = new Int16Array(new Uint8Array(src.subarray(el.dataOffset, el.dataOffset + el.length)).buffer);

    const factory = createRequire(import.meta.url)('@cornerstonejs/codec-openjph/wasmjs') as () => Promise<{ HTJ2KEncoder: new () => HtEncoder }>;
    const enc = new (await factory()).HTJ2KEncoder();
    enc.getDecodedBuffer({ width: 512, height: 512, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false }).set(new Uint8Array(pixels.buffer));
    enc.setQuality(true, 0);
    enc.encode();
    let code = enc.getEncodedBuffer().slice();
    enc.delete();
    if (code.length % 2) code = new Uint8Array([...code, 0]);

    const head = patchElement(new Uint8Array(src.subarray(0, el.dataOffset - 12)), 'x00020010', '1.2.840.10008.1.2.4.201');
    const pdHeader = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const file = path.join(os.tmpdir(), `cardioseg-htj2k-${process.pid}.dcm`);
    writeFileSync(file, Buffer.concat([head, pdHeader, item(0xe000, new Uint8Array(0)), item(0xe000, code), item(0xe0dd, new Uint8Array(0))]));

    const r = await importDicom(file).finally(() => rmSync(file, { force: true }));
    expect(r.chosen.transferSyntaxUids).toEqual(['1.2.840.10008.1.2.4.201']);
    const slope = 1;
    const intercept = -1024;
    let diff = 0;
    for (let i = 0; i < pixels.length; i++) if (r.volume.data[i] !== (pixels[i] as number) * slope + intercept) diff++;
    expect(diff).toBe(0);
    expect(code.length).toBeLessThan(pixels.byteLength); // really compressed
  });
});
