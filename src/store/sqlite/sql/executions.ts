import type { Database, Statement } from 'better-sqlite3';
import { phases, type Phase } from '../../../model/phases.js';
import type { ExecutionFilter, ExecutionRecord, NewExecution } from '../../store.js';

/** An `executions` row as SQLite returns it. */
export interface ExecutionRow {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly definition_hash: string;
  readonly status: string;
  readonly parent_id: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly seq: number;
  readonly is_parked: number;
  readonly wake_at: number | null;
  readonly claim_owner: string | null;
  readonly claim_epoch: number;
  readonly claim_expires_at: number | null;
  readonly command: string | null;
}

export interface ExecutionStatements {
  /**
   * Inserts a new execution already at its head (`seq`, `updatedAt` of its first events) and, when `claim` is given,
   * claimed by it at epoch 1: what an insert then a claim would leave on a fresh row, in one statement. False when
   * the id is taken (nothing written).
   */
  insert(execution: NewExecution, head: { seq: number; updatedAt: number }, claim: { owner: string; expiresAt: number } | undefined): boolean;
  readonly get: Statement<[string], ExecutionRow>;
  /** Moves the head after an append; a null status keeps the current one. */
  setHead(input: { id: string; seq: number; updatedAt: number; status: string | null }): void;
  /**
   * Moves the head from `fromSeq` to `seq` only if it is still at `fromSeq` and, for a fenced append, the claim is
   * still `claim`: one statement for the checks and the write of the common case. With `release` (and a claim) it
   * also gives the claim up, as `claims.release` does unparked. False = nothing changed.
   */
  advanceHead(input: {
    id: string;
    fromSeq: number;
    seq: number;
    updatedAt: number;
    status: string | null;
    claim: { owner: string; epoch: number } | undefined;
    release: boolean;
  }): boolean;
  list(filter: ExecutionFilter): ExecutionRow[];
}

/**
 * Writing `status`, even to its own value, makes SQLite re-check the status CHECK and re-index the row in every index
 * that keys on or filters by status, and each IN list of those (the CHECK's, the partial indexes' WHERE) is built as
 * a temporary b-tree per run: a head move that keeps the status leaves the column out.
 */
const SET_STATUS = ', status = ?';
const RELEASE = ', claim_owner = NULL, claim_expires_at = NULL, is_parked = 0, wake_at = NULL';

/** The executions index: create, read, move the head, list. */
export function prepareExecutionStatements(db: Database): ExecutionStatements {
  const lists = new Map<string, Statement<Record<string, string | number>, ExecutionRow>>();
  const prepareList = (where: string): Statement<Record<string, string | number>, ExecutionRow> =>
    db.prepare<Record<string, string | number>, ExecutionRow>(
      `SELECT * FROM executions ${where} ORDER BY created_at DESC, id LIMIT @limit`,
    );
  const insert = db.prepare<unknown[]>(
    `INSERT INTO executions
       (id, namespace, name, version, definition_hash, status, parent_id, created_at, updated_at, seq, claim_owner, claim_epoch, claim_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  // By shape: [keeps status, sets it]; the advances also [keeps the claim, releases it].
  const setHeads = [
    db.prepare<unknown[]>('UPDATE executions SET seq = ?, updated_at = ? WHERE id = ?'),
    db.prepare<unknown[]>(`UPDATE executions SET seq = ?, updated_at = ?${SET_STATUS} WHERE id = ?`),
  ] as const;
  const advances: Statement<unknown[]>[] = [];
  const advanceOf = (isStatusSet: boolean, isReleased: boolean): Statement<unknown[]> =>
    (advances[(isStatusSet ? 1 : 0) + (isReleased ? 2 : 0)] ??= db.prepare<unknown[]>(
      `UPDATE executions SET seq = ?, updated_at = ?${isStatusSet ? SET_STATUS : ''}${isReleased ? RELEASE : ''}
       WHERE id = ? AND seq = ? AND (? = 0 OR (claim_owner = ? AND claim_epoch = ?))`,
    ));
  return {
    advanceHead({ id, fromSeq, seq, updatedAt, status, claim, release }) {
      const isReleased = release && claim !== undefined;
      const params: unknown[] = status === null ? [seq, updatedAt] : [seq, updatedAt, status];
      params.push(id, fromSeq, claim === undefined ? 0 : 1, claim?.owner ?? null, claim?.epoch ?? null);
      return advanceOf(status !== null, isReleased).run(params).changes === 1;
    },
    insert(execution, head, claim) {
      return (
        insert.run(
          execution.executionId,
          execution.namespace,
          execution.name,
          execution.version,
          execution.definitionHash,
          execution.status,
          execution.parentExecutionId ?? null,
          execution.createdAt,
          head.updatedAt,
          head.seq,
          claim?.owner ?? null,
          claim === undefined ? 0 : 1,
          claim?.expiresAt ?? null,
        ).changes === 1
      );
    },
    get: db.prepare<[string], ExecutionRow>('SELECT * FROM executions WHERE id = ?'),
    setHead({ id, seq, updatedAt, status }) {
      if (status === null) setHeads[0].run(seq, updatedAt, id);
      else setHeads[1].run(seq, updatedAt, status, id);
    },
    list(filter: ExecutionFilter): ExecutionRow[] {
      const params: Record<string, string | number> = { limit: filter.limit ?? 100 };
      const conditions: string[] = [];
      const add = (column: string, value: string | undefined): void => {
        if (value === undefined) return;
        conditions.push(`${column} = @${column}`);
        params[column] = value;
      };
      add('status', filter.status);
      add('namespace', filter.namespace);
      add('name', filter.name);
      add('parent_id', filter.parentExecutionId);
      // One prepared statement per filter shape (at most 16), reused across calls.
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      let statement = lists.get(where);
      if (statement === undefined) lists.set(where, (statement = prepareList(where)));
      return statement.all(params);
    },
  };
}

/** The record the `Store` interface returns: optional fields are absent, not null, as in the memory store. */
export function toExecutionRecord(row: ExecutionRow): ExecutionRecord {
  return {
    executionId: row.id,
    definitionHash: row.definition_hash,
    namespace: row.namespace,
    name: row.name,
    version: row.version,
    status: toPhase(row),
    ...(row.parent_id === null ? {} : { parentExecutionId: row.parent_id }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    seq: row.seq,
    ...(row.is_parked === 1 ? { wakeAt: row.wake_at } : {}),
    ...(row.claim_owner === null || row.claim_expires_at === null
      ? {}
      : { claim: { executionId: row.id, owner: row.claim_owner, epoch: row.claim_epoch, expiresAt: row.claim_expires_at } }),
  };
}

function toPhase(row: ExecutionRow): Phase {
  const phase = phases.find((candidate) => candidate === row.status);
  if (phase === undefined) {
    throw new Error(`execution ${row.id}: expected a status among ${phases.join(', ')} in the database, found ${row.status}`);
  }
  return phase;
}
