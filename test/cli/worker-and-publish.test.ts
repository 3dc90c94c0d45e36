/**
 * `itonami worker` and `itonami publish` in real processes: a published CloudEvent reaches a `listen` that a worker
 * runs; SIGTERM/SIGINT park the worker's runs and exit 0 (the executions live on, not cancelled); bad options are
 * bad usage. Each test keeps its own database file in the shared workspace.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exitWithin, explain, openWorkspace, runCli, singleJsonLine, startCli } from './cli-process.js';

/** A stopped worker parks within this; a hang fails here, not at the suite's timeout. */
const EXIT_DEADLINE_MS = 15_000;

describe('itonami worker and publish', { concurrency: 3, timeout: 240_000 }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
  });
  after(() => workspace.close());
  const itonami = (...args: string[]) => runCli(args, { cwd: workspace.dir });

  test('publish wakes a listen started by start and run by a worker; a repeat is a duplicate', async (t) => {
    const db = ['--db', 'publish.db'];
    const started = await itonami('start', 'await-ping.yaml', ...db);
    assert.equal(started.code, 0, explain(started));
    const id = started.stdout.trim();
    const worker = startCli(['worker', ...db], { cwd: workspace.dir });
    t.after(() => worker.child.kill('SIGKILL'));
    await worker.stderrLine(new RegExp(`^${id} started {3}/do/0/waitForPing$`));

    const published = await itonami('publish', '--type', 'com.example.ping', '--source', '/tests', '--id', 'ping-1', '--data', '{"n":1}', ...db);
    assert.equal(published.code, 0, explain(published));
    assert.equal(published.stdout, 'ping-1\n');
    assert.equal(published.stderr, '');
    await worker.stderrLine(new RegExp(`^${id} workflow completed$`));
    worker.child.kill('SIGTERM');
    const stopped = await exitWithin(worker, EXIT_DEADLINE_MS, 'SIGTERM');
    assert.equal(stopped.code, 0, explain(stopped));
    assert.equal(stopped.stdout, '');

    const [status, repeat, generated] = await Promise.all([
      itonami('status', id, ...db),
      itonami('publish', '--type', 'com.example.ping', '--source', '/tests', '--id', 'ping-1', '--data', '{"n":2}', ...db),
      itonami('publish', '--type', 'com.example.other', '--source', '/tests', '--subject', 's', ...db),
    ]);
    const view = singleJsonLine(status.stdout) as Record<string, unknown>;
    assert.deepEqual([view.status, view.output], ['completed', { pinged: { n: 1 } }], explain(status));
    assert.equal(repeat.code, 0, explain(repeat));
    assert.equal(repeat.stdout, 'ping-1\n');
    assert.match(repeat.stderr, /^duplicate: an event with source \/tests and id ping-1 was already accepted; this one was ignored\n$/);
    assert.equal(generated.code, 0, explain(generated));
    assert.match(generated.stdout, /^[0-9a-f-]{36}\n$/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} stops the worker with exit 0 and parks its run: the execution still waits, not cancelled`, async (t) => {
      const db = ['--db', `${signal}.db`];
      const started = await itonami('start', 'long-wait.yaml', ...db);
      assert.equal(started.code, 0, explain(started));
      const id = started.stdout.trim();
      const worker = startCli(['worker', '--concurrency', '2', ...db], { cwd: workspace.dir });
      t.after(() => worker.child.kill('SIGKILL'));
      await worker.stderrLine(new RegExp(`^${id} started {3}/do/0/nap$`));
      worker.child.kill(signal);
      const stopped = await exitWithin(worker, EXIT_DEADLINE_MS, signal);
      assert.equal(stopped.code, 0, explain(stopped));
      assert.match(stopped.stderr, new RegExp(`^worker: ${signal}: parking the executions in memory`, 'm'));
      assert.doesNotMatch(stopped.stderr, /cancelled/);
      // `waiting` once its timer is recorded; `running` if the signal came between the task's start and its timer.
      const status = await itonami('status', id, ...db);
      assert.match(String((singleJsonLine(status.stdout) as Record<string, unknown>).status), /^(waiting|running)$/, explain(status));
    });
  }

  const forceCases = [
    { name: '--grace elapsing', args: ['--grace', '500ms'], signals: 1, says: /^worker: still parking after 500ms: forcing the exit$/m },
    { name: 'a second signal', args: [], signals: 2, says: /^worker: SIGTERM again: forcing the exit$/m },
  ];
  for (const c of forceCases) {
    test(`${c.name} forces the exit (still 0) while a run cannot park`, async (t) => {
      const db = ['--db', `force-${c.signals}.db`];
      const started = await itonami('start', 'stubborn.yaml', ...db);
      const id = started.stdout.trim();
      const worker = startCli(['worker', ...c.args, ...db], { cwd: workspace.dir });
      t.after(() => worker.child.kill('SIGKILL'));
      await worker.stderrLine(new RegExp(`^${id} started {3}/do/0/stubborn$`));
      worker.child.kill('SIGTERM');
      await worker.stderrLine(/^worker: SIGTERM: parking/);
      if (c.signals === 2) worker.child.kill('SIGTERM');
      const stopped = await exitWithin(worker, EXIT_DEADLINE_MS, 'SIGTERM');
      assert.equal(stopped.code, 0, explain(stopped));
      assert.match(stopped.stderr, c.says);
      const status = await itonami('status', id, ...db);
      assert.equal((singleJsonLine(status.stdout) as Record<string, unknown>).status, 'running', explain(status));
    });
  }

  const usageCases = [
    { args: ['worker', '--concurrency', '0'], stderr: /^itonami: --concurrency expects a positive integer, found '0'\n$/ },
    { args: ['worker', '--until-idle', '--max-wait', 'soon'], stderr: /^itonami: --max-wait expects a duration like 500ms, 30s, 5m, 1h or PT30S, found 'soon'\n$/ },
    { args: ['worker', '--secrets-file', 'absent.json'], stderr: /^itonami: --secrets-file: cannot read absent\.json: ENOENT\n$/ },
    { args: ['publish', '--source', '/tests'], stderr: /^error: required option '--type <type>' not specified\n/ },
    { args: ['publish', '--type', '', '--source', '/tests'], stderr: /^itonami: --type must not be empty\n$/ },
    { args: ['publish', '--type', 't', '--source', '/tests', '--data', '{nope'], stderr: /^itonami: --data is not valid JSON: / },
    { args: ['publish', '--type', 't', '--source', '/tests', '--data', '1', '--data-file', 'x.json'], stderr: /^itonami: give --data or --data-file, not both\n$/ },
  ];
  test('bad worker and publish options are bad usage (exit 2)', async () => {
    const results = await Promise.all(usageCases.map((c) => itonami(...c.args, '--db', 'usage.db')));
    usageCases.forEach((c, index) => {
      const result = results[index];
      assert.ok(result !== undefined);
      assert.equal(result.code, 2, `${c.args.join(' ')}\n${explain(result)}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, c.stderr);
    });
  });

  test('worker --until-idle exits 0 at once on a database with nothing to run, --max-wait as ISO 8601', async () => {
    const result = await itonami('worker', '--until-idle', '--max-wait', 'PT0.5S', '--db', 'idle.db');
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.stdout + result.stderr, '');
  });
});
