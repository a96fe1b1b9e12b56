import { z } from 'zod';
import { method, service } from '../rpc/define.js';

/**
 * Health checks of the channel itself: the UI's connection test, and how the transports are
 * proven to carry payloads, progress, cancellation, errors and events the same way.
 */
export const diagnosticsContract = service({
  methods: {
    echo: method({
      summary: 'Return the input unchanged (payload and optional bytes)',
      input: z.object({ text: z.string().max(10_000), bytes: z.instanceof(Uint8Array).optional(), floats: z.instanceof(Float32Array).optional() }),
      output: z.object({ text: z.string(), bytes: z.instanceof(Uint8Array).optional(), floats: z.instanceof(Float32Array).optional() }),
    }),
    wait: method({
      summary: 'Wait in steps, reporting progress; cancellable',
      input: z.object({ steps: z.number().int().min(1).max(1000), stepMs: z.number().int().min(0).max(10_000) }),
      output: z.object({ completedSteps: z.number().int() }),
    }),
    fail: method({
      summary: 'Fail with the given error code (checks error transport)',
      input: z.object({ code: z.string().min(1), message: z.string() }),
      output: z.object({}),
    }),
    emitTicks: method({
      summary: 'Publish `tick` events 0..count-1',
      input: z.object({ count: z.number().int().min(0).max(10_000) }),
      output: z.object({ emitted: z.number().int() }),
    }),
  },
  events: {
    tick: z.object({ n: z.number().int() }),
  },
});
