import { createHash } from 'node:crypto';
import { isTerminal } from '../../model/phases.js';
import { ExecutionNotFoundError, LeaseLostError, StoreConflictError, StoreLimitError } from '../errors.js';
import type { AppendInput, AppendResult, EventRow } from '../store.js';
import type { ExecutionRow } from './sql/executions.js';
import type { Statements } from './sql/statements.js';
import type { ResolvedSqliteStoreOptions } from './sqlite-store-options.js';

export type EventLimits = Pick<ResolvedSqliteStoreOptions, 'maxPayloadBytes' | 'maxHistoryEvents' | 'blobThresholdBytes'>;

/**
 * One append, run inside the batch's transaction (under a savepoint, so a failure undoes only this item). The common
 * case — the head and the claim are what the writer expects, the events fit — is one guarded UPDATE and one INSERT.
 * Anything else takes the checked path, which reports the first failure in the memory store's order: unknown
 * execution, lost claim, stale head, limits. Either way every check comes before the first write.
 */
export function appendOne(sql: Statements, limits: EventLimits, input: AppendInput): AppendResult {
  return appendExpected(sql, limits, input) ?? appendChecked(sql, limits, input);
}

/** The fast path: undefined (nothing written) when the append is not the plain expected one. */
function appendExpected(sql: Statements, limits: EventLimits, input: AppendInput): AppendResult | undefined {
  const last = input.events.at(-1);
  if (last === undefined) return undefined;
  const checked = checkBatch(limits, { executionId: input.executionId, head: input.expectedSeq, expectedSeq: input.expectedSeq, events: input.events });
  if ('error' in checked) return undefined;
  const isAdvanced = sql.executions.advanceHead({
    id: input.executionId,
    fromSeq: input.expectedSeq,
    seq: last.seq,
    updatedAt: last.at,
    status: input.status ?? null,
    claim: input.claim,
    release: input.release === true,
  });
  if (!isAdvanced) return undefined;
  insertEvents(sql, limits, input.executionId, input.events, checked.sizes);
  finishAppend(sql, input, { isReleased: true });
  return { seq: last.seq };
}

function appendChecked(sql: Statements, limits: EventLimits, input: AppendInput): AppendResult {
  const row = sql.executions.get.get(input.executionId);
  if (row === undefined) throw new ExecutionNotFoundError(input.executionId);
  if (input.claim !== undefined && (row.claim_owner !== input.claim.owner || row.claim_epoch !== input.claim.epoch)) {
    throw leaseLost(row, input.claim);
  }
  const seq = writeEvents(sql, limits, { executionId: input.executionId, head: row.seq, expectedSeq: input.expectedSeq, events: input.events });
  const last = input.events.at(-1);
  if (last !== undefined || input.status !== undefined) {
    sql.executions.setHead({ id: input.executionId, seq, updatedAt: last?.at ?? row.updated_at, status: input.status ?? null });
  }
  finishAppend(sql, input, { isReleased: false });
  return { seq };
}

/**
 * What an append does after its events: give the claim up (unless the head move already did), and wake a parked
 * parent when a child ends.
 */
function finishAppend(sql: Statements, input: AppendInput, { isReleased }: { isReleased: boolean }): void {
  if (input.release === true && input.claim !== undefined && !isReleased) {
    sql.claims.release.run({ id: input.executionId, owner: input.claim.owner, epoch: input.claim.epoch, isParked: 0, wakeAt: null });
  }
  if (input.status !== undefined && isTerminal(input.status)) sql.claims.wakeParent.run({ id: input.executionId });
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
export function writeEvents(sql: Statements, limits: EventLimits, batch: EventBatch): number {
  const checked = checkBatch(limits, batch);
  if ('error' in checked) throw checked.error;
  insertEvents(sql, limits, batch.executionId, batch.events, checked.sizes);
  return batch.head + batch.events.length;
}

interface EventBatch {
  readonly executionId: string;
  readonly head: number;
  readonly expectedSeq: number;
  readonly events: readonly EventRow[];
}

/**
 * The payload sizes of a batch that extends `head` and fits the limits, or the error that says why not (the first
 * failure in the memory store's order).
 */
export function checkBatch(limits: EventLimits, batch: EventBatch): { sizes: number[] } | { error: Error } {
  const { executionId, head, expectedSeq, events } = batch;
  if (expectedSeq !== head) return { error: new StoreConflictError({ executionId, expectedSeq, actualSeq: head }) };
  for (const [index, event] of events.entries()) {
    if (event.seq !== head + index + 1) {
      return { error: new StoreConflictError({ executionId, expectedSeq: event.seq - index - 1, actualSeq: head }) };
    }
  }
  if (head + events.length > limits.maxHistoryEvents) {
    return { error: new StoreLimitError({ executionId, limit: 'historyEvents', max: limits.maxHistoryEvents, found: head + events.length }) };
  }
  const sizes = events.map((event) => Buffer.byteLength(event.data, 'utf8'));
  const largest = sizes.reduce((max, size) => Math.max(max, size), 0);
  if (largest > limits.maxPayloadBytes) {
    return { error: new StoreLimitError({ executionId, limit: 'payloadBytes', max: limits.maxPayloadBytes, found: largest }) };
  }
  return { sizes };
}

export function insertEvents(sql: Statements, limits: EventLimits, executionId: string, events: readonly EventRow[], sizes: readonly number[]): void {
  const rows = events.map((event, index) => {
    const isOffloaded = (sizes[index] ?? 0) > limits.blobThresholdBytes;
    const blobHash = isOffloaded ? createHash('sha256').update(event.data, 'utf8').digest('hex') : null;
    if (blobHash !== null) sql.blobs.insert.run({ hash: blobHash, content: event.data });
    return { seq: event.seq, type: event.type, at: event.at, data: blobHash === null ? event.data : null, blobHash, hash: event.hash };
  });
  sql.events.insertAll(executionId, rows);
}
