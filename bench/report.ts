/**
 * Writes a benchmark's results as a Markdown section appended to bench/RESULTS.md (and to stdout): the command that
 * produced it, the date and machine, then the figures that carry a target (ratios first, because absolutes from one
 * machine do not transfer), then the absolute numbers behind them.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Measurement } from './measure.js';

export const RESULTS_PATH = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** A bound a figure should respect: `atLeast` for rates and ratios, `atMost` for times and sizes. */
export type Target = { readonly atLeast: number } | { readonly atMost: number };

export interface Figure {
  readonly label: string;
  readonly value: number;
  /** Printed after the value (`×`, `ms`, `MB`, `steps/s`); empty for a bare count. */
  readonly unit: string;
  readonly target?: Target;
  /** How the figure was obtained, when it is not a plain measurement (extrapolated, scaled down). */
  readonly note?: string;
}

export interface BenchReport {
  /** The benchmark's name, as `npm run bench -- <name>` takes it. */
  readonly name: string;
  readonly command: string;
  /** One paragraph: what ran, on what settings. */
  readonly workload: string;
  /** Target-bearing figures, ratios first. */
  readonly headline: readonly Figure[];
  /** Absolute figures and the measurements behind the headline. */
  readonly absolutes: readonly (Figure | Measurement)[];
  /** Extra facts worth keeping with the numbers (SQLite version, how a history was built). */
  readonly notes?: readonly string[];
}

export interface ReportOptions {
  /** @default bench/RESULTS.md */
  readonly path?: string;
  /** @default now */
  readonly date?: Date;
}

/** Appends the report to the results file (created with a header when missing) and returns the Markdown written. */
export function report(bench: BenchReport, options: ReportOptions = {}): string {
  const path = options.path ?? RESULTS_PATH;
  const markdown = formatReport(bench, options.date ?? new Date());
  if (!existsSync(path)) writeFileSync(path, RESULTS_HEADER);
  const existing = readFileSync(path, 'utf8');
  appendFileSync(path, `${existing.endsWith('\n\n') ? '' : '\n'}${markdown}`);
  process.stdout.write(`\n${markdown}`);
  return markdown;
}

export function formatReport(bench: BenchReport, date: Date): string {
  const lines = [
    `## ${bench.name} — ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Command: \`${bench.command}\`  `,
    `Machine: ${machineFacts()}`,
    '',
    bench.workload,
    '',
    '| figure | value | target | verdict |',
    '|---|---:|---:|---|',
    ...bench.headline.map(figureRow),
    '',
    '| absolute | value | rounds | per round |',
    '|---|---:|---:|---:|',
    ...bench.absolutes.map(absoluteRow),
    '',
    ...(bench.notes ?? []).map((note) => `- ${note}`),
  ];
  return `${lines.join('\n').trimEnd()}\n\n`;
}

/** Cores, CPU model, memory, OS and Node version: what a reader needs to weigh absolute numbers. */
export function machineFacts(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  return `${cores.length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
}

/** A value printed with enough significant digits to compare, without noise digits. */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1_000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/** Met, or missed by how much (a factor for ratios and rates, the excess for bounds from above). */
export function verdict(value: number, target: Target): string {
  if ('atLeast' in target) {
    return value >= target.atLeast ? 'met' : `missed: ${formatNumber(target.atLeast / value)}× short`;
  }
  return value <= target.atMost ? 'met' : `missed: ${formatNumber(value / target.atMost)}× over`;
}

function figureRow(figure: Figure): string {
  const target = figure.target === undefined ? '—' : `${'atLeast' in figure.target ? '≥' : '≤'} ${formatNumber(targetValue(figure.target))} ${figure.unit}`.trim();
  const outcome = figure.target === undefined ? '—' : verdict(figure.value, figure.target);
  return `| ${label(figure)} | ${formatNumber(figure.value)} ${figure.unit} | ${target} | ${outcome} |`;
}

function absoluteRow(entry: Figure | Measurement): string {
  if ('perSecond' in entry) {
    return `| ${entry.name} | ${formatNumber(entry.perSecond)} /s | ${entry.rounds} | ${formatNumber(entry.units)} in ${formatNumber(entry.medianMs)} ms |`;
  }
  return `| ${label(entry)} | ${formatNumber(entry.value)} ${entry.unit} | — | — |`;
}

function label(figure: Figure): string {
  return figure.note === undefined ? figure.label : `${figure.label} (${figure.note})`;
}

function targetValue(target: Target): number {
  return 'atLeast' in target ? target.atLeast : target.atMost;
}

const RESULTS_HEADER = `# Benchmark results

Appended by \`bench/report.ts\`, newest last. Ratios come first: they compare the engine with a baseline measured in
the same run on the same machine, so they travel; absolute numbers are this machine's only. Rounds alternate order
after a warm-up and figures are medians over rounds (\`bench/measure.ts\`).
`;
