/**
 * Benchmark entry: `npm run bench` runs every benchmark, `npm run bench -- durable-steps rebuild` the named ones.
 * Each runs in its own Node process (with --expose-gc), so one benchmark's heap, JIT state and open files never
 * colour the next one's numbers, and resident-memory readings start from a fresh process. Results are appended to
 * bench/RESULTS.md by each benchmark. Nothing here runs in `npm test`.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = {
  'durable-steps': async () => (await import('./durable-steps.bench.js')).benchDurableSteps(),
  rebuild: async () => (await import('./rebuild.bench.js')).benchRebuild(),
  'parked-memory': async () => (await import('./parked-memory.bench.js')).benchParkedMemory(),
  jq: async () => (await import('./jq.bench.js')).benchJq(),
} as const satisfies Record<string, () => Promise<void>>;

type BenchmarkName = keyof typeof BENCHMARKS;
const NAMES = Object.keys(BENCHMARKS) as BenchmarkName[];
const CHILD_FLAG = '--child';

function isBenchmarkName(name: string): name is BenchmarkName {
  return Object.hasOwn(BENCHMARKS, name);
}

async function runChild(name: BenchmarkName): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', self, CHILD_FLAG, name], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

async function main(args: readonly string[]): Promise<number> {
  if (args[0] === CHILD_FLAG) {
    const name = args[1] ?? '';
    if (!isBenchmarkName(name)) throw new Error(`bench child: unknown benchmark ${JSON.stringify(name)}`);
    await BENCHMARKS[name]();
    return 0;
  }
  const unknown = args.filter((name) => !isBenchmarkName(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.map((n) => JSON.stringify(n)).join(', ')}; expected any of: ${NAMES.join(', ')}\n`);
    return 2;
  }
  const selected = args.length === 0 ? NAMES : args.filter(isBenchmarkName);
  const started = performance.now();
  let failed = 0;
  for (const name of selected) {
    process.stderr.write(`\n▶ ${name}\n`);
    const benchStarted = performance.now();
    const code = await runChild(name);
    process.stderr.write(`◀ ${name}: ${code === 0 ? 'done' : `failed (exit ${code})`} in ${((performance.now() - benchStarted) / 1000).toFixed(1)} s\n`);
    if (code !== 0) failed += 1;
  }
  process.stderr.write(`\n${selected.length - failed}/${selected.length} benchmarks done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
