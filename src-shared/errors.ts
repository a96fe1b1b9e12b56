/**
 * Errors cross the process boundary as plain data; both sides rebuild a real Error from it so
 * callers can `catch (e) { if (isAppError(e) && e.code === 'ABORTED') ... }` regardless of transport.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_METHOD',
  'BAD_ENVELOPE',
  'PAYLOAD_TOO_LARGE',
  'ABORTED',
  'NOT_FOUND',
  'IO',
  'DATA',
  'UNSUPPORTED',
  'MODEL',
  'QUALITY_GATE',
  'TRANSPORT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SerializedError {
  code: string;
  message: string;
  details?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly details: unknown;

  constructor(code: ErrorCode | (string & {}), message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toJSON(): SerializedError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export function abortError(reason?: unknown): AppError {
  const msg = typeof reason === 'string' ? reason : 'The operation was cancelled';
  return new AppError('ABORTED', msg);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/** Libraries throw strings, plain objects and Errors; normalise all of them. */
export function toAppError(e: unknown, fallbackCode: ErrorCode = 'INTERNAL'): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof Error) {
    if (e.name === 'AbortError') return abortError();
    return new AppError(fallbackCode, e.message, { name: e.name });
  }
  if (typeof e === 'string') return new AppError(fallbackCode, e);
  if (typeof e === 'number') return new AppError(fallbackCode, `Library error code ${e}`);
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    const msg = typeof o.exception === 'string' ? o.exception : typeof o.message === 'string' ? o.message : 'Unknown error';
    return new AppError(fallbackCode, msg);
  }
  return new AppError(fallbackCode, 'Unknown error');
}

export function serializeError(e: unknown): SerializedError {
  return toAppError(e).toJSON();
}

export function deserializeError(s: SerializedError): AppError {
  return new AppError(s.code, s.message, s.details);
}

/** Recoverable data problems travel in results, never as exceptions. */
export interface Warning {
  code: string;
  message: string;
  file?: string;
  details?: unknown;
}
