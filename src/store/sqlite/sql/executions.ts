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

interface InsertParams {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly definitionHash: string;
  readonly status: string;
  readonly parentId: string | null;
  readonly createdAt: number;
}

export interface ExecutionStatements {
  /** False when the id is taken (nothing written). */
  insert(execution: NewExecution): boolean;
  readonly get: Statement<[string], ExecutionRow>;
  readonly setHead: Statement<{ id: string; seq: number; updatedAt: number; status: string | null }>;
  /**
   * Moves the head from `fromSeq` to `seq` only if it is still at `fromSeq` and, for a fenced append, the claim is
   * still `claim`: one statement for the checks and the write of the common case. False = nothing changed.
   */
  advanceHead(input: { id: string; fromSeq: number; seq: number; updatedAt: number; status: string | null; claim: { owner: string; epoch: number } | undefined }): boolean;
  list(filter: ExecutionFilter): ExecutionRow[];
}

/** The executions index: create, read, move the head, list. */
export function prepareExecutionStatements(db: Database): ExecutionStatements {
  const lists = new Map<string, Statement<Record<string, string | number>, ExecutionRow>>();
  const prepareList = (where: string): Statement<Record<string, string | number>, ExecutionRow> =>
    db.prepare<Record<string, string | number>, ExecutionRow>(
      `SELECT * FROM executions ${where} ORDER BY created_at DESC, id LIMIT @limit`,
    );
  const insert = db.prepare<InsertParams>(
    `INSERT INTO executions (id, namespace, name, version, definition_hash, status, parent_id, created_at, updated_at)
     VALUES (@id, @namespace, @name, @version, @definitionHash, @status, @parentId, @createdAt, @createdAt)
     ON CONFLICT (id) DO NOTHING`,
  );
  const advanceHead = db.prepare<unknown[]>(
    `UPDATE executions SET seq = ?, updated_at = ?, status = coalesce(?, status)
     WHERE id = ? AND seq = ? AND (? = 0 OR (claim_owner = ? AND claim_epoch = ?))`,
  );
  return {
    advanceHead({ id, fromSeq, seq, updatedAt, status, claim }) {
      return advanceHead.run(seq, updatedAt, status, id, fromSeq, claim === undefined ? 0 : 1, claim?.owner ?? null, claim?.epoch ?? null).changes === 1;
    },
    insert(execution: NewExecution): boolean {
      return (
        insert.run({
          id: execution.executionId,
          namespace: execution.namespace,
          name: execution.name,
          version: execution.version,
          definitionHash: execution.definitionHash,
          status: execution.status,
          parentId: execution.parentExecutionId ?? null,
          createdAt: execution.createdAt,
        }).changes === 1
      );
    },
    get: db.prepare<[string], ExecutionRow>('SELECT * FROM executions WHERE id = ?'),
    /** Moves the head after an append; a null status keeps the current one. */
    setHead: db.prepare<{ id: string; seq: number; updatedAt: number; status: string | null }>(
      'UPDATE executions SET seq = @seq, updated_at = @updatedAt, status = coalesce(@status, status) WHERE id = @id',
    ),
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
