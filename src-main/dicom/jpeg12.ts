import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError, toAppError } from '../../src-shared/errors.js';

/**
 * 12-bit lossy JPEG (.51/.53/.55) through @itk-wasm/dicom (GDCM + IJG libjpeg 12-bit, WASM): the
 * one maintained decoder that read these exactly in Node (findings.md; the cornerstone JS decoder
 * is ~15 HU off). Its Node API reads whole files from disk, so each frame is wrapped in a minimal
 * Part 10 file with no rescale tags: the image it returns is then the stored values themselves,
 * and rescale, sign handling and everything else stay in pixels.ts / assemble.ts.
 */

export interface Jpeg12Frame {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  samplesPerPixel: number;
  photometric: string;
  transferSyntax: string;
}

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const ANY_UID = '1.2.826.0.1.3680043.10.1';

function evenStr(s: string, pad: string): Uint8Array {
  const b = Buffer.from(s, 'latin1');
  return b.length % 2 === 0 ? b : Buffer.concat([b, Buffer.from(pad, 'latin1')]);
}

/** One explicit-VR little-endian element with a 2-byte length (UI, CS, US). */
function el(group: number, elem: number, vr: string, value: Uint8Array): Uint8Array {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

const ui = (g: number, e: number, v: string) => el(g, e, 'UI', evenStr(v, '\0'));
const cs = (g: number, e: number, v: string) => el(g, e, 'CS', evenStr(v, ' '));
function us(g: number, e: number, v: number): Uint8Array {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v, 0);
  return el(g, e, 'US', b);
}

function item(tagElem: number, body: Uint8Array): Uint8Array {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(0xfffe, 0);
  h.writeUInt16LE(tagElem, 2);
  h.writeUInt32LE(body.length, 4);
  return Buffer.concat([h, body]);
}

/** A Part 10 file holding one encapsulated JPEG frame and only the attributes GDCM needs. */
export function wrapJpegFrame(jpeg: Uint8Array, f: Jpeg12Frame): Buffer {
  // (0002,0001) is OB, whose explicit-VR form has a 4-byte length: written out by hand.
  const version = Buffer.from([0x02, 0x00, 0x01, 0x00, 0x4f, 0x42, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01]);
  const meta = Buffer.concat([
    version,
    ui(0x0002, 0x0002, CT_IMAGE_STORAGE),
    ui(0x0002, 0x0003, ANY_UID),
    ui(0x0002, 0x0010, f.transferSyntax),
    ui(0x0002, 0x0012, ANY_UID),
  ]);
  const groupLen = Buffer.alloc(12);
  groupLen.writeUInt16LE(0x0002, 0);
  groupLen.writeUInt16LE(0x0000, 2);
  groupLen.write('UL', 4, 'latin1');
  groupLen.writeUInt16LE(4, 6);
  groupLen.writeUInt32LE(meta.length, 8);
  const frame = jpeg.length % 2 === 0 ? jpeg : Buffer.concat([jpeg, Buffer.from([0])]);
  const pixelHead = Buffer.alloc(12);
  pixelHead.writeUInt16LE(0x7fe0, 0);
  pixelHead.writeUInt16LE(0x0010, 2);
  pixelHead.write('OB', 4, 'latin1');
  pixelHead.writeUInt32LE(0xffffffff, 8);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    groupLen,
    meta,
    ui(0x0008, 0x0016, CT_IMAGE_STORAGE),
    ui(0x0008, 0x0018, ANY_UID),
    cs(0x0008, 0x0060, 'CT'),
    ui(0x0020, 0x000d, ANY_UID),
    ui(0x0020, 0x000e, ANY_UID),
    us(0x0028, 0x0002, f.samplesPerPixel),
    cs(0x0028, 0x0004, f.photometric || 'MONOCHROME2'),
    us(0x0028, 0x0010, f.rows),
    us(0x0028, 0x0011, f.columns),
    us(0x0028, 0x0100, f.bitsAllocated),
    us(0x0028, 0x0101, f.bitsStored),
    us(0x0028, 0x0102, f.bitsStored - 1),
    us(0x0028, 0x0103, f.pixelRepresentation),
    pixelHead,
    item(0xe000, new Uint8Array()),
    item(0xe000, frame),
    item(0xe0dd, new Uint8Array()),
  ]);
}

interface ItkImage {
  size: number[];
  imageType: { componentType: string; components: number };
  data: ArrayLike<number> | null;
}
type ReadSeries = (o: { inputImages: string[]; singleSortedSeries?: boolean }) => Promise<{ outputImage?: ItkImage }>;

let reader: Promise<ReadSeries> | null = null;
function loadReader(): Promise<ReadSeries> {
  reader ??= import('@itk-wasm/dicom').then((m) => m.readImageDicomFileSeriesNode as unknown as ReadSeries);
  reader.catch(() => (reader = null));
  return reader;
}

/**
 * Decode one 12-bit lossy JPEG frame to stored values (16-bit, signed per PixelRepresentation,
 * not yet masked to BitsStored), rows*columns*samplesPerPixel long.
 */
export async function decodeJpeg12(jpeg: Uint8Array, f: Jpeg12Frame): Promise<Int16Array | Uint16Array> {
  if (f.bitsAllocated !== 16) throw new AppError('UNSUPPORTED', `12-bit JPEG with BitsAllocated ${f.bitsAllocated} is not supported`);
  const read = await loadReader();
  const dir = await mkdtemp(path.join(tmpdir(), 'cardioseg-jpeg12-'));
  try {
    const file = path.join(dir, 'frame.dcm');
    await writeFile(file, wrapJpegFrame(jpeg, f));
    let img: ItkImage | undefined;
    try {
      img = (await read({ inputImages: [file], singleSortedSeries: true })).outputImage;
    } catch (e) {
      throw new AppError('DATA', `12-bit JPEG (GDCM) could not decode the frame: ${toAppError(e, 'DATA').message.slice(0, 300)}`);
    }
    const npx = f.rows * f.columns * f.samplesPerPixel;
    if (!img?.data || img.data.length !== npx || img.size[0] !== f.columns || img.size[1] !== f.rows) {
      throw new AppError('DATA', `12-bit JPEG (GDCM) returned ${img?.size.join('x') ?? 'no image'}, expected ${f.columns}x${f.rows}`);
    }
    // Integer output proves no rescale was applied (none is in the wrapper): the values are stored ones.
    if (!/^u?int(8|16|32)$/.test(img.imageType.componentType)) {
      throw new AppError('DATA', `12-bit JPEG (GDCM) returned ${img.imageType.componentType} samples, expected integers`);
    }
    const out = f.pixelRepresentation === 1 ? new Int16Array(npx) : new Uint16Array(npx);
    out.set(img.data as ArrayLike<number>);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
