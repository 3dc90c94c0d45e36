/** What the engine hands an activity's `run`, for tests that call one directly with a signal they control. */
import type { RegisteredFunction } from '../../src/index.js';

export type RunContext = Parameters<RegisteredFunction>[1];

/** A first attempt of `taskReference` in execution `e-test`; its idempotency key is shaped as the engine's. */
export function runContext(signal: AbortSignal = new AbortController().signal, taskReference = '/do/0/query'): RunContext {
  return { signal, idempotencyKey: `e-test:${taskReference}#0`, executionId: 'e-test', taskReference, attempt: 1, heartbeat: () => undefined };
}
