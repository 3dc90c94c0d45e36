import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { newExecution, row } from '../../../test/contracts/store-contract.js';
import { ExecutionExistsError, LeaseLostError, StoreConflictError, StoreLimitError } from '../errors.js';
import type { ClaimInput, EventRow } from '../store.js';
import { type WriteItem, createBatchWriter, takeClaim } from './batch-writer.js';
import { loadMigrations, migrate } from './migrate.js';
import { prepareStatements, type Statements } from './sql/statements.js';

const MIGRATIONS = new URL('./migrations/', import.meta.url);
const LIMITS = { maxPayloadBytes: 100, maxHistoryEvents: 1_000, blobThresholdBytes: 50 };

interface Fixture {
  readonly db: BetterSqlite3.Database;
  readonly sql: Statements;
  readonly write: ReturnType<typeof createBatchWriter>;
  /** Transaction control statements run so far (BEGIN, SAVEPOINT, ROLLBACK …), in order. */
  readonly trace: string[];
}

/** A migrated in-memory database and a batch writer on it, tracing its transaction control statements. */
function open(t: TestContext, path = ':memory:'): Fixture {
  const trace: string[] = [];
  const db = new BetterSqlite3(path, {
    verbose: (text) => {
      const control = /^(BEGIN IMMEDIATE|COMMIT|ROLLBACK TO|ROLLBACK|SAVEPOINT|RELEASE)\b/.exec(String(text));
      if (control !== null) trace.push(control[1] ?? '');
    },
  });
  t.after(() => db.close());
  db.pragma('foreign_keys = ON');
  migrate(db, loadMigrations(MIGRATIONS));
  const sql = prepareStatements(db);
  trace.length = 0;
  return { db, sql, write: createBatchWriter(db, sql, LIMITS), trace };
}

const create = (executionId: string, events: readonly EventRow[], claim?: ClaimInput, status?: 'completed'): WriteItem => ({
  kind: 'create',
  execution: newExecution(executionId, status === undefined ? {} : { status }),
  events,
  ...(claim === undefined ? {} : { claim }),
});
const append = (executionId: string, expectedSeq: number, events: readonly EventRow[], claim?: { owner: string; epoch: number }): WriteItem => ({
  kind: 'append',
  input: { executionId, expectedSeq, events, ...(claim === undefined ? {} : { claim: { executionId, ...claim } }) },
});
const executionRow = (f: Fixture, id: string): unknown => f.db.prepare('SELECT * FROM executions WHERE id = ?').get(id);
const eventSeqs = (f: Fixture, id: string): number[] =>
  f.db.prepare<[string], { seq: number }>('SELECT seq FROM events WHERE execution_id = ? ORDER BY seq').all(id).map((r) => r.seq);

test('batch writer: a batch whose items all succeed runs in one transaction without a savepoint per item', (t) => {
  const f = open(t);
  const outcomes = f.write([create('a', [row(1, 'WorkflowStarted')]), append('a', 1, [row(2)]), create('b', [])]);
  assert.deepEqual(outcomes, [
    { ok: true, value: undefined },
    { ok: true, value: { seq: 2 } },
    { ok: true, value: undefined },
  ]);
  assert.deepEqual(f.trace, ['BEGIN IMMEDIATE', 'COMMIT']);
  assert.deepEqual(eventSeqs(f, 'a'), [1, 2]);
});

test('batch writer: failing items next to good ones roll the bare batch back, and the redo fails each alone', (t) => {
  const f = open(t);
  const lease = { leaseMs: 1_000, now: 1_000 };
  f.write([create('taken', []), create('e1', [row(1, 'WorkflowStarted')]), create('e2', [row(1, 'WorkflowStarted')])]);
  f.write([create('held', [row(1, 'WorkflowStarted')], { owner: 'w1', ...lease })]);
  // w1's claim expires and w2 takes it: w1's token is stale from now on.
  assert.equal(takeClaim(f.sql, 'held', { owner: 'w2', leaseMs: 1_000, now: 5_000 })?.epoch, 2);
  const untouched = ['taken', 'e2', 'held'];
  const before = untouched.map((id) => executionRow(f, id));
  f.trace.length = 0;

  const outcomes = f.write([
    create('new1', [row(1, 'WorkflowStarted')], { owner: 'w1', ...lease }),
    create('taken', [row(1, 'WorkflowStarted')]),
    append('e1', 1, [row(2)]),
    append('e1', 2, [row(3, 'TaskCompleted', `"${'x'.repeat(200)}"`)]),
    append('e2', 5, [row(6)]),
    append('held', 1, [row(2)], { owner: 'w1', epoch: 1 }),
    append('new1', 1, [row(2)], { owner: 'w1', epoch: 1 }),
    create('new2', []),
  ]);

  const errors = outcomes.map((outcome) => (outcome.ok ? undefined : (outcome.error as Error).constructor));
  assert.deepEqual(errors, [undefined, ExecutionExistsError, undefined, StoreLimitError, StoreConflictError, LeaseLostError, undefined, undefined]);
  assert.deepEqual(outcomes[0], { ok: true, value: { executionId: 'new1', owner: 'w1', epoch: 1, expiresAt: 2_000 } });
  assert.deepEqual(outcomes[2], { ok: true, value: { seq: 2 } });
  assert.deepEqual(outcomes[6], { ok: true, value: { seq: 2 } });
  // The bare attempt rolled back whole; the redo ran each item under its savepoint (8 items, the e1 pair merged first).
  assert.deepEqual(f.trace.slice(0, 3), ['BEGIN IMMEDIATE', 'ROLLBACK', 'BEGIN IMMEDIATE']);
  assert.equal(f.trace.at(-1), 'COMMIT');
  assert.equal(f.trace.filter((control) => control === 'SAVEPOINT').length, 9);

  assert.deepEqual(eventSeqs(f, 'new1'), [1, 2]);
  assert.deepEqual(eventSeqs(f, 'e1'), [1, 2]);
  assert.notEqual(executionRow(f, 'new2'), undefined);
  assert.deepEqual(untouched.map((id) => executionRow(f, id)), before);
  assert.deepEqual(eventSeqs(f, 'held'), [1]);
});

test('batch writer: an item that fails after its first write leaves nothing behind; the rest commit', (t) => {
  const f = open(t);
  // The execution row goes in, then the NOT NULL on events.type refuses its event.
  const broken = { ...row(1, 'WorkflowStarted'), type: null as unknown as string };
  const outcomes = f.write([create('good', [row(1, 'WorkflowStarted')]), create('broken', [broken]), create('after', [])]);
  assert.deepEqual(outcomes.map((outcome) => outcome.ok), [true, false, true]);
  assert.equal(executionRow(f, 'broken'), undefined);
  assert.deepEqual(eventSeqs(f, 'good'), [1]);
  assert.notEqual(executionRow(f, 'after'), undefined);
});

test('batch writer: a batch that cannot begin fails whole and is not redone', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'itonami-batch-writer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = open(t, join(dir, 'store.db'));
  f.db.pragma('busy_timeout = 0');
  const other = new BetterSqlite3(join(dir, 'store.db'));
  t.after(() => other.close());
  other.prepare('BEGIN IMMEDIATE').run();
  assert.throws(() => f.write([create('a', [])]), (error: Error & { code?: string }) => error.code === 'SQLITE_BUSY');
  assert.deepEqual(f.trace, ['BEGIN IMMEDIATE'], 'one attempt, no redo');
  other.prepare('ROLLBACK').run();
});

/** The row and claim a start leaves: once as the batch writer writes it, once as an insert then `takeClaim` would. */
function startedBothWays(t: TestContext, status: 'running' | 'completed', events: readonly EventRow[]): { written: unknown[]; reference: unknown[] } {
  const claim = { owner: 'w1', leaseMs: 30_000, now: 1_500 };
  const writer = open(t);
  const [outcome] = writer.write([create('x', events, claim, status === 'completed' ? 'completed' : undefined)]);
  const reference = open(t);
  reference.write([create('x', events, undefined, status === 'completed' ? 'completed' : undefined)]);
  const claimed = reference.db.transaction(() => takeClaim(reference.sql, 'x', claim)).immediate();
  return { written: [outcome?.ok === true ? outcome.value : outcome, executionRow(writer, 'x')], reference: [claimed, executionRow(reference, 'x')] };
}

for (const c of [
  { name: 'a running start with events', status: 'running', events: [row(1, 'WorkflowStarted'), row(2, 'TaskStarted')] },
  { name: 'a running start without events', status: 'running', events: [] },
  { name: 'a finished start (which takeClaim leaves unclaimed)', status: 'completed', events: [row(1, 'WorkflowStarted')] },
] as const) {
  test(`batch writer: ${c.name} claimed in its INSERT leaves the row and claim an insert then a claim would`, (t) => {
    const { written, reference } = startedBothWays(t, c.status, c.events);
    assert.deepEqual(written, reference);
  });
}
