/**
 * Runs `bin/itonami` as a real child process (node + the bin script, as a shell would) and captures what a script
 * calling it sees: exit code, signal, stdout, stderr. Each start costs about a second (tsx loads the sources), so
 * the CLI tests group their assertions per process.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'itonami');
const FIXTURES = fileURLToPath(new URL('./workflows/', import.meta.url));

export interface CliResult {
  /** The exit code; null only when a signal killed the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the first complete stderr line matching `pattern`; rejects if the process ends without one. */
  stderrLine(pattern: RegExp): Promise<string>;
  /** Settles when the process has exited and both streams are drained. */
  readonly result: Promise<CliResult>;
}

/**
 * npm and node:test export their state to children (npm_config_*, NODE_TEST_CONTEXT); the CLI must not run under
 * either's settings, so they are dropped.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_TEST_CONTEXT'),
  );
}

export function startCli(args: readonly string[], options: { cwd: string }): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(), stdio: 'pipe' });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const stderrLine = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const line = stderr.split('\n').slice(0, -1).find((candidate) => pattern.test(candidate));
        if (line === undefined) return false;
        child.stderr.off('data', check);
        resolve(line);
        return true;
      };
      if (check()) return;
      child.stderr.on('data', check);
      void result.then((ended) => {
        if (!check()) reject(new Error(`no stderr line matched ${pattern} before the CLI ended\n${explain(ended)}`));
      }, reject);
    });
  return { child, stderrLine, result };
}

export function runCli(args: readonly string[], options: { cwd: string }): Promise<CliResult> {
  return startCli(args, options).result;
}

/** The whole result, for assertion messages: a failing golden test shows what the CLI actually printed. */
export function explain(result: CliResult): string {
  return `exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}---`;
}

/** `(12 ms)` → `(N ms)`: timings are the only part of progress lines that changes between runs. */
export function normaliseTimings(text: string): string {
  return text.replace(/\(\d+ ms\)/g, '(N ms)');
}

/** The stdout of a run that ended with a value: exactly one line of compact JSON. Returns it parsed. */
export function singleJsonLine(stdout: string): unknown {
  if (!stdout.endsWith('\n') || stdout.indexOf('\n') !== stdout.length - 1) {
    throw new Error(`expected one line of JSON and a newline on stdout, found ${JSON.stringify(stdout)}`);
  }
  const line = stdout.slice(0, -1);
  const value: unknown = JSON.parse(line);
  if (JSON.stringify(value) !== line) throw new Error(`expected compact JSON on stdout, found ${line}`);
  return value;
}

/** A temp folder holding a copy of `test/cli/workflows/`, so the CLI runs on relative paths as a user types them. */
export async function openWorkspace(): Promise<{ readonly dir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'itonami-cli-'));
  await cp(FIXTURES, dir, { recursive: true });
  return { dir, close: () => rm(dir, { recursive: true, force: true }) };
}

/** The result of a started CLI once it exits, failing (and killing it) if it is still running after `ms`. */
export async function exitWithin(cli: CliProcess, ms: number, what: string): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`the CLI was still running ${ms} ms after ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([cli.result, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The RFC 7807 problem a failed command prints on stderr: exactly one line of compact JSON. */
export function problemOnStderr(result: CliResult): Record<string, unknown> {
  return singleJsonLine(result.stderr) as Record<string, unknown>;
}
