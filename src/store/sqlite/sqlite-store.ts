import { type Phase, isTerminal } from '../../model/phases.js';
import { ExecutionNotFoundError } from '../errors.js';
import type { AppendResult, Claim, ClaimInput, ClaimToken, ExecutionCommand, NewSignal, Snapshot, Store } from '../store.js';
import { leaseLost } from './append-events.js';
import { type WriteItem, type WriteOutcome, createBatchWriter, takeClaim as takeClaimIn, withCommand } from './batch-writer.js';
import { GroupCommit } from './group-commit.js';
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

  const writeBatch = createBatchWriter(db, sql, resolved);
  const commits = new GroupCommit<WriteItem, WriteOutcome>({
    flush: (batch) => writeBatch(batch),
    onFlushed: (batch) => {
      const starts = batch.filter((item) => item.kind === 'create').length;
      resolved.onCommit?.({ appends: batch.length - starts, starts });
    },
  });

  const takeClaim = (executionId: string, input: ClaimInput): Claim | undefined => takeClaimIn(sql, executionId, input);
  const claimRunnable = db.transaction((input: ClaimInput & { readonly limit: number }) =>
    sql.claims.runnable
      .all({ now: input.now, limit: input.limit })
      .map(({ id }) => takeClaim(id, input))
      .filter((claim): claim is Claim => claim !== undefined),
  );
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

