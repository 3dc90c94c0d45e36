import { type Phase, isTerminal } from '../../model/phases.js';
import { ExecutionExistsError, ExecutionNotFoundError } from '../errors.js';
import type { AppendInput, AppendResult, Claim, ClaimInput, ClaimToken, EventRow, ExecutionCommand, NewExecution, NewSignal, Snapshot, Store } from '../store.js';
import { appendOne, leaseLost, writeEvents } from './append-events.js';
import { groupAppends } from './append-groups.js';
import { GroupCommit, type Settled, settle } from './group-commit.js';
import { loadMigrations, migrate } from './migrate.js';
import { openDatabase } from './open-database.js';
import { parseCommand } from './sql/claims.js';
import { toExecutionRecord } from './sql/executions.js';
import { prepareStatements, type Statements } from './sql/statements.js';
import { resolveSqliteStoreOptions, type SqliteStoreOptions } from './sqlite-store-options.js';

export type { SqliteStoreOptions } from './sqlite-store-options.js';

/** Next to this module in src/ and, copied by scripts/copy-assets.mjs, in dist/. */
const MIGRATIONS = new URL('./migrations/', import.meta.url);
const LAST_SEQ = Number.MAX_SAFE_INTEGER;

/** What a group commit writes: an append, or a new execution (with its first events and maybe its claim). */
type WriteItem = AppendItem | CreateItem;
interface AppendItem {
  readonly kind: 'append';
  readonly input: AppendInput;
}
interface CreateItem {
  readonly kind: 'create';
  readonly execution: NewExecution;
  readonly events: readonly EventRow[];
  readonly claim?: ClaimInput;
}

/**
 * The embedded back end: one SQLite file in WAL mode, shared safely by several processes. Claims and appends run in
 * `BEGIN IMMEDIATE` transactions, so two processes never both claim an execution and a fenced append checks the
 * claim under the write lock. Appends and new executions are group-committed: one transaction per event-loop turn.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const resolved = resolveSqliteStoreOptions(options);
  const db = openDatabase(resolved);
  let sql: Statements;
  try {
    migrate(db, loadMigrations(MIGRATIONS));
    sql = prepareStatements(db);
  } catch (error) {
    db.close();
    throw error;
  }

  // Nested in the batch transaction, better-sqlite3 runs these under a SAVEPOINT: a failed item rolls back alone.
  const appendItem = db.transaction((input: AppendInput) => appendOne(sql, resolved, input));
  const createItem = db.transaction((item: CreateItem): Claim | undefined => createOne(item));
  /**
   * One transaction per batch: the new executions first (an execution's appends can only follow its creation, and
   * each caller's items keep their order), then the appends, chained ones of one execution merged.
   */
  const writeBatch = db.transaction((batch: readonly WriteItem[]) => {
    const outcomes: Settled<AppendResult | Claim | undefined>[] = new Array<Settled<AppendResult | Claim | undefined>>(batch.length);
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
  const commits = new GroupCommit<WriteItem, AppendResult | Claim | undefined>({
    flush: (batch) => writeBatch.immediate(batch),
    onFlushed: (batch) => {
      const starts = batch.filter((item) => item.kind === 'create').length;
      resolved.onCommit?.({ appends: batch.length - starts, starts });
    },
  });

  const takeClaim = (executionId: string, input: ClaimInput): Claim | undefined => {
    const expiresAt = input.now + input.leaseMs;
    const claimed = sql.claims.claim.get({ id: executionId, owner: input.owner, now: input.now, expiresAt });
    if (claimed === undefined) return undefined;
    return withCommand({ executionId, owner: input.owner, epoch: claimed.epoch, expiresAt }, claimed.command);
  };
  const claimRunnable = db.transaction((input: ClaimInput & { readonly limit: number }) =>
    sql.claims.runnable
      .all({ now: input.now, limit: input.limit })
      .map(({ id }) => takeClaim(id, input))
      .filter((claim): claim is Claim => claim !== undefined),
  );
  const createOne = ({ execution, events, claim }: CreateItem): Claim | undefined => {
    if (!sql.executions.insert(execution)) throw new ExecutionExistsError(execution.executionId);
    const seq = writeEvents(sql, resolved, { executionId: execution.executionId, head: 0, expectedSeq: 0, events });
    const last = events.at(-1);
    if (last !== undefined) sql.executions.setHead.run({ id: execution.executionId, seq, updatedAt: last.at, status: null });
    // Claimed in the same transaction: a new execution costs one commit, not two.
    return claim === undefined ? undefined : takeClaim(execution.executionId, claim);
  };
  const putSnapshot = db.transaction(({ executionId, seq, state }: Snapshot, dropSeqs: readonly number[]) => {
    for (const dropped of dropSeqs) sql.snapshots.delete.run({ executionId, seq: dropped });
    sql.snapshots.upsert.run({ executionId, seq, state });
  });
  const takeCommand = db.transaction((token: ClaimToken): ExecutionCommand | undefined => {
    const row = sql.executions.get.get(token.executionId);
    if (row === undefined) throw new ExecutionNotFoundError(token.executionId);
    if (row.claim_owner !== token.owner || row.claim_epoch !== token.epoch) throw leaseLost(row, token);
    if (row.command === null) return undefined;
    sql.claims.clearCommand.run(token.executionId);
    return parseCommand(token.executionId, row.command);
  });
  const sendSignal = db.transaction((signal: NewSignal): { outcome: 'accepted' | 'duplicate' | 'ended'; seq: number } => {
    const row = sql.executions.get.get(signal.executionId);
    if (row === undefined) throw new ExecutionNotFoundError(signal.executionId);
    const known = sql.signals.seqOf.get({ executionId: signal.executionId, id: signal.id });
    if (known !== undefined) return { outcome: 'duplicate', seq: known.seq };
    if (isTerminal(row.status as Phase)) return { outcome: 'ended', seq: 0 };
    const inserted = sql.signals.insert.get(signal);
    sql.signals.wake.run({ executionId: signal.executionId });
    return { outcome: 'accepted', seq: inserted?.seq ?? 0 };
  });
  const publishEvent = db.transaction((event: Parameters<Store['publishEvent']>[0]) => {
    const key = { source: event.source, id: event.id };
    const accepted = sql.inbox.accept.get({ ...key, type: event.type, event: event.event, acceptedAt: event.acceptedAt });
    if (accepted === undefined) return { isAccepted: false, seq: sql.inbox.seqOf.get(key)?.seq ?? 0 };
    sql.inbox.deliver.run({ seq: accepted.seq });
    sql.inbox.wakeSubscribers.run();
    return { isAccepted: true, seq: accepted.seq };
  });

  let closing: Promise<void> | undefined;
  const ensureOpen = (): void => {
    if (closing !== undefined) throw new Error(`the SQLite store on ${resolved.path} is closed; open a new one`);
  };

  return {
    async putDefinition(definition) {
      ensureOpen();
      const { hash, namespace, name, version, source } = definition;
      sql.definitions.insert.run({ hash, namespace, name, version, source });
    },
    async getDefinition(hash) {
      ensureOpen();
      return sql.definitions.get.get(hash);
    },
    async listDefinitions(filter = {}) {
      ensureOpen();
      return sql.definitions.list(filter);
    },
    async createExecution(execution, events, claim) {
      ensureOpen();
      // Group-committed with the appends of the same tick: starts cost a share of a commit, not one each.
      return (await commits.enqueue({ kind: 'create', execution, events, ...(claim === undefined ? {} : { claim }) })) as Claim | undefined;
    },
    async append(input) {
      ensureOpen();
      return (await commits.enqueue({ kind: 'append', input })) as AppendResult;
    },
    async readEvents({ executionId, fromSeq = 1, toSeq = LAST_SEQ }) {
      ensureOpen();
      const events = sql.events.range.all({ executionId, fromSeq, toSeq });
      if (events.length === 0 && sql.executions.get.get(executionId) === undefined) throw new ExecutionNotFoundError(executionId);
      return events;
    },
    async getExecution(executionId) {
      ensureOpen();
      const row = sql.executions.get.get(executionId);
      return row === undefined ? undefined : toExecutionRecord(row);
    },
    async listExecutions(filter = {}) {
      ensureOpen();
      return sql.executions.list(filter).map(toExecutionRecord);
    },
    async claimExecution(input) {
      ensureOpen();
      return takeClaim(input.executionId, input);
    },
    async claimRunnable(input) {
      ensureOpen();
      if (!Number.isSafeInteger(input.limit)) throw new RangeError(`claimRunnable limit: expected an integer, found ${input.limit}`);
      // SQLite reads a negative LIMIT as "no limit".
      if (input.limit <= 0) return [];
      return claimRunnable.immediate(input);
    },
    async renewClaim(token, input) {
      ensureOpen();
      const expiresAt = input.now + input.leaseMs;
      const renewed = sql.claims.renew.get({ id: token.executionId, owner: token.owner, epoch: token.epoch, expiresAt });
      if (renewed === undefined) {
        const row = sql.executions.get.get(token.executionId);
        throw row === undefined ? new ExecutionNotFoundError(token.executionId) : leaseLost(row, token);
      }
      return withCommand({ executionId: token.executionId, owner: token.owner, epoch: token.epoch, expiresAt }, renewed.command);
    },
    async releaseClaim(token, park) {
      ensureOpen();
      sql.claims.release.run({
        id: token.executionId,
        owner: token.owner,
        epoch: token.epoch,
        isParked: park === undefined ? 0 : 1,
        wakeAt: park?.wakeAt ?? null,
      });
    },
    async nextWakeAt() {
      ensureOpen();
      return sql.claims.nextWakeAt.get()?.wakeAt ?? undefined;
    },
    async nextClaimExpiry({ owner }) {
      ensureOpen();
      return sql.claims.nextClaimExpiry.get({ owner })?.expiresAt ?? undefined;
    },
    async requestCommand(executionId, command) {
      ensureOpen();
      if (sql.claims.requestCommand.run({ id: executionId, command: JSON.stringify(command) }).changes === 1) return true;
      if (sql.executions.get.get(executionId) === undefined) throw new ExecutionNotFoundError(executionId);
      return false;
    },
    async takeCommand(token) {
      ensureOpen();
      return takeCommand.immediate(token);
    },
    async getScheduleCursor(key) {
      ensureOpen();
      return sql.schedules.get.get(key)?.cursor;
    },
    async advanceScheduleCursor({ key, from, to }) {
      ensureOpen();
      const changed = from === undefined ? sql.schedules.insert.run({ key, to }) : sql.schedules.advance.run({ key, from, to });
      return changed.changes === 1;
    },
    async putSnapshot(snapshot, options = {}) {
      ensureOpen();
      putSnapshot(snapshot, options.dropSeqs ?? []);
    },
    async getSnapshot(executionId, atSeq = LAST_SEQ) {
      ensureOpen();
      return sql.snapshots.latestAtOrBefore.get({ executionId, atSeq });
    },
    async putReplayCheckpoint(checkpoint) {
      ensureOpen();
      if (sql.executions.get.get(checkpoint.executionId) === undefined) throw new ExecutionNotFoundError(checkpoint.executionId);
      sql.replayCheckpoints.put.run(checkpoint);
    },
    async getReplayCheckpoint(executionId) {
      ensureOpen();
      return sql.replayCheckpoints.get.get(executionId);
    },
    async putBlob(hash, content) {
      ensureOpen();
      sql.blobs.insert.run({ hash, content });
    },
    async getBlob(hash) {
      ensureOpen();
      return sql.blobs.get.get(hash)?.content;
    },
    async sendSignal(signal) {
      ensureOpen();
      return sendSignal.immediate(signal);
    },
    async signals({ executionId, afterSeq }) {
      ensureOpen();
      return sql.signals.after.all({ executionId, afterSeq });
    },
    async publishEvent(event) {
      ensureOpen();
      return publishEvent.immediate(event);
    },
    async subscribe({ executionId, key, createdAt }) {
      ensureOpen();
      sql.inbox.subscribe.run({ executionId, key, createdAt });
    },
    async unsubscribe({ executionId, key }) {
      ensureOpen();
      sql.inbox.unsubscribe.run({ executionId, key });
    },
    async deliveries({ executionId, key, afterSeq }) {
      ensureOpen();
      return sql.inbox.deliveries.all({ executionId, key, afterSeq });
    },
    close() {
      closing ??= (async () => {
        try {
          await commits.close();
        } finally {
          db.close();
        }
      })();
      return closing;
    },
  };
}

function withCommand(claim: Claim, command: string | null): Claim {
  return command === null ? claim : { ...claim, command: parseCommand(claim.executionId, command) };
}
