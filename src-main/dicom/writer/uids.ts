import { createHash, randomUUID } from 'node:crypto';

/**
 * UIDs under the 2.25 root (ISO/IEC 9834-8: a UUID written as one decimal integer), so no
 * registered organisation root is needed. At most 2.25. + 39 digits = 43 characters (< 64).
 */
export function uuidToUid(uuidHex: string): string {
  return `2.25.${BigInt(`0x${uuidHex.replace(/-/g, '')}`).toString(10)}`;
}

export function randomUid(): string {
  return uuidToUid(randomUUID());
}

/**
 * A reproducible UID: the same seed and role always give the same UID, so regenerating a
 * phantom yields byte-identical files. Formatted as a version-5-style UUID (name-based).
 */
export function derivedUid(seed: string, role: string): string {
  const h = createHash('sha256').update(`${seed}\u0000${role}`).digest();
  const b = Buffer.from(h.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  return uuidToUid(b.toString('hex'));
}

export const IMPLEMENTATION_CLASS_UID = derivedUid('CardioSeg', 'implementation-class');
export const IMPLEMENTATION_VERSION_NAME = 'CARDIOSEG_010';
