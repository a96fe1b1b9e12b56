import { Listeners, type Transport } from './transport.js';

/**
 * Two connected in-process transports. Messages are delivered asynchronously and cloned, so unit
 * tests see the same aliasing rules as a real process boundary.
 */
export function createMemoryPair(): [Transport, Transport] {
  const a = new Listeners<unknown>();
  const b = new Listeners<unknown>();
  const deliver = (to: Listeners<unknown>, msg: unknown) => queueMicrotask(() => to.emit(structuredClone(msg)));
  return [
    { post: (m) => deliver(b, m), onMessage: (fn) => a.add(fn) },
    { post: (m) => deliver(a, m), onMessage: (fn) => b.add(fn) },
  ];
}
