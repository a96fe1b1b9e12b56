import { z } from 'zod';
import { voxelCount, type Vec3 } from '../volume/volume.js';

export const Vec3Schema = z.tuple([z.number(), z.number(), z.number()]);
export const Mat3Schema = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]);
const positiveDim = z.number().int().positive().max(8192);

export const WarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  file: z.string().optional(),
  details: z.unknown().optional(),
});

export const VoxelArraySchema = z.union([
  z.instanceof(Int16Array),
  z.instanceof(Uint8Array),
  z.instanceof(Uint16Array),
  z.instanceof(Int32Array),
  z.instanceof(Float32Array),
]);

export const GeometrySchema = z.object({
  dims: z.tuple([positiveDim, positiveDim, positiveDim]),
  spacingMm: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  originLps: Vec3Schema,
  direction: Mat3Schema,
});

/** Typed arrays are checked by dtype and length against dims, never element by element. */
export const VolumeSchema = GeometrySchema.extend({
  data: VoxelArraySchema,
  metadata: z.record(z.string(), z.unknown()).optional(),
}).refine((v) => v.data.length === voxelCount(v.dims as Vec3), { message: 'data length does not match dims', path: ['data'] });

export const PathSchema = z.string().min(1).max(4096);

/**
 * A URL the user typed for a server the main process may contact (DICOMweb). Only http(s): a
 * file:, data: or other scheme must never reach fetch in the main process.
 */
export const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'Enter an http:// or https:// URL' }).max(2048);

export const TimingsSchema = z.record(z.string(), z.number());
