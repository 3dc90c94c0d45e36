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
