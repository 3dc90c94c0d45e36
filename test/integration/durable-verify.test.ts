/**
 * `verify` against a real SQLite file altered behind the engine's back (another connection, as a tamperer or a
 * careless operator would): a changed payload, a changed instant or a missing event is named by its seq; a child
 * history that no longer ends with the hash its parent recorded in `ChildCompleted` is reported on the parent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../src/index.js';
import { eventHash } from '../../src/history/hash-chain.js';
import { assertCompleted, documentHeader, eventsOfType } from '../support/engine-harness.js';
import { type DurableFile, useDurableFile, withRawDatabase, workflowDocument } from '../support/durable-engine.js';

const THREE_SETS = workflowDocument('three', [{ one: { set: { n: 1 } } }, { two: { set: { n: 2 } } }, { three: { set: { n: 3 } } }]);

async function runThree(file: DurableFile, executionId: string) {
  const durable = await file.open();
  assertCompleted(await durable.engine.run(durable.engine.load(THREE_SETS), { executionId }));
  return durable;
}

test('an altered payload, instant or missing event is named by its seq; other executions stay clean', async (t) => {
  const file = await useDurableFile(t);
  const { engine } = await runThree(file, 'payload');
  assertCompleted(await engine.run(engine.load(THREE_SETS), { executionId: 'instant' }));
  assertCompleted(await engine.run(engine.load(THREE_SETS), { executionId: 'gap' }));
  assertCompleted(await engine.run(engine.load(THREE_SETS), { executionId: 'intact' }));
  assert.deepEqual(await engine.verify(), { executions: 4, failures: [] });

  withRawDatabase(file.path, (db) => {
    const changed = db
      .prepare("UPDATE events SET data = replace(data, '\"n\":2', '\"n\":20') WHERE execution_id = 'payload' AND seq = 5 AND type = 'TaskCompleted'")
      .run();
    assert.equal(changed.changes, 1, 'seq 5 of payload is the second TaskCompleted');
    db.prepare("UPDATE events SET at = at + 1 WHERE execution_id = 'instant' AND seq = 3").run();
    db.prepare("DELETE FROM events WHERE execution_id = 'gap' AND seq = 4").run();
  });

  const report = await engine.verify();
  assert.equal(report.executions, 4);
  const byId = new Map(report.failures.map((failure) => [failure.executionId, failure]));
  assert.deepEqual([...byId.keys()].sort(), ['gap', 'instant', 'payload']);
  assert.equal(byId.get('payload')?.seq, 5);
  assert.match(byId.get('payload')?.reason ?? '', /altered/);
  assert.equal(byId.get('instant')?.seq, 3);
  assert.equal(byId.get('gap')?.seq, 5);
  assert.match(byId.get('gap')?.reason ?? '', /gap/);
  assert.deepEqual(await engine.verify({ executionId: 'payload' }), { executions: 1, failures: [byId.get('payload')] });
  assert.deepEqual(await engine.verify({ executionId: 'intact' }), { executions: 1, failures: [] });
});

/** Runs a parent whose `run: workflow` child doubles its input; returns the child's id. */
test('reordered keys in a stored payload (what keys_unsorted and tojson would show) are named too', async (t) => {
  const file = await useDurableFile(t);
  const { engine } = await runThree(file, 'reordered');
  const history = await engine.history('reordered');
  const completed = eventsOfType(history, 'TaskCompleted')[0];
  assert.ok(completed !== undefined);
  withRawDatabase(file.path, (db) => {
    const row = db.prepare("SELECT data FROM events WHERE execution_id = 'reordered' AND seq = ?").get(completed.seq) as { data: string };
    const data = JSON.parse(row.data) as Record<string, Json>;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(data).reverse()));
    assert.notEqual(reordered, row.data, 'the same JSON value, written with its keys the other way round');
    db.prepare("UPDATE events SET data = ? WHERE execution_id = 'reordered' AND seq = ?").run(reordered, completed.seq);
  });
  const report = await engine.verify({ executionId: 'reordered' });
  assert.deepEqual(report.failures.map(({ seq }) => seq), [completed.seq]);
});

async function runParentAndChild(file: DurableFile): Promise<{ durable: Awaited<ReturnType<DurableFile['open']>>; childId: string; childCompletedSeq: number }> {
  const durable = await file.open();
  const { engine } = durable;
  await engine.deploy(engine.load({ document: documentHeader('child'), do: [{ double: { set: { v: '${ .v * 2 }' } } }] }));
  const parent = engine.load(workflowDocument('parent', [{ sub: { run: { workflow: { namespace: 'test', name: 'child', version: '1.0.0', input: { v: 21 } } } } }]));
  assert.deepEqual(assertCompleted(await engine.run(parent, { executionId: 'parent' })), { v: 42 });
  const history = await engine.history('parent');
  const [completed] = eventsOfType(history, 'ChildCompleted');
  assert.ok(completed !== undefined);
  assert.deepEqual(await engine.verify(), { executions: 2, failures: [] });
  return { durable, childId: completed.data.childExecutionId, childCompletedSeq: completed.seq };
}

/** Rewrites the child's history from `fromSeq` with `change` applied to that event's data, re-chaining every hash after it. */
function rewriteChild(path: string, childId: string, fromSeq: number, change: (data: Json) => Json): void {
  withRawDatabase(path, (db) => {
    const rows = db.prepare('SELECT seq, type, at, data, hash FROM events WHERE execution_id = ? ORDER BY seq').all(childId) as {
      seq: number;
      type: string;
      at: number;
      data: string;
      hash: string;
    }[];
    const update = db.prepare('UPDATE events SET data = ?, hash = ? WHERE execution_id = ? AND seq = ?');
    let prevHash = rows[fromSeq - 2]?.hash ?? '0'.repeat(64);
    for (const row of rows.slice(fromSeq - 1)) {
      const data = row.seq === fromSeq ? change(JSON.parse(row.data) as Json) : (JSON.parse(row.data) as Json);
      // The forger knows the rule: new executions hash their payloads as stored (ReplayFlag.hashStoredText).
      const hash = eventHash(prevHash, { seq: row.seq, type: row.type, at: row.at, data }, 'stored-text');
      update.run(JSON.stringify(data), hash, childId, row.seq);
      prevHash = hash;
    }
  });
}

test('a child history re-chained after a change no longer matches its parent: verify reports the parent', async (t) => {
  const file = await useDurableFile(t);
  const { durable, childId, childCompletedSeq } = await runParentAndChild(file);
  const childHistory = await durable.engine.history(childId);
  const last = childHistory.at(-1);
  assert.equal(last?.type, 'WorkflowCompleted');
  // A consistent forgery: the child's own chain verifies, only the parent's recorded hash can tell.
  rewriteChild(file.path, childId, last.seq, (data) => ({ ...(data as object), output: { v: 43 } }));
  const report = await durable.engine.verify();
  assert.deepEqual(report.failures.map(({ executionId, seq }) => ({ executionId, seq })), [{ executionId: 'parent', seq: childCompletedSeq }]);
  assert.match(report.failures[0]?.reason ?? '', new RegExp(childId));
  assert.deepEqual(await durable.engine.verify({ executionId: childId }), { executions: 1, failures: [] });
});

test(
  'a child payload altered in place is reported on the child and on its parent',
  async (t) => {
    const file = await useDurableFile(t);
    const { durable, childId, childCompletedSeq } = await runParentAndChild(file);
    const childHistory = await durable.engine.history(childId);
    const completed = eventsOfType(childHistory, 'TaskCompleted')[0];
    assert.ok(completed !== undefined);
    withRawDatabase(file.path, (db) => {
      db.prepare("UPDATE events SET data = replace(data, '42', '43') WHERE execution_id = ? AND seq = ?").run(childId, completed.seq);
    });
    const report = await durable.engine.verify();
    const failures = report.failures.map(({ executionId, seq }) => ({ executionId, seq }));
    assert.ok(failures.some((f) => f.executionId === childId && f.seq === completed.seq), `the child is reported: ${JSON.stringify(failures)}`);
    assert.ok(
      failures.some((f) => f.executionId === 'parent' && f.seq === childCompletedSeq),
      `the parent, whose recorded child no longer verifies, is reported too: ${JSON.stringify(failures)}`,
    );
  },
);
