import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from './open-database.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const cases = [
  { synchronous: 'FULL', level: 2 },
  { synchronous: 'NORMAL', level: 1 },
] as const;

for (const c of cases) {
  test(`a file opens in WAL mode with synchronous=${c.synchronous}, foreign keys on and the busy timeout set`, async (t) => {
    const dir = await tempDir(t, 'itonami-open-');
    const db = openDatabase({ path: join(dir, 'store.db'), synchronous: c.synchronous, busyTimeoutMs: 1_234 });
    t.after(() => db.close());
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), c.level);
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 1_234);
  });
}

test('a file that is not a database is refused and left closed', async (t) => {
  const dir = await tempDir(t, 'itonami-open-');
  await writeFile(join(dir, 'notes.db'), 'these are not the pages you are looking for'.repeat(100));
  assert.throws(() => openDatabase({ path: join(dir, 'notes.db'), synchronous: 'FULL', busyTimeoutMs: 0 }), /cannot open the SQLite store file .*notes\.db: file is not a database/);
});

test('a path in a folder that does not exist is refused naming the path', () => {
  assert.throws(
    () => openDatabase({ path: join(tmpdir(), 'itonami-no-such-folder', 'store.db'), synchronous: 'FULL', busyTimeoutMs: 0 }),
    /cannot open the SQLite store file .*itonami-no-such-folder\/store\.db: .*directory does not exist/,
  );
});
