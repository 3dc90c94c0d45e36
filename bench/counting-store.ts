/**
 * A store that counts the calls made to it, by method. Benchmarks use the counts to explain a rate: with
 * synchronous=FULL every write transaction is an fsync, so writes per workflow bound what group commit can save.
 */
import type { Store } from '../src/index.js';

export interface CountingStore {
  readonly store: Store;
  /** Calls so far, by method name. */
  readonly counts: Map<string, number>;
  /** Forgets the counts (between warm-up and timed rounds). */
  reset(): void;
}

export function countingStore(inner: Store): CountingStore {
  const counts = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]): unknown => {
        counts.set(property, (counts.get(property) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, counts, reset: () => counts.clear() };
}
