import { isTerminal } from '../../model/phases.js';
import { ExecutionExistsError } from '../errors.js';
import type { Claim, ClaimInput, EventRow, NewExecution } from '../store.js';
import { type EventLimits, checkBatch, insertEvents } from './append-events.js';
import type { Statements } from './sql/statements.js';

/**
 * One new execution with its first events and, when `claim` is given, its claim: one INSERT that leaves the row as
 * an insert, a head move and `takeClaim` would (head at the last event, claimed at epoch 1 — a fresh row's epoch is
 * 0 and has no pending command), then the events. Every check comes before the first write, in the memory store's
 * order: the id is free, then the events extend 0 and fit the limits.
 */
export function createOne(sql: Statements, limits: EventLimits, execution: NewExecution, events: readonly EventRow[], claim: ClaimInput | undefined): Claim | undefined {
  const { executionId } = execution;
  const checked = checkBatch(limits, { executionId, head: 0, expectedSeq: 0, events });
  if ('error' in checked) {
    throw sql.executions.get.get(executionId) === undefined ? checked.error : new ExecutionExistsError(executionId);
  }
  const last = events.at(-1);
  const head = { seq: last?.seq ?? 0, updatedAt: last?.at ?? execution.createdAt };
  // takeClaim leaves a finished execution unclaimed.
  const claimed = claim === undefined || isTerminal(execution.status) ? undefined : { owner: claim.owner, expiresAt: claim.now + claim.leaseMs };
  if (!sql.executions.insert(execution, head, claimed)) throw new ExecutionExistsError(executionId);
  insertEvents(sql, limits, executionId, events, checked.sizes);
  return claimed === undefined ? undefined : { executionId, owner: claimed.owner, epoch: 1, expiresAt: claimed.expiresAt };
}
