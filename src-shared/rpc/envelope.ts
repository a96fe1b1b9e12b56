import { z } from 'zod';
import { Progress } from './define.js';

/** Every message on every transport is one of these. */
export const SerializedErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });

export const Envelope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('request'), id: z.number().int(), service: z.string(), method: z.string(), input: z.unknown() }),
  z.object({ kind: z.literal('cancel'), id: z.number().int() }),
  z.object({ kind: z.literal('progress'), id: z.number().int(), progress: Progress }),
  z.object({
    kind: z.literal('response'),
    id: z.number().int(),
    ok: z.boolean(),
    output: z.unknown().optional(),
    error: SerializedErrorSchema.optional(),
  }),
  z.object({ kind: z.literal('subscribe'), service: z.string(), event: z.string() }),
  z.object({ kind: z.literal('unsubscribe'), service: z.string(), event: z.string() }),
  z.object({ kind: z.literal('event'), service: z.string(), event: z.string(), payload: z.unknown() }),
]);

export type Envelope = z.infer<typeof Envelope>;
export type RequestEnvelope = Extract<Envelope, { kind: 'request' }>;
export type ResponseEnvelope = Extract<Envelope, { kind: 'response' }>;
