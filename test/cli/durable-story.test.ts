/**
 * The durability story through the CLI, on one SQLite file: `start` creates an execution and runs none of it,
 * `worker --until-idle` runs it to its end in another process, `status`/`history`/`state` read it back, `verify`
 * checks its hash chain — and names the event a test alters behind the engine's back.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { explain, openWorkspace, problemOnStderr, runCli, singleJsonLine } from './cli-process.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const HASH = /^[0-9a-f]{64}$/;

interface HistoryEntry {
  seq: number;
  type: string;
  taskRef: string | null;
  at: string;
  hash: string;
  prevHash: string;
  data: Record<string, unknown>;
}

describe('itonami start, worker, status, history, state, verify', { timeout: 240_000 }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
  });
  after(() => workspace.close());
  const itonami = (...args: string[]) => runCli(args, { cwd: workspace.dir });

  test('an execution started by start, run by a worker, read back, verified, then tampered with', async (t) => {
    let id = '';
    await t.test('start prints the new execution id alone and runs nothing', async () => {
      const started = await itonami('start', 'short-wait.yaml', '--input', '{"name":"Itonami"}');
      assert.equal(started.code, 0, explain(started));
      assert.match(started.stdout, /^[0-9a-f-]{36}\n$/);
      assert.equal(started.stderr, '');
      id = started.stdout.trim();
      const status = await itonami('status', id);
      assert.equal(status.code, 0, explain(status));
      const view = singleJsonLine(status.stdout) as Record<string, unknown>;
      assert.equal(view.id, id);
      assert.ok(view.status === 'running' || view.status === 'waiting', explain(status));
      assert.equal(view.output, undefined);
      assert.equal(view.seq, 1, 'only WorkflowStarted: start ran nothing');
    });

    await t.test('worker --until-idle runs it to its end and exits 0', async () => {
      const worker = await itonami('worker', '--until-idle', '--max-wait', '5s');
      assert.equal(worker.code, 0, explain(worker));
      assert.equal(worker.stdout, '');
      assert.match(worker.stderr, new RegExp(`^${id} started {3}/do/0/nap$`, 'm'));
      assert.match(worker.stderr, new RegExp(`^${id} workflow completed$`, 'm'));
    });

    let history: HistoryEntry[] = [];
    await t.test('status, history and state read the completed execution back', async () => {
      const [status, historyJson, historyText, stateAt1, stateNow] = await Promise.all([
        itonami('status', id),
        itonami('history', id, '--json'),
        itonami('history', id),
        itonami('state', id, '--at', '1'),
        itonami('state', id),
      ]);
      for (const result of [status, historyJson, historyText, stateAt1, stateNow]) assert.equal(result.code, 0, explain(result));

      const view = singleJsonLine(status.stdout) as Record<string, unknown>;
      assert.equal(view.status, 'completed');
      assert.deepEqual(view.output, { greeting: 'Hello, Itonami!' });
      assert.deepEqual(Object.keys(view), ['id', 'status', 'output', 'definition', 'createdAt', 'updatedAt', 'seq']);
      const definition = view.definition as Record<string, unknown>;
      assert.deepEqual([definition.namespace, definition.name, definition.version], ['cli-test', 'short-wait', '1.0.0']);
      assert.match(String(definition.hash), HASH);
      assert.match(String(view.createdAt), ISO);
      assert.match(String(view.updatedAt), ISO);

      history = singleJsonLine(historyJson.stdout) as HistoryEntry[];
      assert.deepEqual(
        history.map((e) => [e.seq, e.type, e.taskRef]),
        [
          [1, 'WorkflowStarted', null],
          [2, 'TaskStarted', '/do/0/nap'],
          [3, 'TimerStarted', '/do/0/nap'],
          [4, 'TimerFired', '/do/0/nap'],
          [5, 'TaskCompleted', '/do/0/nap'],
          [6, 'TaskStarted', '/do/1/greet'],
          [7, 'TaskCompleted', '/do/1/greet'],
          [8, 'WorkflowCompleted', null],
        ],
      );
      history.forEach((event, index) => {
        assert.match(event.at, ISO);
        assert.match(event.hash, HASH);
        assert.equal(event.prevHash, index === 0 ? '0'.repeat(64) : history[index - 1]?.hash, `prevHash of seq ${event.seq}`);
      });
      assert.deepEqual(history[0]?.data.input, { name: 'Itonami' });

      const lines = historyText.stdout.split('\n').slice(0, -1);
      assert.equal(lines.length, 8, explain(historyText));
      assert.match(lines[0] ?? '', /^1 {2}\S+Z {2}WorkflowStarted$/);
      assert.match(lines[1] ?? '', /^2 {2}\S+Z {2}TaskStarted +\/do\/0\/nap$/);

      const at1 = singleJsonLine(stateAt1.stdout) as Record<string, unknown>;
      assert.deepEqual([at1.seq, at1.status, at1.tasks], [1, 'running', []]);
      assert.match(String(at1.startedAt), ISO);
      const now = singleJsonLine(stateNow.stdout) as Record<string, unknown>;
      assert.deepEqual([now.seq, now.status, now.output], [8, 'completed', { greeting: 'Hello, Itonami!' }]);
      assert.match(String(now.endedAt), ISO);
    });

    await t.test('state --at past the head exits 1 (404 problem), a non-integer --at exits 2', async () => {
      const [past, notInteger] = await Promise.all([itonami('state', id, '--at', '99'), itonami('state', id, '--at', 'two')]);
      assert.equal(past.code, 1, explain(past));
      assert.equal(past.stdout, '');
      const problem = problemOnStderr(past);
      assert.deepEqual([problem.type, problem.status, problem.title, problem.instance], ['about:blank', 404, 'Not Found', id]);
      assert.match(String(problem.detail), /versions 1 to 8; 99/);
      assert.equal(notInteger.code, 2, explain(notInteger));
      assert.equal(notInteger.stderr, "itonami: --at expects a positive integer, found 'two'\n");
    });

    await t.test('verify exits 0 on the intact history', async () => {
      const [all, one] = await Promise.all([itonami('verify'), itonami('verify', id, '--json')]);
      assert.equal(all.code, 0, explain(all));
      assert.equal(all.stdout, 'ok: 1 executions verified\n');
      assert.equal(one.code, 0, explain(one));
      assert.deepEqual(singleJsonLine(one.stdout), { executions: 1, failures: [] });
    });

    await t.test("verify exits 1 naming the seq of an event whose stored data was changed", async () => {
      const db = new Database(join(workspace.dir, 'itonami.db'));
      try {
        const row = db.prepare('SELECT data FROM events WHERE execution_id = ? AND seq = 5').get(id) as { data: string };
        const data = JSON.parse(row.data) as { output: Record<string, unknown> };
        data.output['name'] = 'Mallory';
        db.prepare('UPDATE events SET data = ? WHERE execution_id = ? AND seq = 5').run(JSON.stringify(data), id);
      } finally {
        db.close();
      }
      const [text, json] = await Promise.all([itonami('verify'), itonami('verify', id, '--json')]);
      assert.equal(text.code, 1, explain(text));
      assert.match(text.stdout, new RegExp(`^${id}: seq 5: .*altered.*\\n$`));
      const problem = problemOnStderr(text);
      assert.equal(problem.status, 500);
      assert.match(String(problem.detail), new RegExp(`${id} at seq 5`));
      assert.equal(json.code, 1, explain(json));
      const report = singleJsonLine(json.stdout) as { executions: number; failures: { executionId: string; seq: number }[] };
      assert.deepEqual([report.executions, report.failures.map((f) => [f.executionId, f.seq])], [1, [[id, 5]]]);
    });
  });
});
