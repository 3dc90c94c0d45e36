/**
 * Resident memory of parked executions: start executions that wait on a month-long timer with `parkAfterMs: 0`, so
 * each leaves memory once its timer is recorded, and compare the process's RSS once all are parked with its RSS
 * before. Target: ≤ 500 MB for 100,000 parked executions. When 100,000 cannot be parked within the time budget
 * (the rate is measured per chunk as it goes), the run stops early and extrapolates linearly, and says so.
 */
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { report, type Figure } from './report.js';
import { openBenchEngine, PARKED_YAML, runPool, type Engine, type Definition } from './workload.js';

const TARGET_EXECUTIONS = 100_000;
const CHUNK = 500;
const IN_FLIGHT = 100;
/** Parked executions started before the "before" reading, so first-use compilation is not counted as their cost. */
const WARMUP = 200;
/** No new chunk starts after this long; keeps the whole `npm run bench` near its 10-minute budget. */
const BUDGET_MS = 90_000;
const MB = 1e6;

/** Runs the garbage collector when the process was started with --expose-gc (bench/run.ts does). */
async function settleHeap(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i += 1) {
    gc?.();
    await sleep(50);
  }
}

class ParkWatch {
  readonly #parked = new Set<string>();
  readonly #waiters = new Map<string, () => void>();

  parked(executionId: string): void {
    this.#parked.add(executionId);
    this.#waiters.get(executionId)?.();
    this.#waiters.delete(executionId);
  }

  /** Resolves once the execution released its claim as parked (immediately if it already did). */
  until(executionId: string): Promise<void> {
    if (this.#parked.has(executionId)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.set(executionId, resolve));
  }

  get count(): number {
    return this.#parked.size;
  }
}

async function startParked(engine: Engine, definition: Definition, watch: ParkWatch, count: number): Promise<string[]> {
  return runPool(count, IN_FLIGHT, async () => {
    const { executionId } = await engine.start(definition);
    await watch.until(executionId);
    return executionId;
  });
}

export async function benchParkedMemory(): Promise<void> {
  const startLoad = loadavg()[0] ?? 0;
  assert.ok(typeof (globalThis as { gc?: unknown }).gc === 'function', 'run through bench/run.ts, which starts benchmarks with --expose-gc');
  const watch = new ParkWatch();
  const bench = await openBenchEngine({
    synchronous: 'FULL',
    parkAfterMs: 0,
    wrapStore: (store) => ({
      ...store,
      async releaseClaim(token, park) {
        await store.releaseClaim(token, park);
        if (park !== undefined) watch.parked(token.executionId);
      },
    }),
  });
  const chunks: { parkedBefore: number; parked: number; ms: number; perSecond: number }[] = [];
  let before: NodeJS.MemoryUsage;
  let after: NodeJS.MemoryUsage;
  let parkedIds: string[] = [];
  let elapsedMs = 0;
  try {
    const definition = bench.engine.load(PARKED_YAML);
    await startParked(bench.engine, definition, watch, WARMUP);
    await settleHeap();
    before = process.memoryUsage();
    const started = performance.now();
    while (parkedIds.length < TARGET_EXECUTIONS && performance.now() - started < BUDGET_MS) {
      const chunkStarted = performance.now();
      const ids = await startParked(bench.engine, definition, watch, Math.min(CHUNK, TARGET_EXECUTIONS - parkedIds.length));
      const ms = performance.now() - chunkStarted;
      chunks.push({ parkedBefore: parkedIds.length, parked: parkedIds.length + ids.length, ms, perSecond: (ids.length / ms) * 1000 });
      parkedIds = parkedIds.concat(ids);
    }
    elapsedMs = performance.now() - started;
    await settleHeap();
    after = process.memoryUsage();
    // A fast wrong answer is not a result: each one is parked in the store on its timer, with no claim held.
    const now = Date.now();
    for (const executionId of parkedIds) {
      const record = await bench.store.getExecution(executionId);
      assert.ok(record !== undefined && typeof record.wakeAt === 'number' && record.wakeAt > now && record.claim === undefined, `${executionId} is parked: ${JSON.stringify(record)}`);
    }
  } finally {
    await bench.close();
  }

  const parked = parkedIds.length;
  const rssDeltaMb = (after.rss - before.rss) / MB;
  const isScaled = parked < TARGET_EXECUTIONS;
  const at100k = (rssDeltaMb / parked) * TARGET_EXECUTIONS;
  const scaledNote = isScaled ? `extrapolated linearly from ${parked.toLocaleString('en-US')}` : undefined;
  const headline: Figure[] = [
    { label: 'RSS growth for 100,000 parked executions', value: at100k, unit: 'MB', target: { atMost: 500 }, ...(scaledNote === undefined ? {} : { note: scaledNote }) },
  ];
  const perExecutionBytes = (after.rss - before.rss) / parked;
  const absolutes: Figure[] = [
    { label: 'executions parked (after the warm-up)', value: parked, unit: '' },
    { label: 'RSS before', value: before.rss / MB, unit: 'MB' },
    { label: 'RSS after', value: after.rss / MB, unit: 'MB' },
    { label: 'RSS growth per parked execution', value: perExecutionBytes / 1024, unit: 'KiB' },
    { label: 'JS heap used growth per parked execution', value: (after.heapUsed - before.heapUsed) / parked / 1024, unit: 'KiB' },
    { label: 'time to start and park them', value: elapsedMs / 1000, unit: 's' },
    { label: 'parking rate, first chunk', value: chunks[0]?.perSecond ?? 0, unit: '/s' },
    { label: `parking rate, last chunk (at ${parked.toLocaleString('en-US')})`, value: chunks.at(-1)?.perSecond ?? 0, unit: '/s' },
  ];
  const fit = chunks.length >= 3 ? chunkTimeFit(chunks) : undefined;
  if (isScaled && fit !== undefined) {
    absolutes.push({
      label: `time to park 100,000 (extrapolated: chunk time ≈ ${fit.interceptMs.toFixed(0)} ms + ${fit.msPerParked.toFixed(2)} ms per execution already parked)`,
      value: totalMsFor(fit, TARGET_EXECUTIONS) / 60_000,
      unit: 'min',
    });
  }
  report({
    name: 'parked-memory',
    command: 'npm run bench -- parked-memory',
    workload:
      `Executions of a one-task workflow \`wait: { days: 30 }\` started ${IN_FLIGHT} at a time in chunks of ${CHUNK.toLocaleString('en-US')}, engine with \`parkAfterMs: 0\`, ` +
      'SQLite synchronous=FULL; an execution counts as parked when the engine releases its claim with a wake-up time. RSS after a forced GC, before and after.',
    headline,
    absolutes,
    notes: [
      `${WARMUP} parked executions were started before the "before" reading (first-use compilation is not their cost); every measured execution was checked parked in the store (wake-up set, no claim).`,
      isScaled
        ? `Stopped at ${parked.toLocaleString('en-US')} after the ${BUDGET_MS / 1000} s budget: 100,000 at this rate would not fit the 10-minute benchmark run; the 100k figure assumes memory grows linearly per parked execution.`
        : 'All 100,000 were parked; nothing is extrapolated.',
      `Parking rate per chunk of ${CHUNK.toLocaleString('en-US')} (parked so far: per second): ${chunks.map((c) => `${c.parked}: ${c.perSecond.toFixed(0)}`).join(', ')}.`,
      `1-minute load average at start ${startLoad.toFixed(1)} (the machine is shared with other work).`,
    ],
  });
}

/** Least-squares line through (already parked, chunk time): a slope well above 0 means parking slows as more are parked. */
function chunkTimeFit(chunks: readonly { parkedBefore: number; ms: number }[]): { interceptMs: number; msPerParked: number } {
  const n = chunks.length;
  const meanX = chunks.reduce((sum, c) => sum + c.parkedBefore, 0) / n;
  const meanY = chunks.reduce((sum, c) => sum + c.ms, 0) / n;
  const covariance = chunks.reduce((sum, c) => sum + (c.parkedBefore - meanX) * (c.ms - meanY), 0);
  const variance = chunks.reduce((sum, c) => sum + (c.parkedBefore - meanX) ** 2, 0);
  const msPerParked = variance === 0 ? 0 : covariance / variance;
  return { interceptMs: meanY - msPerParked * meanX, msPerParked };
}

/** Sum of the fitted chunk times over the chunks that park `total` executions. */
function totalMsFor(fit: { interceptMs: number; msPerParked: number }, total: number): number {
  let ms = 0;
  for (let before = 0; before < total; before += CHUNK) ms += Math.max(0, fit.interceptMs + fit.msPerParked * before);
  return ms;
}
