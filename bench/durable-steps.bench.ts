/**
 * Durable steps: how many recorded steps per second the engine sustains with many workflows in flight, as a ratio
 * to one-row SQLite commits on the same file settings measured in the same run, and how long one workflow takes
 * from start to completion when it runs alone. Workload: three sequential calls of an in-process no-op
 * (bench/workload.ts), so every step records one `EffectCompleted` before it is used.
 */
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { type Engine, createEngine, createMemoryStore } from '../src/index.js';
import { countingStore, type CountingStore } from './counting-store.js';
import { compare, median, percentile, type Measurement, type Subject } from './measure.js';
import { report, type Figure } from './report.js';
import { BASELINE_ROW_BYTES, openSingleRowTable, type SingleRowTable } from './single-row-commits.js';
import { durableSteps, openBenchEngine, runPool, STEPS_PER_WORKFLOW, THREE_STEPS_YAML, type BenchEngine, type Definition, type Synchronous } from './workload.js';

const WORKFLOWS = 1_000;
const IN_FLIGHT = 50;
const BASELINE_ROWS = { FULL: 5_000, NORMAL: 20_000 } as const satisfies Record<Synchronous, number>;
const LATENCY_WORKFLOWS = 200;
/** Untimed runs on each fresh engine before its round (first-call compilation, SQLite page cache). */
const ENGINE_WARMUP_WORKFLOWS = 20;
const SETTINGS: readonly Synchronous[] = ['FULL', 'NORMAL'];

interface EngineRound {
  readonly bench: BenchEngine;
  readonly counting: CountingStore;
  readonly definition: Definition;
  readonly groupCommits: number[];
  results: { executionId: string; status: string }[];
  latenciesMs: number[];
}

/** Write transactions per workflow by store method, and appends per group commit, of the timed rounds. */
interface WriteProfile {
  readonly perWorkflow: Map<string, number>;
  readonly appendsPerCommit: number;
  readonly groupCommitsPerWorkflow: number;
}

export async function benchDurableSteps(): Promise<void> {
  const startLoad = loadavg()[0] ?? 0;
  const throughput: { synchronous: Synchronous; baseline: Measurement; engine: Measurement; writes: WriteProfile }[] = [];
  for (const synchronous of SETTINGS) {
    const writes: WriteProfile[] = [];
    const [baseline, engine] = await compare([baselineSubject(synchronous), throughputSubject(synchronous, writes)], { warmupRounds: 1, rounds: 5 });
    assert.ok(baseline !== undefined && engine !== undefined);
    throughput.push({ synchronous, baseline, engine, writes: mergeProfiles(writes) });
  }
  // The engine's own ceiling: the same workload with nothing persisted (no SQLite statement, no commit).
  const [ceiling] = await compare([memoryStoreSubject()], { warmupRounds: 1, rounds: 5 });
  assert.ok(ceiling !== undefined);
  const latencies = SETTINGS.map((synchronous) => ({ synchronous, p50: [] as number[], p99: [] as number[], all: [] as number[], groupCommits: [] as number[] }));
  const memoryLatency: LatencySamples = { p50: [], p99: [], all: [], groupCommits: [] };
  await compare([...latencies.map((into) => latencySubject(into.synchronous, into)), memoryLatencySubject(memoryLatency)], { warmupRounds: 0, rounds: 3 });

  const headline: Figure[] = [];
  const absolutes: (Figure | Measurement)[] = [];
  const notes: string[] = [];
  for (const { synchronous, baseline, engine, writes } of throughput) {
    headline.push({
      label: `${synchronous}: durable steps/s ÷ one-row commits/s`,
      value: engine.perSecond / baseline.perSecond,
      unit: '×',
      ...(synchronous === 'FULL' ? { target: { atLeast: 3.5 } } : {}),
    });
    absolutes.push(baseline, engine, { label: `${synchronous}: workflows completed per second`, value: engine.perSecond / STEPS_PER_WORKFLOW, unit: '/s' });
    notes.push(
      `${synchronous}: store calls per workflow (timed rounds): ${[...writes.perWorkflow].map(([method, n]) => `${method} ${n.toFixed(2)}`).join(', ')}; ` +
        `${writes.appendsPerCommit.toFixed(1)} appends per group commit, ${writes.groupCommitsPerWorkflow.toFixed(2)} group commits per workflow ` +
        '(each store call other than append is a transaction of its own).',
    );
  }
  absolutes.push(ceiling);
  const full = throughput.find((each) => each.synchronous === 'FULL');
  if (full !== undefined) headline.push({ label: 'FULL engine ÷ memory-store engine (what durability costs; 1 = free)', value: full.engine.perSecond / ceiling.perSecond, unit: '×' });
  for (const { synchronous, p50, p99, all, groupCommits } of latencies) {
    headline.push({ label: `${synchronous}: p50 start→complete`, value: median(p50), unit: 'ms', target: { atMost: 0.7 } });
    // A workflow run alone waits for each of its commits in turn, so no engine can beat this on this disk.
    const baseline = throughput.find((each) => each.synchronous === synchronous)?.baseline;
    if (baseline !== undefined) {
      headline.push({
        label: `${synchronous}: p50 floor (commits per workflow × one one-row commit)`,
        value: (median(groupCommits) * 1_000) / baseline.perSecond,
        unit: 'ms',
      });
    }
    headline.push({ label: `${synchronous}: p99 start→complete`, value: median(p99), unit: 'ms' });
    absolutes.push({ label: `${synchronous}: mean start→complete (${all.length} runs)`, value: all.reduce((a, b) => a + b, 0) / all.length, unit: 'ms' });
    absolutes.push({ label: `${synchronous}: max start→complete`, value: Math.max(...all), unit: 'ms' });
    absolutes.push({ label: `${synchronous}: group commits per workflow, one at a time`, value: median(groupCommits), unit: '' });
  }
  // What a lone workflow costs with nothing persisted: the part of the p50 that is the engine's own code.
  headline.push({ label: 'memory store: p50 start→complete (the engine alone)', value: median(memoryLatency.p50), unit: 'ms' });
  notes.push(
    `Throughput: ${WORKFLOWS} workflows, ${IN_FLIGHT} in flight, each round on a fresh file after ${ENGINE_WARMUP_WORKFLOWS} untimed workflows; ` +
      `baseline ${BASELINE_ROWS.FULL} (FULL) / ${BASELINE_ROWS.NORMAL} (NORMAL) one-row transactions of ~${BASELINE_ROW_BYTES} bytes per round; 1 warm-up + 5 rounds, order alternating.`,
    `Latency: ${LATENCY_WORKFLOWS} workflows one at a time per round (\`engine.run\`, start until result), 3 rounds alternating FULL/NORMAL/memory store; p50/p99 are medians over rounds, mean/max over all runs. ` +
      'A lone workflow\'s p50 is about the engine alone (memory store) + its four SQLite write transactions (NORMAL − memory store) + their four fsyncs (FULL − NORMAL).',
    'p50 floor: a workflow alone waits for its commits one after another (its start; each step\'s result before the next step acts on it; the last result with the completion), ' +
      'each at least as slow as one one-row commit of the baseline (1 ÷ its rate), so no engine that keeps those rules gets under it on this disk.',
    `SQLite ${sqliteVersion()}; 1-minute load average at start ${startLoad.toFixed(1)} (the machine is shared with other work).`,
  );
  report({
    name: 'durable-steps',
    command: 'npm run bench -- durable-steps',
    workload: 'Three sequential `call: noop` steps per workflow (one `EffectCompleted` each), SQLite store in a temp dir, WAL.',
    headline,
    absolutes,
    notes,
  });
}

function baselineSubject(synchronous: Synchronous): Subject<SingleRowTable> {
  return {
    name: `${synchronous}: one-row transactions (commits/s)`,
    setup: () => openSingleRowTable(synchronous),
    run: (table) => table.commit(BASELINE_ROWS[synchronous]),
    teardown: (table) => table.close(),
  };
}

/** The same workload on the memory store: what the engine's own code allows, nothing persisted. */
function memoryStoreSubject(): Subject<{ engine: Engine; definition: Definition; completed: number }> {
  return {
    name: `memory store: engine, ${WORKFLOWS} workflows × ${STEPS_PER_WORKFLOW} steps (steps/s, nothing persisted)`,
    async setup() {
      const engine = await createEngine({ store: createMemoryStore(), functions: { noop: (input) => input } });
      const definition = engine.load(THREE_STEPS_YAML);
      await runPool(ENGINE_WARMUP_WORKFLOWS, ENGINE_WARMUP_WORKFLOWS, () => engine.run(definition));
      return { engine, definition, completed: 0 };
    },
    async run(context) {
      const results = await runPool(WORKFLOWS, IN_FLIGHT, (index) => context.engine.run(context.definition, { input: { index } }));
      context.completed = results.filter((result) => result.status === 'completed').length;
      return STEPS_PER_WORKFLOW * context.completed;
    },
    async teardown(context) {
      await context.engine.close();
      assert.equal(context.completed, WORKFLOWS, 'every workflow on the memory store completed');
    },
  };
}

function throughputSubject(synchronous: Synchronous, profiles: WriteProfile[]): Subject<EngineRound> {
  return {
    name: `${synchronous}: engine, ${WORKFLOWS} workflows × ${STEPS_PER_WORKFLOW} steps (steps/s)`,
    setup: () => openRound(synchronous),
    async run(round) {
      round.results = await runPool(WORKFLOWS, IN_FLIGHT, (index) => round.bench.engine.run(round.definition, { input: { index } }));
      return STEPS_PER_WORKFLOW * round.results.filter((result) => result.status === 'completed').length;
    },
    async teardown(round) {
      try {
        const { counts } = round.counting;
        const commits = round.groupCommits;
        await assertAllCompleted(round, WORKFLOWS);
        profiles.push({
          perWorkflow: new Map([...counts].filter(([method]) => WRITES.has(method)).map(([method, n]) => [method, n / WORKFLOWS])),
          appendsPerCommit: commits.reduce((a, b) => a + b, 0) / Math.max(1, commits.length),
          groupCommitsPerWorkflow: commits.length / WORKFLOWS,
        });
      } finally {
        await round.bench.close();
      }
    },
  };
}

interface LatencySamples {
  readonly p50: number[];
  readonly p99: number[];
  readonly all: number[];
  /** Group commits per workflow, per round. */
  readonly groupCommits: number[];
}

function latencySubject(synchronous: Synchronous, into: LatencySamples): Subject<EngineRound> {
  return {
    name: `${synchronous}: latency`,
    setup: () => openRound(synchronous),
    async run(round) {
      for (let index = 0; index < LATENCY_WORKFLOWS; index += 1) {
        const started = performance.now();
        const result = await round.bench.engine.run(round.definition, { input: { index } });
        round.latenciesMs.push(performance.now() - started);
        round.results.push(result);
      }
      return LATENCY_WORKFLOWS;
    },
    async teardown(round) {
      try {
        await assertAllCompleted(round, LATENCY_WORKFLOWS);
        into.p50.push(percentile(round.latenciesMs, 50));
        into.p99.push(percentile(round.latenciesMs, 99));
        into.all.push(...round.latenciesMs);
        into.groupCommits.push(round.groupCommits.length / LATENCY_WORKFLOWS);
      } finally {
        await round.bench.close();
      }
    },
  };
}

/** The latency workload on the memory store: nothing persisted, so what is left is the engine's own code. */
function memoryLatencySubject(into: LatencySamples): Subject<{ engine: Engine; definition: Definition; latenciesMs: number[]; completed: number }> {
  return {
    name: 'memory store: latency',
    async setup() {
      const engine = await createEngine({ store: createMemoryStore(), functions: { noop: (input) => input } });
      const definition = engine.load(THREE_STEPS_YAML);
      await runPool(ENGINE_WARMUP_WORKFLOWS, ENGINE_WARMUP_WORKFLOWS, () => engine.run(definition));
      return { engine, definition, latenciesMs: [], completed: 0 };
    },
    async run(context) {
      for (let index = 0; index < LATENCY_WORKFLOWS; index += 1) {
        const started = performance.now();
        const result = await context.engine.run(context.definition, { input: { index } });
        context.latenciesMs.push(performance.now() - started);
        if (result.status === 'completed') context.completed += 1;
      }
      return LATENCY_WORKFLOWS;
    },
    async teardown(context) {
      await context.engine.close();
      assert.equal(context.completed, LATENCY_WORKFLOWS, 'every workflow on the memory store completed');
      into.p50.push(percentile(context.latenciesMs, 50));
      into.p99.push(percentile(context.latenciesMs, 99));
      into.all.push(...context.latenciesMs);
    },
  };
}

/** Store methods that write (each its own transaction, except `append`, which is group-committed). */
const WRITES = new Set(['createExecution', 'claimExecution', 'append', 'releaseClaim', 'putDefinition', 'putSnapshot', 'renewClaim', 'takeCommand']);

async function openRound(synchronous: Synchronous): Promise<EngineRound> {
  const counted: CountingStore[] = [];
  const groupCommits: number[] = [];
  const bench = await openBenchEngine({
    synchronous,
    wrapStore: (store) => {
      const counting = countingStore(store);
      counted.push(counting);
      return counting.store;
    },
    onCommit: ({ appends }) => groupCommits.push(appends),
  });
  const [counting] = counted;
  assert.ok(counting !== undefined, 'openBenchEngine wrapped the store');
  const definition = bench.engine.load(THREE_STEPS_YAML);
  await runPool(ENGINE_WARMUP_WORKFLOWS, ENGINE_WARMUP_WORKFLOWS, () => bench.engine.run(definition));
  counting.reset();
  groupCommits.length = 0;
  return { bench, counting, definition, groupCommits, results: [], latenciesMs: [] };
}

/** A fast wrong answer is not a result: every workflow completed, and recorded exactly its three steps. */
async function assertAllCompleted(round: EngineRound, expected: number): Promise<void> {
  assert.equal(round.results.length, expected, 'every workflow returned a result');
  const notCompleted = round.results.filter((result) => result.status !== 'completed');
  assert.equal(notCompleted.length, 0, `workflows that did not complete: ${JSON.stringify(notCompleted.slice(0, 3))}`);
  for (const { executionId } of round.results) {
    assert.equal(await durableSteps(round.bench.engine, executionId), STEPS_PER_WORKFLOW, `durable steps recorded by ${executionId}`);
  }
}

function mergeProfiles(profiles: readonly WriteProfile[]): WriteProfile {
  const perWorkflow = new Map<string, number>();
  for (const profile of profiles) for (const [method, n] of profile.perWorkflow) perWorkflow.set(method, (perWorkflow.get(method) ?? 0) + n / profiles.length);
  return {
    perWorkflow,
    appendsPerCommit: median(profiles.map((p) => p.appendsPerCommit)),
    groupCommitsPerWorkflow: median(profiles.map((p) => p.groupCommitsPerWorkflow)),
  };
}

function sqliteVersion(): string {
  const db = new BetterSqlite3(':memory:');
  try {
    return String(db.prepare('SELECT sqlite_version()').pluck().get());
  } finally {
    db.close();
  }
}
