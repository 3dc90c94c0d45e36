import { createHash } from 'node:crypto';
import { isTerminal } from '../../model/phases.js';
import { ExecutionNotFoundError, LeaseLostError, StoreConflictError, StoreLimitError } from '../errors.js';
import type { AppendInput, AppendResult, EventRow } from '../store.js';
import type { ExecutionRow } from './sql/executions.js';
import type { Statements } from './sql/statements.js';
import type { ResolvedSqliteStoreOptions } from './sqlite-store-options.js';

export type EventLimits = Pick<ResolvedSqliteStoreOptions, 'maxPayloadBytes' | 'maxHistoryEvents' | 'blobThresholdBytes'>;

/**
 * One append, run inside the batch's transaction (under a savepoint, so a failure undoes only this item). Every check
 * comes before the first write, in the memory store's order: unknown execution, lost claim, stale head, limits.
 */
export function appendOne(sql: Statements, limits: EventLimits, input: AppendInput): AppendResult {
  const row = sql.executions.get.get(input.executionId);
  if (row === undefined) throw new ExecutionNotFoundError(input.executionId);
  if (input.claim !== undefined && (row.claim_owner !== input.claim.owner || row.claim_epoch !== input.claim.epoch)) {
    throw leaseLost(row, input.claim);
  }
  const seq = writeEvents(sql, limits, { executionId: input.executionId, head: row.seq, expectedSeq: input.expectedSeq, events: input.events });
  const last = input.events.at(-1);
  if (last !== undefined || input.status !== undefined) {
    sql.executions.setHead.run({ id: input.executionId, seq, updatedAt: last?.at ?? row.updated_at, status: input.status ?? null });
  }
  if (input.release === true && input.claim !== undefined) {
    sql.claims.release.run({ id: input.executionId, owner: input.claim.owner, epoch: input.claim.epoch, isParked: 0, wakeAt: null });
  }
  if (input.status !== undefined && isTerminal(input.status) && row.parent_id !== null) {
    sql.claims.wakeParent.run({ id: input.executionId });
  }
  return { seq };
}

/** The claim a token named is not the current one: report who holds it now, if anyone. */
export function leaseLost(row: ExecutionRow, token: { executionId: string; owner: string; epoch: number }): LeaseLostError {
  return new LeaseLostError({
    executionId: token.executionId,
    owner: token.owner,
    epoch: token.epoch,
    ...(row.claim_owner === null ? {} : { currentOwner: row.claim_owner, currentEpoch: row.claim_epoch }),
  });
}

/**
 * Checks that `events` extend exactly `head` (= `expectedSeq`) and fit the limits, then inserts them. Returns the new
 * head. Payloads over the blob threshold go to `blobs` once per distinct text; the row keeps the hash.
 */
export function writeEvents(
  sql: Statements,
  limits: EventLimits,
  batch: { executionId: string; head: number; expectedSeq: number; events: readonly EventRow[] },
): number {
  const { executionId, head, expectedSeq, events } = batch;
  if (expectedSeq !== head) throw new StoreConflictError({ executionId, expectedSeq, actualSeq: head });
  events.forEach((event, index) => {
    if (event.seq !== head + index + 1) {
      throw new StoreConflictError({ executionId, expectedSeq: event.seq - index - 1, actualSeq: head });
    }
  });
  if (head + events.length > limits.maxHistoryEvents) {
    throw new StoreLimitError({ executionId, limit: 'historyEvents', max: limits.maxHistoryEvents, found: head + events.length });
  }
  const sizes = events.map((event) => Buffer.byteLength(event.data, 'utf8'));
  const largest = sizes.reduce((max, size) => Math.max(max, size), 0);
  if (largest > limits.maxPayloadBytes) {
    throw new StoreLimitError({ executionId, limit: 'payloadBytes', max: limits.maxPayloadBytes, found: largest });
  }
  events.forEach((event, index) => {
    const isOffloaded = (sizes[index] ?? 0) > limits.blobThresholdBytes;
    const blobHash = isOffloaded ? createHash('sha256').update(event.data, 'utf8').digest('hex') : null;
    if (blobHash !== null) sql.blobs.insert.run({ hash: blobHash, content: event.data });
    sql.events.insert.run({
      executionId,
      seq: event.seq,
      type: event.type,
      at: event.at,
      data: blobHash === null ? event.data : null,
      blobHash,
      hash: event.hash,
    });
  });
  return head + events.length;
}
