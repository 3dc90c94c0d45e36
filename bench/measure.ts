/**
 * Timing for benchmarks: every subject is warmed up, then timed over several rounds whose order alternates (A B,
 * B A, …) so neither pays for the other's garbage or cache state every time; results are medians over rounds, as in
 * Hono's compare.sh. Only `run` is timed: `setup`/`teardown` open and close files and engines outside the clock.
 */
import { performance } from 'node:perf_hooks';

export interface Subject<C = void> {
  readonly name: string;
  /** Untimed, before each round (a fresh file, an engine). */
  readonly setup?: () => Promise<C> | C;
  /** Timed: does one round of work and returns how many units it did (rows committed, durable steps). */
  readonly run: (context: C) => Promise<number> | number;
  /** Untimed, after each round; the place to check the round's answer and close what setup opened. */
  readonly teardown?: (context: C) => Promise<void> | void;
}

export interface MeasureOptions {
  /** Rounds run first and thrown away (JIT, page cache, SQLite's first file growth). @default 1 */
  readonly warmupRounds?: number;
  /** Timed rounds; the median of their rates is reported. @default 5 */
  readonly rounds?: number;
}

export interface Measurement {
  readonly name: string;
  /** Units done in one round (the median round's). */
  readonly units: number;
  readonly rounds: number;
  /** Median wall time of one round. */
  readonly medianMs: number;
  /** Median over rounds of units per second. */
  readonly perSecond: number;
  /** Every timed round, in the order run. */
  readonly samples: readonly { readonly ms: number; readonly units: number }[];
}

/** Times several subjects in alternating order over the same rounds and returns one measurement per subject, in input order. */
// Each subject has its own context type; `any` here only lets one array hold them, nothing typed leaks out.
export async function compare(subjects: readonly Subject<any>[], options: MeasureOptions = {}): Promise<Measurement[]> {
  const warmupRounds = nonNegativeInteger('warmupRounds', options.warmupRounds ?? 1);
  const rounds = nonNegativeInteger('rounds', options.rounds ?? 5);
  if (rounds === 0) throw new RangeError('measure rounds: expected at least 1 timed round, found 0');
  if (subjects.length === 0) throw new RangeError('measure: expected at least one subject, found none');
  const samples = subjects.map(() => [] as { ms: number; units: number }[]);
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    const order = subjects.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const sample = await runOnce(subjects[index] as Subject<unknown>);
      if (round >= warmupRounds) samples[index]?.push(sample);
    }
  }
  return subjects.map((subject, index) => summarise(subject.name, samples[index] ?? []));
}

/** Times one subject (warm-up, then `rounds` timed rounds). */
export async function measure<C>(subject: Subject<C>, options: MeasureOptions = {}): Promise<Measurement> {
  const [measurement] = await compare([subject], options);
  return measurement as Measurement;
}

/** Nearest-rank percentile (`p` in 0…100) of unsorted samples: always one of the samples, never interpolated. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile: expected at least one sample, found none');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: expected p between 0 and 100, found ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Wall time of `fn` in milliseconds, with its result. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

async function runOnce(subject: Subject<unknown>): Promise<{ ms: number; units: number }> {
  const context = await subject.setup?.();
  let sample: { ms: number; units: number };
  try {
    const { ms, value: units } = await timed(() => subject.run(context));
    if (!Number.isFinite(units) || units <= 0) {
      throw new RangeError(`${subject.name}: run must return how many units it did (a positive number), found ${units}`);
    }
    sample = { ms, units };
  } catch (error) {
    await subject.teardown?.(context);
    throw error;
  }
  await subject.teardown?.(context);
  return sample;
}

function summarise(name: string, samples: readonly { ms: number; units: number }[]): Measurement {
  const rates = samples.map((s) => (s.units / s.ms) * 1000);
  const perSecond = median(rates);
  const middle = samples[rates.indexOf(perSecond)] as { ms: number; units: number };
  return { name, units: middle.units, rounds: samples.length, medianMs: median(samples.map((s) => s.ms)), perSecond, samples };
}

function nonNegativeInteger(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`measure ${option}: expected an integer ≥ 0, found ${value}`);
  return value;
}
