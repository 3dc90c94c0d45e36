import type { Database, Statement } from 'better-sqlite3';

export interface BlobStatements {
  readonly insert: Statement<{ hash: string; content: string }>;
  readonly get: Statement<[string], { content: string }>;
}

/** Content-addressed text: stored once per hash (putBlob, and event payloads over the blob threshold). */
export function prepareBlobStatements(db: Database): BlobStatements {
  return {
    insert: db.prepare<{ hash: string; content: string }>(
      'INSERT INTO blobs (hash, content) VALUES (@hash, @content) ON CONFLICT (hash) DO NOTHING',
    ),
    get: db.prepare<[string], { content: string }>('SELECT content FROM blobs WHERE hash = ?'),
  };
}
