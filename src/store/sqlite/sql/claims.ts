import type { Database, Statement } from 'better-sqlite3';
import type { ExecutionCommand } from '../../store.js';

/**
 * Must match the WHERE of the partial indexes executions_ready and executions_parked (0001-initial-schema.sql)
 * word for word, or SQLite will not use them.
 */
const LIVE = "status NOT IN ('completed', 'faulted', 'cancelled')";

export interface ClaimedRow {
  readonly epoch: number;
  readonly command: string | null;
}

export interface ClaimStatements {
  readonly claim: Statement<{ id: string; owner: string; now: number; expiresAt: number }, ClaimedRow>;
  readonly runnable: Statement<{ now: number; limit: number }, { id: string }>;
  readonly renew: Statement<{ id: string; owner: string; epoch: number; expiresAt: number }, { command: string | null }>;
  readonly release: Statement<{ id: string; owner: string; epoch: number; isParked: number; wakeAt: number | null }>;
  readonly nextWakeAt: Statement<[], { wakeAt: number | null }>;
  readonly nextClaimExpiry: Statement<{ owner: string }, { expiresAt: number | null }>;
  readonly wakeParent: Statement<{ id: string }>;
  readonly requestCommand: Statement<{ id: string; command: string }>;
  readonly clearCommand: Statement<[string]>;
}

/** Claims, parking, commands: the scheduling columns of `executions`. */
export function prepareClaimStatements(db: Database): ClaimStatements {
  return {
    /**
     * Takes the claim when the execution is live and its claim free, expired or already the owner's; a new claim
     * always bumps the epoch and unparks. One statement: atomic even across processes.
     */
    claim: db.prepare<{ id: string; owner: string; now: number; expiresAt: number }, ClaimedRow>(
      `UPDATE executions
       SET claim_owner = @owner, claim_epoch = claim_epoch + 1, claim_expires_at = @expiresAt, is_parked = 0, wake_at = NULL
       WHERE id = @id AND ${LIVE} AND (claim_owner IS NULL OR claim_owner = @owner OR claim_expires_at <= @now)
       RETURNING claim_epoch AS epoch, command`,
    ),
    /**
     * Oldest first among live executions whose claim is free or expired: the unparked ones (executions_ready) and
     * the parked ones now due (executions_parked). Both sets stay small: finished and sleeping executions are not
     * scanned.
     */
    runnable: db.prepare<{ now: number; limit: number }, { id: string }>(
      `SELECT id FROM (
         SELECT id, created_at, rowid AS position FROM executions
         WHERE is_parked = 0 AND ${LIVE} AND (claim_owner IS NULL OR claim_expires_at <= @now)
         UNION ALL
         SELECT id, created_at, rowid AS position FROM executions
         WHERE is_parked = 1 AND ${LIVE} AND wake_at <= @now AND (claim_owner IS NULL OR claim_expires_at <= @now)
       )
       ORDER BY created_at, position LIMIT @limit`,
    ),
    renew: db.prepare<{ id: string; owner: string; epoch: number; expiresAt: number }, { command: string | null }>(
      `UPDATE executions SET claim_expires_at = @expiresAt
       WHERE id = @id AND claim_owner = @owner AND claim_epoch = @epoch
       RETURNING command`,
    ),
    /** A pending command overrides the park: the execution must run to see it. */
    release: db.prepare<{ id: string; owner: string; epoch: number; isParked: number; wakeAt: number | null }>(
      `UPDATE executions
       SET claim_owner = NULL, claim_expires_at = NULL, is_parked = @isParked,
           wake_at = CASE WHEN @isParked = 0 THEN NULL WHEN command IS NOT NULL THEN 0 ELSE @wakeAt END
       WHERE id = @id AND claim_owner = @owner AND claim_epoch = @epoch`,
    ),
    nextWakeAt: db.prepare<[], { wakeAt: number | null }>(
      `SELECT min(wake_at) AS wakeAt FROM executions WHERE is_parked = 1 AND ${LIVE} AND wake_at IS NOT NULL`,
    ),
    /** Claimed executions are never parked, so executions_ready covers them: running ones only, a small set. */
    nextClaimExpiry: db.prepare<{ owner: string }, { expiresAt: number | null }>(
      `SELECT min(claim_expires_at) AS expiresAt FROM executions
       WHERE is_parked = 0 AND ${LIVE} AND claim_owner IS NOT NULL AND claim_owner <> @owner`,
    ),
    /** A child ended: its parent, parked waiting on it, becomes due (as a delivered event makes a listener due). */
    wakeParent: db.prepare<{ id: string }>(
      `UPDATE executions SET wake_at = 0
       WHERE id = (SELECT parent_id FROM executions WHERE id = @id) AND is_parked = 1 AND ${LIVE}`,
    ),
    /** Sets the command of a live execution and makes it due if parked; no row changed = terminal or unknown. */
    requestCommand: db.prepare<{ id: string; command: string }>(
      `UPDATE executions SET command = @command, wake_at = CASE WHEN is_parked = 1 THEN 0 ELSE wake_at END
       WHERE id = @id AND ${LIVE}`,
    ),
    /** Run inside the transaction that checked the claim (takeCommand). */
    clearCommand: db.prepare<[string]>('UPDATE executions SET command = NULL WHERE id = ?'),
  };
}

const COMMAND_KINDS = new Set(['cancel', 'suspend', 'resume']);

/** The `command` column back to an `ExecutionCommand`; the store wrote it, so anything else is a damaged file. */
export function parseCommand(executionId: string, text: string): ExecutionCommand {
  const command: unknown = JSON.parse(text);
  if (typeof command !== 'object' || command === null || !COMMAND_KINDS.has((command as { kind?: unknown }).kind as string)) {
    throw new Error(`execution ${executionId}: expected a pending command of kind cancel, suspend or resume, found ${text}`);
  }
  return command as ExecutionCommand;
}
