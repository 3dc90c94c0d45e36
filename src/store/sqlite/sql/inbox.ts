import type { Database, Statement } from 'better-sqlite3';
import type { InboxEntry, InboxEvent } from '../../store.js';

const ENTRY_COLUMNS = 'i.seq, i.source, i.id, i.type, i.event, i.accepted_at AS acceptedAt';

export interface InboxStatements {
  readonly accept: Statement<InboxEvent, { seq: number }>;
  readonly seqOf: Statement<{ source: string; id: string }, { seq: number }>;
  readonly deliver: Statement<{ seq: number }>;
  readonly wakeSubscribers: Statement<[]>;
  readonly subscribe: Statement<{ executionId: string; key: string; createdAt: number }>;
  readonly unsubscribe: Statement<{ executionId: string; key: string }>;
  readonly deliveries: Statement<{ executionId: string; key: string; afterSeq: number }, InboxEntry>;
}

/** The CloudEvents inbox, subscriptions and the fan-out between them. */
export function prepareInboxStatements(db: Database): InboxStatements {
  return {
    /** Returns the new seq, or nothing when (source, id) was accepted before. */
    accept: db.prepare<InboxEvent, { seq: number }>(
      `INSERT INTO inbox (source, id, type, event, accepted_at) VALUES (@source, @id, @type, @event, @acceptedAt)
       ON CONFLICT (source, id) DO NOTHING
       RETURNING seq`,
    ),
    seqOf: db.prepare<{ source: string; id: string }, { seq: number }>('SELECT seq FROM inbox WHERE source = @source AND id = @id'),
    /** Fan-out: every subscription open at acceptance receives the event. */
    deliver: db.prepare<{ seq: number }>('INSERT INTO deliveries (execution_id, key, inbox_seq) SELECT execution_id, key, @seq FROM subscriptions'),
    /** Subscribers parked on anything become due now (wake_at 0), as a pending command does. */
    wakeSubscribers: db.prepare<[]>(
      `UPDATE executions SET wake_at = 0
       WHERE is_parked = 1 AND id IN (SELECT DISTINCT execution_id FROM subscriptions)`,
    ),
    subscribe: db.prepare<{ executionId: string; key: string; createdAt: number }>(
      `INSERT INTO subscriptions (execution_id, key, created_at) VALUES (@executionId, @key, @createdAt)
       ON CONFLICT (execution_id, key) DO NOTHING`,
    ),
    /** Its deliveries go with it (ON DELETE CASCADE). */
    unsubscribe: db.prepare<{ executionId: string; key: string }>(
      'DELETE FROM subscriptions WHERE execution_id = @executionId AND key = @key',
    ),
    deliveries: db.prepare<{ executionId: string; key: string; afterSeq: number }, InboxEntry>(
      `SELECT ${ENTRY_COLUMNS} FROM deliveries d JOIN inbox i ON i.seq = d.inbox_seq
       WHERE d.execution_id = @executionId AND d.key = @key AND d.inbox_seq > @afterSeq
       ORDER BY d.inbox_seq`,
    ),
  };
}
