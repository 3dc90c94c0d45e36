import type { Database, Statement } from 'better-sqlite3';

export interface ScheduleStatements {
  readonly get: Statement<[string], { cursor: number }>;
  readonly insert: Statement<{ key: string; to: number }>;
  readonly advance: Statement<{ key: string; from: number; to: number }>;
}

/** Schedule cursors, moved only by compare-and-set: a row change means this caller won. */
export function prepareScheduleStatements(db: Database): ScheduleStatements {
  return {
    get: db.prepare<[string], { cursor: number }>('SELECT cursor FROM schedule_cursors WHERE key = ?'),
    insert: db.prepare<{ key: string; to: number }>('INSERT INTO schedule_cursors (key, cursor) VALUES (@key, @to) ON CONFLICT (key) DO NOTHING'),
    advance: db.prepare<{ key: string; from: number; to: number }>('UPDATE schedule_cursors SET cursor = @to WHERE key = @key AND cursor = @from'),
  };
}
