import type { Database } from 'better-sqlite3';
import { ExecutionExistsError } from '../errors.js';
import type { AppendInput, AppendResult, Claim, ClaimInput, EventRow, NewExecution } from '../store.js';
import { type EventLimits, appendOne, writeEvents } from './append-events.js';
import { groupAppends } from './append-groups.js';
import { type Settled, settle } from './group-commit.js';
import { parseCommand } from './sql/claims.js';
import type { Statements } from './sql/statements.js';

/** What a group commit writes: an append, or a new execution (with its first events and maybe its claim). */
export type WriteItem = AppendItem | CreateItem;
export interface AppendItem {
  readonly kind: 'append';
  readonly input: AppendInput;
}
export interface CreateItem {
  readonly kind: 'create';
  readonly execution: NewExecution;
  readonly events: readonly EventRow[];
  readonly claim?: ClaimInput;
}
export type WriteOutcome = AppendResult | Claim | undefined;

/**
 * Writes one group-commit batch in ONE `BEGIN IMMEDIATE` transaction and returns each item's outcome: the new
 * executions first (an execution's appends can only follow its creation, and each caller's items keep their order),
 * then the appends, chained ones of one execution merged. Each item runs under a savepoint, so a failed item rolls
 * back alone. Returns once the transaction committed (durable, with `synchronous=FULL`).
 */
export function createBatchWriter(db: Database, sql: Statements, limits: EventLimits): (batch: readonly WriteItem[]) => Settled<WriteOutcome>[] {
  const appendItem = db.transaction((input: AppendInput) => appendOne(sql, limits, input));
  const createItem = db.transaction(({ execution, events, claim }: CreateItem): Claim | undefined => {
    if (!sql.executions.insert(execution)) throw new ExecutionExistsError(execution.executionId);
    const seq = writeEvents(sql, limits, { executionId: execution.executionId, head: 0, expectedSeq: 0, events });
    const last = events.at(-1);
    if (last !== undefined) sql.executions.setHead.run({ id: execution.executionId, seq, updatedAt: last.at, status: null });
    // Claimed in the same transaction: a new execution costs one commit, not two.
    return claim === undefined ? undefined : takeClaim(sql, execution.executionId, claim);
  });
  const writeBatch = db.transaction((batch: readonly WriteItem[]) => {
    const outcomes: Settled<WriteOutcome>[] = new Array<Settled<WriteOutcome>>(batch.length);
    const appendIndexes: number[] = [];
    batch.forEach((item, index) => {
      if (item.kind === 'create') outcomes[index] = settle(() => createItem(item));
      else appendIndexes.push(index);
    });
    const appends = appendIndexes.map((index) => (batch[index] as AppendItem).input);
    for (const group of groupAppends(appends)) {
      const whole = group.items.length > 1 ? settle(() => appendItem(group.merged)) : undefined;
      for (const position of group.items) {
        const input = appends[position] as AppendInput;
        outcomes[appendIndexes[position] as number] =
          whole?.ok === true ? { ok: true, value: { seq: input.events.at(-1)?.seq ?? input.expectedSeq } } : settle(() => appendItem(input));
      }
    }
    return outcomes;
  });
  return (batch) => writeBatch.immediate(batch);
}

/** Claims an execution if it is free (or its claim expired), inside the caller's transaction. */
export function takeClaim(sql: Statements, executionId: string, input: ClaimInput): Claim | undefined {
  const expiresAt = input.now + input.leaseMs;
  const claimed = sql.claims.claim.get({ id: executionId, owner: input.owner, now: input.now, expiresAt });
  if (claimed === undefined) return undefined;
  return withCommand({ executionId, owner: input.owner, epoch: claimed.epoch, expiresAt }, claimed.command);
}

/** A claim with the command pending on the execution, if any. */
export function withCommand(claim: Claim, command: string | null): Claim {
  return command === null ? claim : { ...claim, command: parseCommand(claim.executionId, command) };
}
