import type { Contract } from '../../src-shared/contract/index.js';
import type { InputOf, OutputOf } from '../../src-shared/rpc/define.js';

export interface Sample<M> {
  /** A valid input that exercises the real service (may prepare fixtures). */
  input: () => InputOf<M> | Promise<InputOf<M>>;
  /** Assertions on the output; throw to fail. */
  check?: (out: OutputOf<M>) => void;
  /** Seconds the call may take (default 60). */
  timeoutS?: number;
}

/**
 * One sample call per contract method. The mapped type makes a method without a sample a type
 * error, so the contract test (memory pair + WebSocket) always covers the whole contract.
 */
export type Samples = { [S in keyof Contract]: { [M in keyof Contract[S]['methods']]: Sample<Contract[S]['methods'][M]> } };

function expect(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`sample check failed: ${what}`);
}

export const samples: Samples = {
  system: {
    info: {
      input: () => ({}),
      check: (o) => expect(o.app === 'CardioSeg' && ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'].includes(o.tfBackend), 'system.info shape'),
    },
  },
  diagnostics: {
    echo: {
      input: () => ({ text: 'héllo', bytes: new Uint8Array([1, 2, 3]), floats: new Float32Array([0.5, -1]) }),
      check: (o) => expect(o.text === 'héllo' && o.bytes?.[2] === 3 && o.floats?.[1] === -1, 'echo returns its input'),
    },
    wait: { input: () => ({ steps: 2, stepMs: 1 }), check: (o) => expect(o.completedSteps === 2, 'wait completes') },
    fail: { input: () => ({ code: 'DATA', message: 'expected' }) },
    emitTicks: { input: () => ({ count: 3 }), check: (o) => expect(o.emitted === 3, 'ticks emitted') },
  },
};

/** Methods whose sample is expected to reject (with this code). */
export const expectedErrors: Partial<Record<string, string>> = {
  'diagnostics.fail': 'DATA',
};
