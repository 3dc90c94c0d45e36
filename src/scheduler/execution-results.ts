import type { ExecutionState } from '../history/execution-state.js';
import type { Json } from '../model/json.js';
import type { Problem } from '../model/problems.js';

/** How an execution ended. */
export type ExecutionResult = { executionId: string } & (
  | { status: 'completed'; output: Json }
  | { status: 'faulted'; error: Problem }
  | { status: 'cancelled'; reason: string }
);

interface Pending {
  readonly promise: Promise<ExecutionResult>;
  readonly resolve: (result: ExecutionResult) => void;
  readonly reject: (error: Error) => void;
}

/** Callers waiting for executions to end, across parks and resumes: one shared promise per execution. */
export class ExecutionResults {
  readonly #pending = new Map<string, Pending>();

  /** The result promise of an execution, settled when it ends, wherever it ran. */
  of(executionId: string): Promise<ExecutionResult> {
    let entry = this.#pending.get(executionId);
    if (entry === undefined) {
      // The executor runs synchronously, so both are set before they are read.
      let resolve!: (result: ExecutionResult) => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<ExecutionResult>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      });
      entry = { promise, resolve, reject };
      this.#pending.set(executionId, entry);
    }
    return entry.promise;
  }

  /** Whether someone waits for this execution's result. */
  isAwaited(executionId: string): boolean {
    return this.#pending.has(executionId);
  }

  settle(result: ExecutionResult): void {
    this.#pending.get(result.executionId)?.resolve(result);
    this.#pending.delete(result.executionId);
  }

  /** Fails the waiters of one execution; false when nobody waited (the caller reports the error instead). */
  fail(executionId: string, error: Error): boolean {
    const pending = this.#pending.get(executionId);
    this.#pending.delete(executionId);
    pending?.reject(error);
    return pending !== undefined;
  }

  /** Fails every waiter (the engine closes); the executions themselves stay in the store as they were. */
  failAll(errorFor: (executionId: string) => Error): void {
    for (const [executionId, pending] of this.#pending) {
      pending.promise.catch(() => undefined); // nobody may be waiting; the rejection is for those who are
      pending.reject(errorFor(executionId));
    }
    this.#pending.clear();
  }
}

/** The result of an ended execution from its folded state. */
export function resultOfState(state: ExecutionState): ExecutionResult {
  if (state.status === 'completed') return { executionId: state.executionId, status: 'completed', output: state.output ?? null };
  if (state.status === 'faulted' && state.error !== undefined) return { executionId: state.executionId, status: 'faulted', error: state.error };
  if (state.status === 'cancelled') return { executionId: state.executionId, status: 'cancelled', reason: state.cancelReason ?? 'cancelled' };
  throw new Error(`execution ${state.executionId} is ${state.status} and not run by this process`);
}

/**
 * The engine closed while a caller waited for an execution's result. Nothing is lost: the execution is durable (on a
 * durable store) and a worker finishes it; read its result with `getExecution` later.
 */
export class EngineClosedError extends Error {
  override readonly name = 'EngineClosedError';
  constructor(readonly executionId: string) {
    super(`the engine closed before execution ${executionId} ended; a worker on the same store resumes it`);
  }
}
