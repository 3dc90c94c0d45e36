/**
 * `deploy`, `start` (idempotent ids, bad input), `list`, `cancel|suspend|resume` and the 404/409 problems of every
 * command that names an execution. Each test keeps its own database file in the shared workspace.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { explain, openWorkspace, problemOnStderr, runCli, singleJsonLine } from './cli-process.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('itonami deploy, start, list, cancel, suspend, resume', { concurrency: 3, timeout: 240_000 }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
  });
  after(() => workspace.close());
  const itonami = (...args: string[]) => runCli(args, { cwd: workspace.dir });

  test('deploy prints namespace/name@version hash per definition, --workflows folder first', async () => {
    const result = await itonami('deploy', 'echo.yaml', 'raise.yaml', '--workflows', 'children', '--db', 'deploy.db');
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.stderr, '');
    const lines = result.stdout.split('\n').slice(0, -1);
    assert.deepEqual(
      lines.map((line) => line.split(' ')[0]),
      ['lib/child@1.0.0', 'lib/child@2.0.0', 'cli-test/echo@1.0.0', 'cli-test/raise@1.0.0'],
      explain(result),
    );
    for (const line of lines) assert.match(line, /^\S+@\S+ [0-9a-f]{64}$/);
  });

  const badDefinitionCases = [
    { name: 'deploy of an invalid definition', args: ['deploy', 'echo.yaml', 'unknown-property.yaml'], stderr: /^unknown-property\.yaml:9:7: \/do\/1\/two: .*'bogus'/ },
    { name: 'deploy of a missing file', args: ['deploy', 'absent.yaml'], stderr: /^itonami: cannot read absent\.yaml: ENOENT\n$/ },
    { name: 'start of an invalid definition', args: ['start', 'bad-expression-and-then.yaml'], stderr: /^bad-expression-and-then\.yaml:6:12: \/do\/0\/one\/set\/x: / },
    { name: 'start with --input that is not JSON', args: ['start', 'echo.yaml', '--input', '{nope'], stderr: /^itonami: --input is not valid JSON: / },
    { name: 'start with --input and --input-file', args: ['start', 'echo.yaml', '--input', '{}', '--input-file', 'x.json'], stderr: /^itonami: give --input or --input-file, not both\n$/ },
  ];
  test('bad definitions and bad input are bad usage (exit 2), and store nothing', async () => {
    const results = await Promise.all(badDefinitionCases.map((c) => itonami(...c.args, '--db', 'refused.db')));
    badDefinitionCases.forEach((c, index) => {
      const result = results[index];
      assert.ok(result !== undefined);
      assert.equal(result.code, 2, `${c.name}\n${explain(result)}`);
      assert.equal(result.stdout, '', c.name);
      assert.match(result.stderr, c.stderr, c.name);
    });
    const listed = await itonami('list', '--json', '--db', 'refused.db');
    assert.equal(listed.stdout, '[]\n', explain(listed));
  });

  test('start --id is idempotent for the same definition and input, a 409 conflict otherwise', async () => {
    const db = ['--db', 'idempotent.db'];
    const first = await itonami('start', 'echo.yaml', '--id', 'order-42', '--input', '{"a":1}', ...db);
    assert.equal(first.code, 0, explain(first));
    assert.equal(first.stdout, 'order-42\n');
    const [again, otherInput, otherDefinition] = await Promise.all([
      itonami('start', 'echo.yaml', '--id', 'order-42', '--input', '{ "a": 1 }', ...db),
      itonami('start', 'echo.yaml', '--id', 'order-42', '--input', '{"a":2}', ...db),
      itonami('start', 'raise.yaml', '--id', 'order-42', '--input', '{"a":1}', ...db),
    ]);
    assert.equal(again.code, 0, explain(again));
    assert.equal(again.stdout, 'order-42\n');
    for (const conflict of [otherInput, otherDefinition]) {
      assert.equal(conflict.code, 1, explain(conflict));
      assert.equal(conflict.stdout, '');
      const problem = problemOnStderr(conflict);
      assert.deepEqual([problem.type, problem.status, problem.title, problem.instance], ['about:blank', 409, 'Conflict', 'order-42']);
      assert.match(String(problem.detail), /already exists/);
    }
  });

  test('list prints a table or JSON, filters by --status, and refuses an unknown status (exit 2)', async () => {
    const db = ['--db', 'list.db'];
    const a = await itonami('start', 'long-wait.yaml', '--id', 'list-a', ...db);
    const b = await itonami('start', 'await-ping.yaml', '--id', 'list-b', ...db);
    assert.deepEqual([a.code, b.code], [0, 0], explain(a) + explain(b));
    const cancelled = await itonami('cancel', 'list-b', ...db);
    assert.equal(cancelled.code, 0, explain(cancelled));
    const [table, json, onlyCancelled, bad, empty] = await Promise.all([
      itonami('list', ...db),
      itonami('list', '--json', ...db),
      itonami('list', '--status', 'cancelled', '--json', ...db),
      itonami('list', '--status', 'sleeping', ...db),
      itonami('list', '--db', 'never-created.db'),
    ]);
    assert.equal(table.code, 0, explain(table));
    const rows = table.stdout.split('\n').slice(0, -1);
    assert.match(rows[0] ?? '', /^ID +STATUS +DEFINITION +UPDATED$/);
    assert.match(rows[1] ?? '', /^list-b +cancelled +cli-test\/await-ping@1\.0\.0 +\S+Z$/, 'newest first');
    assert.match(rows[2] ?? '', /^list-a +running +cli-test\/long-wait@1\.0\.0 +\S+Z$/);
    const entries = singleJsonLine(json.stdout) as Record<string, unknown>[];
    assert.deepEqual(entries.map((e) => [e.id, e.status]), [['list-b', 'cancelled'], ['list-a', 'running']]);
    assert.deepEqual(Object.keys(entries[0] ?? {}), ['id', 'status', 'definition', 'createdAt', 'updatedAt']);
    assert.match(String(entries[0]?.createdAt), ISO);
    assert.deepEqual((singleJsonLine(onlyCancelled.stdout) as Record<string, unknown>[]).map((e) => e.id), ['list-b']);
    assert.equal(bad.code, 2, explain(bad));
    assert.match(bad.stderr, /^itonami: --status expects one of pending, running, waiting, suspended, cancelled, faulted, completed, found 'sleeping'\n$/);
    assert.equal(empty.code, 0, explain(empty));
    assert.equal(empty.stdout, '');
    assert.ok(!existsSync(join(workspace.dir, 'never-created.db')), 'a read-only command created the database');
  });

  test('suspend, resume, cancel: exit 0 while the execution lives, then 409 once it has ended', async () => {
    const db = ['--db', 'control.db'];
    const started = await itonami('start', 'long-wait.yaml', '--id', 'ctl', ...db);
    assert.equal(started.code, 0, explain(started));
    const suspended = await itonami('suspend', 'ctl', '--reason', 'maintenance', ...db);
    assert.equal(suspended.code, 0, explain(suspended));
    assert.equal(suspended.stdout + suspended.stderr, '');
    const whileSuspended = await itonami('status', 'ctl', ...db);
    assert.equal((singleJsonLine(whileSuspended.stdout) as Record<string, unknown>).status, 'suspended', explain(whileSuspended));
    const resumed = await itonami('resume', 'ctl', ...db);
    assert.equal(resumed.code, 0, explain(resumed));
    const cancelled = await itonami('cancel', 'ctl', '--reason', 'no longer needed', ...db);
    assert.equal(cancelled.code, 0, explain(cancelled));
    const status = await itonami('status', 'ctl', ...db);
    const view = singleJsonLine(status.stdout) as Record<string, unknown>;
    assert.deepEqual([view.status, view.reason], ['cancelled', 'no longer needed'], explain(status));

    const afterEnd = await Promise.all((['cancel', 'suspend', 'resume'] as const).map((verb) => itonami(verb, 'ctl', ...db)));
    for (const [index, result] of afterEnd.entries()) {
      assert.equal(result.code, 1, explain(result));
      assert.equal(result.stdout, '');
      const problem = problemOnStderr(result);
      assert.deepEqual([problem.type, problem.status, problem.title, problem.instance], ['about:blank', 409, 'Conflict', 'ctl']);
      assert.equal(problem.detail, `execution ctl has already ended (cancelled): nothing to ${['cancel', 'suspend', 'resume'][index]}`);
    }
  });

  const unknownIdCommands = [['status'], ['history'], ['history', '--json'], ['state'], ['state', '--at', '1'], ['verify'], ['cancel'], ['suspend'], ['resume']];
  test('every command that names an unknown execution exits 1 with a 404 problem', async () => {
    const deployed = await itonami('deploy', 'echo.yaml', '--db', 'unknown.db');
    assert.equal(deployed.code, 0, explain(deployed));
    // Half on a database without that execution, half on a file that does not exist (and must not be created).
    const results = await Promise.all(
      unknownIdCommands.map(([verb, ...rest], index) => itonami(verb ?? '', 'nope', ...rest, '--db', index % 2 === 0 ? 'unknown.db' : 'absent.db')),
    );
    for (const result of results) {
      assert.equal(result.code, 1, explain(result));
      assert.equal(result.stdout, '');
      const problem = problemOnStderr(result);
      assert.deepEqual([problem.type, problem.status, problem.title, problem.instance], ['about:blank', 404, 'Not Found', 'nope'], explain(result));
      assert.match(String(problem.detail), /^execution nope was not found: (it is not in unknown\.db|absent\.db does not exist)$/);
    }
    assert.ok(!existsSync(join(workspace.dir, 'absent.db')), 'a command on an unknown execution created the database');
  });
});
