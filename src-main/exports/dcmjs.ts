import { createRequire } from 'node:module';
import dicomParser from 'dicom-parser';

/**
 * dcmjs ships no type declarations. The part of its API the exporters use is typed here, and the
 * CommonJS build is loaded through require so no ambient `declare module` can clash with another
 * module's view of the package.
 */
export type NaturalDataset = Record<string, unknown>;

export interface DicomDictLike {
  dict: Record<string, unknown>;
  write(opts?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
}

export interface DcmjsApi {
  data: {
    DicomMessage: {
      readFile(buf: ArrayBuffer, opts?: { untilTag?: string; includeUntilTagValue?: boolean; ignoreErrors?: boolean }): {
        dict: Record<string, unknown>;
        meta: Record<string, unknown>;
      };
    };
    DicomMetaDictionary: {
      naturalizeDataset(d: Record<string, unknown>): NaturalDataset;
      denaturalizeDataset(d: NaturalDataset): Record<string, unknown>;
      uid(): string;
    };
    DicomDict: new (meta: Record<string, unknown>) => DicomDictLike;
  };
  log: { setLevel(level: string): void; getLogger(name: string): { setLevel(level: string): void } };
}

export const dcmjs = createRequire(import.meta.url)('dcmjs') as DcmjsApi;
// dcmjs warns about every private tag it meets; the exporters report their own warnings.
dcmjs.log.setLevel('error');
// Its VR validator complains about private tags with ambiguous VRs (xs/ox) on many CT files;
// the exporter copies only standard patient/study attributes, so those messages are noise.
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

export function readDicomFile(bytes: Uint8Array, headerOnly: boolean): { dataset: NaturalDataset; transferSyntax: string } {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const file = dcmjs.data.DicomMessage.readFile(ab, headerOnly ? { untilTag: '7FE00010', includeUntilTagValue: false } : {});
  const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.meta);
  return { dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict), transferSyntax: String(meta.TransferSyntaxUID ?? '') };
}

/** The file's own SpecificCharacterSet (dcmjs reports ISO_IR 192 after decoding any charset). */
export function fileCharset(bytes: Uint8Array): string {
  try {
    return dicomParser.parseDicom(bytes, { untilTag: 'x00080006' }).string('x00080005') ?? '';
  } catch {
    return '';
  }
}

export const str = (d: NaturalDataset, key: string): string => {
  const v = d[key];
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null && 'Alphabetic' in x ? String((x as { Alphabetic: unknown }).Alphabetic) : String(x))).join('\\');
  if (typeof v === 'object' && 'Alphabetic' in (v as object)) return String((v as { Alphabetic: unknown }).Alphabetic);
  return String(v);
};

export const nums = (d: NaturalDataset, key: string): number[] => {
  const v = d[key];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(Number);
};
