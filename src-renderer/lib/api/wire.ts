import type { z } from 'zod';
import type { VolumeSchema } from '../../../src-shared/contract/common.js';
import type { Volume } from '../../../src-shared/volume/volume.js';

export type WireVolume = z.input<typeof VolumeSchema>;

/**
 * Our Volume's typed arrays are typed over ArrayBufferLike; the contract's zod schemas say
 * ArrayBuffer. Volumes in the renderer never sit on a SharedArrayBuffer, so the view is safe.
 */
export function toWire(v: Volume): WireVolume {
  return v as WireVolume;
}
