/**
 * Starts and kills worker processes (test/crash/worker-process.ts) for the crash tests: real processes on the same
 * SQLite file, killed with SIGKILL (no cleanup runs, claims stay behind until they expire).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('../crash/worker-process.ts', import.meta.url));

export interface WorkerProcess {
  readonly pid: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the worker wrote to stderr so far (failures, engine reports). */
  stderr(): string;
  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Spawns a worker on `path` with `args` and resolves once it printed `ready`; killed when `t` ends if still alive. */
export async function spawnWorker(t: TestContext, path: string, args: readonly string[] = []): Promise<WorkerProcess> {
  // node:test exports its state to children (NODE_TEST_CONTEXT); a worker is not a test file.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_TEST_CONTEXT'));
  const child = spawn(process.execPath, ['--import', 'tsx', script, path, ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  t.after(kill);
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('ready ')) resolve(line.slice('ready '.length));
    });
    void exited.then(({ code, signal }) => reject(new Error(`worker exited (code ${code}, signal ${signal}) before it was ready: ${errors}`)));
  });
  const pid = await ready;
  assert.equal(pid, String(child.pid));
  return { pid, child, exited, stderr: () => errors, kill };
}
