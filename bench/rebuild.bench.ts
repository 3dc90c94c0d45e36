/**
 * Reading and rebuilding long histories: for histories of 10, 1,000, 10,000 and 100,000 events, how long
 * `getExecution` (nearest snapshot + fold of the tail) and `rebuild` (the interpreter replays the whole history with
 * side effects disabled) take, in total and per event. The target: reading the state stays flat per step and takes at
 * most 200 ms at 100k events. Histories are real: one execution of a `for` loop over n items, each item one durable
 * `call: noop` (3n + 4 events, bench/workload.ts), recorded by the engine.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Definition } from '../src/index.js';
import { measure, timed, type Measurement } from './measure.js';
import { report, type Figure } from './report.js';
import { LOOP_THEN_PARK_YAML, LOOP_YAML, loopItemsFor, openBenchEngine } from './workload.js';

interface Size {
  readonly events: number;
  /** Timed reads with `getExecution` and with `rebuild` (after one untimed warm-up each, except where noted). */
  readonly reads: number;
  readonly rebuilds: number;
  /** Timed resumes of the parked twin execution. */
  readonly resumes: number;
}

const SIZES: readonly Size[] = [
  { events: 10, reads: 200, rebuilds: 50, resumes: 50 },
  { events: 1_000, reads: 50, rebuilds: 10, resumes: 10 },
  { events: 10_000, reads: 20, rebuilds: 5, resumes: 5 },
  { events: 100_000, reads: 5, rebuilds: 3, resumes: 3 },
];
/** A snapshot every this many events: the engine's default, stated so the report does not depend on it silently. */
const SNAPSHOT_EVERY = 500;

interface SizeResult {
  readonly size: Size;
  readonly buildMs: number;
  readonly snapshotSeq: number;
  readonly read: Measurement;
  readonly rebuild: Measurement;
  readonly resume: Measurement;
  readonly resumeEvents: number;
}

export async function benchRebuild(): Promise<void> {
  const startLoad = loadavg()[0] ?? 0;
  // NORMAL: these measure reads; FULL would only slow building the histories (one fsync per group commit).
  // parkAfterMs 0: the twin execution leaves memory as soon as it waits, so every resume replays it from the store.
  const bench = await openBenchEngine({ synchronous: 'NORMAL', snapshotEvery: SNAPSHOT_EVERY, parkAfterMs: 0 });
  const results: SizeResult[] = [];
  let dbBytes = 0;
  try {
    const definition = bench.engine.load(LOOP_YAML);
    const parking = bench.engine.load(LOOP_THEN_PARK_YAML);
    for (const size of SIZES) {
      const { ms: buildMs, value: run } = await timed(() => bench.engine.run(definition, { input: { n: loopItemsFor(size.events) } }));
      assert.equal(run.status, 'completed', `the ${size.events}-event history's execution completed`);
      const { executionId } = run;
      const folded = await bench.engine.getExecution(executionId);
      assert.equal(folded?.seq, size.events, `history length of the ${size.events}-event execution`);
      // A fast wrong answer is not a result: the replay must rebuild exactly the state the fold reads.
      assert.deepEqual(await bench.engine.rebuild(executionId), folded, `rebuild and getExecution agree at ${size.events} events`);
      const snapshotSeq = (await bench.store.getSnapshot(executionId))?.seq ?? 0;
      const read = await measure(
        { name: `getExecution, ${size.events} events`, run: async () => ((await bench.engine.getExecution(executionId))?.seq ?? 0) },
        { warmupRounds: 1, rounds: size.reads },
      );
      const rebuild = await measure(
        { name: `rebuild, ${size.events} events`, run: async () => (await bench.engine.rebuild(executionId)).seq },
        { warmupRounds: size.rebuilds > 1 ? 1 : 0, rounds: size.rebuilds },
      );
      const { executionId: parkedId, events: resumeEvents } = await parkedTwin(bench, parking, loopItemsFor(size.events));
      const resume = await measure(
        {
          name: `resume, ${size.events} events`,
          run: async () => {
            // Any signal makes the parked execution due; the worker replays it (completed tasks skipped), finds its
            // wait still open and parks it again.
            await bench.engine.signal(parkedId, 'nudge');
            await bench.engine.work({ untilIdle: true, maxWaitMs: 0 });
            const record = await bench.store.getExecution(parkedId);
            assert.ok(record !== undefined && record.claim === undefined && record.status !== 'completed', 'the twin parked again');
            return resumeEvents;
          },
        },
        { warmupRounds: size.resumes > 1 ? 1 : 0, rounds: size.resumes },
      );
      results.push({ size, buildMs, snapshotSeq, read, rebuild, resume, resumeEvents });
    }
    dbBytes = statSync(bench.path).size;
  } finally {
    await bench.close();
  }

  const at = (events: number): SizeResult => {
    const result = results.find((r) => r.size.events === events);
    assert.ok(result !== undefined, `measured ${events} events`);
    return result;
  };
  const perEventUs = (m: Measurement) => (m.medianMs * 1000) / m.units;
  const largest = at(100_000);
  const reference = at(1_000);
  const headline: Figure[] = [
    { label: 'getExecution µs/event, 100k ÷ 1k (flat = 1)', value: perEventUs(largest.read) / perEventUs(reference.read), unit: '×' },
    { label: 'rebuild µs/event, 100k ÷ 1k (flat = 1)', value: perEventUs(largest.rebuild) / perEventUs(reference.rebuild), unit: '×' },
    { label: 'getExecution at 100k events', value: largest.read.medianMs, unit: 'ms', target: { atMost: 200 } },
    { label: 'rebuild at 100k events', value: largest.rebuild.medianMs, unit: 'ms' },
    { label: 'resume µs/event, 100k ÷ 1k (flat = 1)', value: perEventUs(largest.resume) / perEventUs(reference.resume), unit: '×' },
    { label: 'resume at 100k events', value: largest.resume.medianMs, unit: 'ms', target: { atMost: 200 } },
  ];
  const absolutes: Figure[] = results.flatMap(({ size, buildMs, snapshotSeq, read, rebuild, resume, resumeEvents }) => [
    { label: `${size.events} events: getExecution (${read.rounds} reads, snapshot at seq ${snapshotSeq}, tail ${size.events - snapshotSeq})`, value: read.medianMs, unit: 'ms' },
    { label: `${size.events} events: getExecution per event`, value: perEventUs(read), unit: 'µs' },
    { label: `${size.events} events: rebuild (${rebuild.rounds} runs)`, value: rebuild.medianMs, unit: 'ms' },
    { label: `${size.events} events: rebuild per event`, value: perEventUs(rebuild), unit: 'µs' },
    { label: `${size.events} events: resume of the parked twin (${resume.rounds} runs, ${resumeEvents} events)`, value: resume.medianMs, unit: 'ms' },
    { label: `${size.events} events: resume per event`, value: perEventUs(resume), unit: 'µs' },
    { label: `${size.events} events: recording the history (one run)`, value: buildMs, unit: 'ms' },
    { label: `${size.events} events: recording per event`, value: (buildMs * 1000) / size.events, unit: 'µs' },
  ]);
  absolutes.push({ label: 'database file after all histories (events + snapshots)', value: dbBytes / 2 ** 20, unit: 'MiB' });
  report({
    name: 'rebuild',
    command: 'npm run bench -- rebuild',
    workload:
      'One execution per size of a `for` loop over n items, each item one `call: noop` (3n + 4 events), recorded by the engine on SQLite ' +
      `(synchronous=NORMAL, snapshot every ${SNAPSHOT_EVERY} events); then \`getExecution(id)\` and \`rebuild(id)\` timed separately. ` +
      'A twin execution runs the same loop, then waits for a signal nobody sends and parks; "resume" is one worker pass that wakes it ' +
      '(another signal), replays it (completed tasks skipped) and parks it again.',
    headline,
    absolutes,
    notes: [
      'Every history was produced through the engine (no synthetic rows); before timing, `rebuild(id)` was checked deep-equal to `getExecution(id)`.',
      '`rebuild(id)` re-runs every task (it is the check that a history agrees with its definition); a resume skips tasks whose completion is recorded (replay flag 1), so its cost is reading the history plus one step per completed task at the open levels.',
      'A snapshot is written only when an append batch ends on a multiple of the snapshot interval, so the tail folded by getExecution varies by size.',
      'Each step\'s `with` is a constant: no jq runs per item, so these figures are the history machinery alone. With `with: { item: \'${ $item }\' }` ' +
        'instead, jq-web (~1 ms per evaluation, it recompiles the program each time) dominated: rebuilding 20,002 events took 8.7 s instead of 0.27 s (cpu profile, 2026-11-25).',
      `1-minute load average at start ${startLoad.toFixed(1)} (the machine is shared with other work).`,
    ],
  });
}

/** Starts the parking twin of a loop of `items` items and waits until it has parked on its wait. */
async function parkedTwin(bench: Awaited<ReturnType<typeof openBenchEngine>>, definition: Definition, items: number): Promise<{ executionId: string; events: number }> {
  const { executionId } = await bench.engine.start(definition, { input: { n: items } });
  for (;;) {
    const record = await bench.store.getExecution(executionId);
    if (record !== undefined && record.claim === undefined && record.wakeAt !== undefined) return { executionId, events: record.seq };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
