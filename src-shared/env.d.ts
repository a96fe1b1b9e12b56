// src-shared compiles with neither DOM nor Node typings (that is how the layer rule is enforced
// by the compiler). These encoders exist in every runtime we target, so declare only them.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
declare class AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare function queueMicrotask(cb: () => void): void;
declare function structuredClone<T>(value: T): T;
declare const console: { warn(...args: unknown[]): void; error(...args: unknown[]): void; log(...args: unknown[]): void };
