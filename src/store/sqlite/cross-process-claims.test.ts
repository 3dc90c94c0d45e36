/**
 * Two real processes share one SQLite file and race claimRunnable over the same executions (DESIGN.md "Who executes":
 * two processes on one database file never run the same execution). Each process claims in three rounds; a round's
 * claims expire before the next round's `now`, so every execution must be claimed exactly once per epoch 1, 2, 3,
 * and a fenced append must never land after a newer epoch's.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { newExecution, row } from '../../../test/contracts/store-contract.js';
import { openSqliteStore } from './sqlite-store.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const EXECUTIONS = 50;
const ROUNDS = 3;
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const storeModule = new URL('./sqlite-store.ts', import.meta.url).href;
const errorsModule = new URL('../errors.ts', import.meta.url).href;

/** The worker: waits for "go <epoch ms>" on stdin and that instant, claims in rounds, appends fenced, prints one JSON report line. */
const WORKER = `
import { createInterface } from 'node:readline';
import { openSqliteStore } from ${JSON.stringify(storeModule)};
import { LeaseLostError } from ${JSON.stringify(errorsModule)};

const [path, owner] = process.argv.slice(2);
const store = openSqliteStore({ path, busyTimeoutMs: 10_000 });
const claims = [];
let lost = 0;
process.stdout.write('ready\\n');
// Both workers start at the same wall-clock instant, so their claims interleave rather than run one after the other.
let startAt = 0;
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.startsWith('go ')) { startAt = Number(line.slice(3)); break; }
lines.close();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now() - 5)));
while (Date.now() < startAt) { /* spin the last milliseconds for a sharper start */ }
for (let round = 1; round <= ${ROUNDS}; round += 1) {
  const now = round * 100_000;
  for (;;) {
    const batch = await store.claimRunnable({ owner, leaseMs: 50_000, now, limit: 1 });
    if (batch.length === 0) break;
    for (const claim of batch) {
      claims.push({ executionId: claim.executionId, epoch: claim.epoch, owner });
      const head = (await store.getExecution(claim.executionId)).seq;
      const data = JSON.stringify({ owner, epoch: claim.epoch });
      try {
        await store.append({ executionId: claim.executionId, expectedSeq: head, events: [{ seq: head + 1, type: 'Worked', at: now, data, hash: 'h' }], claim });
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
        lost += 1;
      }
    }
  }
}
await store.close();
process.stdout.write(JSON.stringify({ claims, lost }) + '\\n');
`;

interface Report {
  claims: { executionId: string; epoch: number; owner: string }[];
  lost: number;
}

function startWorker(script: string, path: string, owner: string): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', script, path, owner], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function linesOf(child: ChildProcessWithoutNullStreams): Promise<{ ready: Promise<void>; report: Promise<Report> }> {
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async (what: string): Promise<string> => {
    const line = await iterator.next();
    if (line.done === true) {
      const [code] = (child.exitCode === null ? await once(child, 'exit') : [child.exitCode]) as [number | null];
      throw new Error(`the worker exited (${code}) before printing ${what}:\n${Buffer.concat(stderr).toString('utf8')}`);
    }
    return line.value;
  };
  const ready = next('ready').then((line) => assert.equal(line, 'ready'));
  const report = ready.then(async () => JSON.parse(await next('its report')) as Report);
  return { ready, report };
}

test('two processes racing claimRunnable on one file claim each execution exactly once per epoch', { timeout: 30_000 }, async (t) => {
  const dir = await tempDir(t, 'itonami-race-');
  const path = join(dir, 'shared.db');
  const script = join(dir, 'claim-worker.mts');
  await writeFile(script, WORKER);

  const setup = openSqliteStore({ path });
  const ids = Array.from({ length: EXECUTIONS }, (_, i) => `e${String(i).padStart(2, '0')}`);
  for (const id of ids) await setup.createExecution(newExecution(id), [row(1, 'WorkflowStarted')]);
  await setup.close();

  const workers = ['A', 'B'].map((owner) => startWorker(script, path, owner));
  t.after(() => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  });
  const streams = await Promise.all(workers.map(linesOf));
  await Promise.all(streams.map((s) => s.ready));
  const startAt = Date.now() + 100;
  for (const worker of workers) worker.stdin.end(`go ${startAt}\n`);
  const reports = await Promise.all(streams.map((s) => s.report));

  const claims = reports.flatMap((r) => r.claims);
  t.diagnostic(`claims: A ${reports[0]?.claims.length}, B ${reports[1]?.claims.length}; fenced appends lost: ${reports.map((r) => r.lost).join(', ')}`);
  const epochsOf = new Map<string, number[]>();
  for (const claim of claims) epochsOf.set(claim.executionId, [...(epochsOf.get(claim.executionId) ?? []), claim.epoch]);
  assert.deepEqual([...epochsOf.keys()].sort(), ids, 'every execution was claimed');
  for (const [id, epochs] of epochsOf) {
    assert.deepEqual(epochs.sort((a, b) => a - b), [1, 2, 3], `${id}: claimed once per epoch, never twice`);
  }

  const check = openSqliteStore({ path });
  t.after(() => check.close());
  for (const id of ids) {
    const events = await check.readEvents({ executionId: id });
    const epochs = events.slice(1).map((e) => (JSON.parse(e.data) as { epoch: number }).epoch);
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: events.length }, (_, i) => i + 1), `${id}: gap-free history`);
    assert.deepEqual(epochs, [...epochs].sort((a, b) => a - b), `${id}: no write landed after a newer epoch's`);
    assert.equal(new Set(epochs).size, epochs.length, `${id}: one write per claim`);
  }
  const written = ids.length * ROUNDS - reports.reduce((sum, r) => sum + r.lost, 0);
  assert.equal(totalEvents(await check.listExecutions({ limit: EXECUTIONS })), written + EXECUTIONS);
});

function totalEvents(records: readonly { seq: number }[]): number {
  return records.reduce((sum, record) => sum + record.seq, 0);
}
