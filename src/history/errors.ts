/**
 * Replay found another event than the interpreter produced at this key: the definition, the engine or an activity
 * is not deterministic (e.g. history holds `TaskCompleted` with output 1 at `/do/0/a#0/completed`, the replay
 * computed 2). The execution cannot be resumed safely; inspect its history.
 */
export class NondeterminismError extends Error {
  override readonly name = 'NondeterminismError';
  constructor(
    readonly details: { executionId: string; key: string; seq?: number; expected: string; found: string },
  ) {
    super(
      `execution ${details.executionId}: replay diverged at ${details.key}` +
        `${details.seq === undefined ? '' : ` (seq ${details.seq})`}: history has ${details.expected}, ` +
        `replay produced ${details.found}; the definition or an activity is not deterministic`,
    );
  }
}

/** A replay-only run reached the end of the recorded history (the execution was still running there). */
export class HistoryExhaustedError extends Error {
  override readonly name = 'HistoryExhaustedError';
  constructor(readonly details: { executionId: string; key: string }) {
    super(`execution ${details.executionId}: history ends before ${details.key}`);
  }
}

/** A stored event does not hash to its recorded hash: the history was altered after it was written. */
export class HistoryCorruptError extends Error {
  override readonly name = 'HistoryCorruptError';
  constructor(readonly details: { executionId: string; seq: number }) {
    super(`execution ${details.executionId}: event seq ${details.seq} does not match its hash; the history was altered`);
  }
}

/** Writing to the store failed (a conflicting writer, a closed store, a full disk): the run must stop, unrecorded. */
export class HistoryWriteError extends Error {
  override readonly name = 'HistoryWriteError';
  constructor(readonly details: { executionId: string; seq: number }, options: ErrorOptions) {
    super(`execution ${details.executionId}: could not append seq ${details.seq}: ${String((options.cause as Error | undefined)?.message ?? options.cause)}`, options);
  }
}

/**
 * The run was taken out of memory on purpose — parked on a durable wait, or its claim was lost — and records
 * nothing more; the execution resumes later by replay, in this process or another.
 */
export class RunStoppedError extends Error {
  override readonly name = 'RunStoppedError';
  constructor(readonly details: { executionId: string; reason: 'parked' | 'claim-lost' | 'suspended' | 'engine-closing' }) {
    super(`execution ${details.executionId}: run stopped (${details.reason}); it resumes by replay`);
  }
}

/** Failures of the engine itself (history, store), as opposed to workflow errors: never recorded as a task fault. */
export function isEngineFailure(error: unknown): boolean {
  return (
    error instanceof NondeterminismError ||
    error instanceof HistoryExhaustedError ||
    error instanceof HistoryWriteError ||
    error instanceof RunStoppedError
  );
}
