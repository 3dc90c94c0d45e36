import type { Database } from 'better-sqlite3';
import type { AppendInput, AppendResult, Claim, ClaimInput, EventRow, NewExecution } from '../store.js';
import { type EventLimits, appendOne } from './append-events.js';
import { groupAppends } from './append-groups.js';
import { createOne } from './create-execution.js';
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
 * then the appends, chained ones of one execution merged. Each item succeeds or fails alone: the batch first runs
 * bare, and if any item fails the whole transaction is rolled back and the batch run again with a savepoint per
 * item, so a failed item rolls back alone. Items rarely fail, and a savepoint costs two more statements per item.
 * Returns once the transaction committed (durable, with `synchronous=FULL`).
 */
export function createBatchWriter(db: Database, sql: Statements, limits: EventLimits): (batch: readonly WriteItem[]) => Settled<WriteOutcome>[] {
  const append = (input: AppendInput): AppendResult => appendOne(sql, limits, input);
  const create = ({ execution, events, claim }: CreateItem): Claim | undefined => createOne(sql, limits, execution, events, claim);
  const bare: ItemRunner = { append, create, run: (write) => ({ ok: true, value: write() }) };
  const isolated: ItemRunner = { append: db.transaction(append), create: db.transaction(create), run: settle };
  const writeBare = db.transaction((batch: readonly WriteItem[]) => {
    try {
      return writeItems(bare, batch);
    } catch (error) {
      throw new ItemFailed(error);
    }
  });
  const writeIsolated = db.transaction((batch: readonly WriteItem[]) => writeItems(isolated, batch));
  return (batch) => {
    try {
      return writeBare.immediate(batch);
    } catch (error) {
      // Anything else (BEGIN, COMMIT) fails the whole batch, as it always did.
      if (!(error instanceof ItemFailed)) throw error;
      return writeIsolated.immediate(batch);
    }
  };
}

/** How a batch's items run: bare (a failure escapes, the batch is redone) or each under its savepoint (settled). */
interface ItemRunner {
  readonly append: (input: AppendInput) => AppendResult;
  readonly create: (item: CreateItem) => Claim | undefined;
  readonly run: <T>(write: () => T) => Settled<T>;
}

/** An item of a bare batch failed: roll the whole transaction back and redo the batch item by item. */
class ItemFailed extends Error {
  constructor(cause: unknown) {
    super('an item of a bare group-commit batch failed; the batch is redone with a savepoint per item', { cause });
    this.name = 'ItemFailed';
  }
}

function writeItems(items: ItemRunner, batch: readonly WriteItem[]): Settled<WriteOutcome>[] {
  const outcomes: Settled<WriteOutcome>[] = new Array<Settled<WriteOutcome>>(batch.length);
  const appendIndexes: number[] = [];
  batch.forEach((item, index) => {
    if (item.kind === 'create') outcomes[index] = items.run(() => items.create(item));
    else appendIndexes.push(index);
  });
  const appends = appendIndexes.map((index) => (batch[index] as AppendItem).input);
  for (const group of groupAppends(appends)) {
    const whole = group.items.length > 1 ? items.run(() => items.append(group.merged)) : undefined;
    for (const position of group.items) {
      const input = appends[position] as AppendInput;
      outcomes[appendIndexes[position] as number] =
        whole?.ok === true ? { ok: true, value: { seq: input.events.at(-1)?.seq ?? input.expectedSeq } } : items.run(() => items.append(input));
    }
  }
  return outcomes;
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
