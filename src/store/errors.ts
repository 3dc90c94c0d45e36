/** Another writer extended the history first: the append at `expectedSeq` was refused and wrote nothing. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(readonly details: { executionId: string; expectedSeq: number; actualSeq: number }) {
    super(
      `execution ${details.executionId}: head is seq ${details.actualSeq}, not ${details.expectedSeq}; ` +
        're-read the history and retry, or give up the claim',
    );
  }
}

/** `createExecution` with an id that is already taken. */
export class ExecutionExistsError extends Error {
  override readonly name = 'ExecutionExistsError';
  constructor(readonly executionId: string) {
    super(`execution ${executionId} already exists; start it with another id or read the existing one`);
  }
}

/** An operation named an execution the store does not hold. */
export class ExecutionNotFoundError extends Error {
  override readonly name = 'ExecutionNotFoundError';
  constructor(readonly executionId: string) {
    super(`execution ${executionId} was not found`);
  }
}

/**
 * A fenced write or renewal came from a claim that is no longer the execution's current one: the writer lost the
 * claim (it expired and another process took it, or it was released). Triggered by a worker paused past its lease.
 * The writer must stop running the execution; the new owner replays it.
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly details: { executionId: string; owner: string; epoch: number; currentOwner?: string; currentEpoch?: number }) {
    super(
      `execution ${details.executionId}: the claim of ${details.owner} (epoch ${details.epoch}) is no longer current` +
        `${details.currentOwner === undefined ? '' : ` (now ${details.currentOwner}, epoch ${details.currentEpoch})`}; stop running it`,
    );
  }
}

/** A payload or a history grew past a configured limit; nothing was written. Triggered by a 20 MB call response. */
export class StoreLimitError extends Error {
  override readonly name = 'StoreLimitError';
  constructor(readonly details: { executionId: string; limit: 'payloadBytes' | 'historyEvents'; max: number; found: number }) {
    super(
      `execution ${details.executionId}: ${details.limit === 'payloadBytes' ? `an event payload of ${details.found} bytes exceeds the limit of ${details.max}` : `the history would reach ${details.found} events, over the limit of ${details.max}`}; raise the limit in the store options or reduce the data`,
    );
  }
}
