/**
 * Crash recovery with real processes: 20 executions of a workflow with three sequential calls, a wait, a fork of
 * two calls (a registered function and `call: http`) and a `try` whose call fails its first attempt for half of
 * them, run by worker processes (test/crash/worker-process.ts) that are SIGKILLed at varied points — while the
 * server holds the K-th side effect, just after it answered one, and while executions sit in a wait — and replaced
 * by fresh workers, until a last worker runs everything to the end.
 *
 * Then: every execution completed with the expected output, no history recorded a key twice, every recorded side
 * effect reached the server, a key reached it more than once only when a process was killed with that call in
 * flight (and the re-run reused the interrupted attempt's idempotency key), rebuilds match and `verify` is clean.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { assertRebuildMatches } from '../support/engine-harness.js';
import { assertKeysUnique, launchParked, recordedEffectKeys, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';
import { type EffectRequest, startEffectServer } from '../support/effect-server.js';
import { type WorkerProcess, spawnWorker } from '../support/worker-processes.js';

const EXECUTIONS = 20;
const LEASE_MS = 500;
const COMMUNICATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/communication';

const DOCUMENT = workflowDocument('crash', [
  { settle: { wait: { milliseconds: 50 } } },
  { a: { call: 'sideEffect', with: { value: '${ .value }', add: 1 } } },
  { b: { call: 'sideEffect', with: { value: '${ .value }', add: 1 } } },
  { c: { call: 'sideEffect', with: { value: '${ .value }', add: 1 } } },
  { pause: { wait: { milliseconds: 300 } } },
  {
    both: {
      fork: {
        branches: [
          { left: { call: 'sideEffect', with: { value: '${ .value }', add: 10 } } },
          {
            right: {
              call: 'http',
              with: { method: 'post', endpoint: '${ $workflow.input.server + "/effect" }', body: { value: '${ .value }', add: 100 } },
            },
          },
        ],
      },
    },
  },
  { combine: { set: { value: '${ .[0].value + .[1].value }' } } },
  {
    guarded: {
      try: [{ flaky: { call: 'sideEffect', with: { value: '${ .value }', add: 1000 } } }],
      catch: { errors: { with: { type: COMMUNICATION } }, retry: { delay: { milliseconds: 20 }, limit: { attempt: { count: 3 } } } },
    },
  },
]);

/** a, b, c add 3; the fork's branches give v+10 and v+100, summed; the try adds 1000. */
const expectedOutput = (n: number) => ({ value: 2 * (n + 3) + 110 + 1000 });
const executionId = (n: number) => `crash-${String(n).padStart(2, '0')}`;

/** How a round's worker dies: holding its K-th request, right after its K-th answer, or while executions wait. */
type Kill = { at: 'holding'; k: number } | { at: 'answered'; k: number } | { at: 'waiting' };
const ROUNDS: readonly Kill[] = [
  { at: 'holding', k: 1 },
  { at: 'answered', k: 2 },
  { at: 'holding', k: 4 },
  { at: 'waiting' },
  { at: 'answered', k: 7 },
  { at: 'holding', k: 3 },
];

test('workers killed at varied points: every execution completes once, side effects at least once, keys reused', { timeout: 120_000 }, async (t) => {
  const began = Date.now();
  const file = await useDurableFile(t, 'itonami-crash-');
  let current: WorkerProcess | undefined;
  let plan: Kill | undefined;
  let receivedThisRound = 0;
  /** Killed worker pids and the wall-clock instant of each kill. */
  const killed = new Map<string, number>();
  /** The request each 'holding' kill interrupted: its key must come back from a later process. */
  const interrupted: EffectRequest[] = [];
  const killNow = (worker: WorkerProcess) => {
    killed.set(worker.pid, Date.now());
    worker.child.kill('SIGKILL');
  };

  const server = await startEffectServer((request) => {
    const worker = current;
    // Half of the executions fail their try's first attempt once (the server decides by key, as a flaky service).
    const isFlakyFirst = request.key.includes('/flaky#0') && Number(request.key.slice('crash-'.length, 'crash-'.length + 2)) % 2 === 0 && request.attempt === 1;
    if (worker === undefined || request.pid !== worker.pid || plan === undefined || plan.at === 'waiting' || killed.has(worker.pid)) {
      return isFlakyFirst ? 'fail' : 'answer';
    }
    receivedThisRound += 1;
    if (receivedThisRound !== plan.k) return isFlakyFirst ? 'fail' : 'answer';
    if (plan.at === 'holding') {
      interrupted.push(request);
      killNow(worker);
      return 'hold';
    }
    // The answer is on its way; the worker dies before (or while) it records it.
    setImmediate(() => killNow(worker));
    return isFlakyFirst ? 'fail' : 'answer';
  });
  t.after(() => server.close());

  const starts = Array.from({ length: EXECUTIONS }, (_, n) => ({ executionId: executionId(n), input: { value: n, server: server.url } }));
  await launchParked(file, DOCUMENT, starts, ['sideEffect']);
  const launchedAt = Date.now();

  const reader = new Database(file.path, { readonly: true });
  t.after(() => reader.close());
  reader.pragma('busy_timeout = 10000');
  const waitingNow = reader.prepare(
    `SELECT count(*) AS n FROM events s WHERE s.type = 'TimerStarted' AND s.at >= ? AND s.data LIKE '%/pause#0:timer/started%'
     AND NOT EXISTS (SELECT 1 FROM events f WHERE f.execution_id = s.execution_id AND f.type = 'TimerFired' AND f.data LIKE '%/pause#0:timer/fired%')`,
  );
  const liveClaims = reader.prepare('SELECT count(*) AS n FROM executions WHERE claim_owner IS NOT NULL AND claim_expires_at > ?');
  const unfinished = reader.prepare("SELECT count(*) AS n FROM executions WHERE status NOT IN ('completed', 'faulted', 'cancelled')");

  // Concurrency above the number of executions: a worker at full capacity with a due execution left over busy-spins
  // and starves its own runs (see worker-backlog.test.ts); this test is about crashes, not that bug.
  // A snapshot (and replay checkpoint) every few events: killed workers' executions resume from checkpoints too.
  const workerArgs = ['--server', server.url, '--lease-ms', String(LEASE_MS), '--concurrency', String(EXECUTIONS + 12), '--snapshot-every', '4'];
  for (const [round, kill] of ROUNDS.entries()) {
    plan = undefined;
    receivedThisRound = 0;
    const spawnedAt = Date.now();
    const worker = await spawnWorker(t, file.path, workerArgs);
    current = worker;
    plan = kill;
    if (kill.at === 'waiting') {
      // A wait this worker began (an earlier worker may have died with waits open, too).
      await until(() => (waitingNow.get(spawnedAt) as { n: number }).n > 0, `round ${round}: an execution to be in its wait`, 20_000, 2);
      killNow(worker);
    }
    await until(() => killed.has(worker.pid), `round ${round}: the kill (${JSON.stringify(kill)}); ${server.received.length} received, stderr ${worker.stderr()}`, 20_000);
    const exit = await worker.exited;
    assert.equal(exit.signal, 'SIGKILL', `round ${round}: the worker died by SIGKILL (stderr: ${worker.stderr()})`);
    assert.ok((unfinished.get() as { n: number }).n > 0, `round ${round}: work was left for the next worker`);
  }

  // An --until-idle worker stops when nothing is runnable; a dead worker's claims are not runnable until they lapse.
  await until(() => (liveClaims.get(Date.now()) as { n: number }).n === 0, 'the last killed worker’s claims to lapse', 10_000, 20);
  plan = undefined;
  const last = await spawnWorker(t, file.path, [...workerArgs, '--until-idle', '--max-wait-ms', '5000']);
  current = last;
  const exit = await last.exited;
  assert.equal(exit.code, 0, `the last worker ran to idle (stderr: ${last.stderr()})`);
  const finishedAt = Date.now();
  assert.equal((unfinished.get() as { n: number }).n, 0, 'every execution ended');
  const checkpointed = reader.prepare('SELECT count(*) AS n FROM replay_checkpoints').get() as { n: number };
  assert.ok(checkpointed.n >= EXECUTIONS / 2, `replay checkpoints were written and resumed from (${checkpointed.n})`);

  const { engine } = await file.open({ functions: { sideEffect: () => Promise.reject(new Error('the checking engine must not run effects')) } });
  const counts = server.countsByKey();
  let retried = 0;
  for (const { executionId: id, input } of starts) {
    const state = await engine.getExecution(id);
    assert.equal(state?.status, 'completed', `${id}: ${JSON.stringify(state?.error)}`);
    assert.deepEqual(state.output, expectedOutput(input.value), id);
    const history = await engine.history(id);
    assertKeysUnique(history, id);
    const keys = recordedEffectKeys(id, history);
    const isFlaky = input.value % 2 === 0;
    assert.ok(keys.length === 6 || (isFlaky && keys.length === 7), `${id}: six side effects (seven with a retry), found ${keys.join(', ')}`);
    for (const key of keys) assert.ok((counts.get(key) ?? 0) >= 1, `${id}: the server saw ${key}`);
    if (history.some((event) => event.type === 'TaskRetrying')) retried += 1;
    await assertRebuildMatches(engine, id);
  }
  assert.deepEqual(await engine.verify(), { executions: EXECUTIONS, failures: [] });
  assert.ok(retried > 0, 'some try blocks retried after the server failed their first attempt');

  // A key reached the server again only after the process that sent it was killed with the call unrecorded: the
  // result recorded for it is younger than that kill (an older one would mean a recorded effect ran again).
  const recordedAt = new Map<string, number>();
  for (const { executionId: id } of starts) {
    for (const event of await engine.history(id)) {
      if (event.type === 'EffectCompleted' || event.type === 'EffectFailed') recordedAt.set(`${id}:${event.data.key.slice(0, event.data.key.lastIndexOf(':'))}`, event.at);
    }
  }
  for (const request of server.received) assert.ok(recordedAt.has(request.key), `${request.key} reached the server but no history records its result`);
  const byKey = new Map<string, EffectRequest[]>();
  for (const request of server.received) byKey.set(request.key, [...(byKey.get(request.key) ?? []), request]);
  const repeated = [...byKey.entries()].filter(([, requests]) => requests.length > 1);
  for (const [key, requests] of repeated) {
    const pids = requests.map((request) => request.pid);
    assert.equal(new Set(pids).size, pids.length, `${key} was sent twice by one process: ${pids.join(', ')}`);
    for (const request of requests.slice(0, -1)) {
      const killedAt = killed.get(request.pid);
      assert.ok(killedAt !== undefined, `${key} was re-sent although process ${request.pid} was not killed`);
      assert.ok((recordedAt.get(key) ?? 0) > killedAt, `${key} was recorded before process ${request.pid} was killed, yet sent again`);
    }
  }
  // Each call a kill interrupted in flight was re-run, under the same idempotency key, by a later process.
  assert.ok(interrupted.length >= 3, `the 'holding' rounds interrupted calls (${interrupted.length})`);
  for (const request of interrupted) {
    const again = byKey.get(request.key) ?? [];
    assert.ok(again.length >= 2 && again.at(-1)?.pid !== request.pid, `${request.key} was re-run by another process with the same key`);
  }
  t.diagnostic(
    `crash test: ${killed.size} kills, ${server.received.length} requests, ${repeated.length} keys re-sent, ${retried} retried; launch ${launchedAt - began} ms, ` +
      `kills+recovery ${finishedAt - launchedAt} ms, checks ${Date.now() - finishedAt} ms`,
  );
});
