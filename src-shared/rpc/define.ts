import { z } from 'zod';

/** Progress every long call reports; one shape so the UI can draw any of them. */
export const Progress = z.object({
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  message: z.string().optional(),
  /** Optional structured payload, e.g. per-class Dice after an epoch. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Progress = z.infer<typeof Progress>;

export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for --help and docs. */
  summary: string;
}

export interface ServiceDef<
  M extends Record<string, MethodDef> = Record<string, MethodDef>,
  E extends Record<string, z.ZodType> = Record<string, z.ZodType>,
> {
  methods: M;
  events: E;
}

export function method<I extends z.ZodType, O extends z.ZodType>(def: MethodDef<I, O>): MethodDef<I, O> {
  return def;
}

export function service<M extends Record<string, MethodDef>, E extends Record<string, z.ZodType> = Record<never, z.ZodType>>(
  def: { methods: M; events?: E },
): ServiceDef<M, E> {
  return { methods: def.methods, events: (def.events ?? {}) as E };
}

export type ContractDef = Record<string, ServiceDef>;

export type InputOf<M> = M extends MethodDef<infer I, z.ZodType> ? z.input<I> : never;
export type ParsedInputOf<M> = M extends MethodDef<infer I, z.ZodType> ? z.output<I> : never;
export type OutputOf<M> = M extends MethodDef<z.ZodType, infer O> ? z.output<O> : never;

/** What the router hands every service method besides its validated input. */
export interface CallContext<E extends Record<string, z.ZodType> = Record<string, z.ZodType>> {
  signal: AbortSignal;
  progress(p: Progress): void;
  emit<K extends keyof E & string>(event: K, payload: z.input<E[K]>): void;
}

export type ServiceImpl<S extends ServiceDef> = {
  [K in keyof S['methods']]: (
    input: ParsedInputOf<S['methods'][K]>,
    ctx: CallContext<S['events']>,
  ) => Promise<OutputOf<S['methods'][K]>>;
};

export type ContractImpl<C extends ContractDef> = { [S in keyof C]: ServiceImpl<C[S]> };

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export type ServiceClient<S extends ServiceDef> = {
  [K in keyof S['methods']]: (input: InputOf<S['methods'][K]>, opts?: CallOptions) => Promise<OutputOf<S['methods'][K]>>;
} & {
  on<K extends keyof S['events'] & string>(event: K, cb: (payload: z.output<S['events'][K]>) => void): () => void;
};

export type ContractClient<C extends ContractDef> = { [S in keyof C]: ServiceClient<C[S]> };
