import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { problem, ProblemError } from '../../model/problems.js';
import type { ProcessResult } from '../effects.js';

/** 16 MiB per stream: far above what a workflow should carry in its data, small enough to keep the engine alive. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** How long a process has between SIGTERM and SIGKILL once its run is aborted. */
export const DEFAULT_KILL_GRACE_MS = 5_000;

export interface SpawnProcessOptions {
  /** Absolute path (or a name the OS resolves with `env.PATH`) of the program. */
  readonly file: string;
  readonly args: readonly string[];
  /** The child's whole environment: nothing of the engine's is added. */
  readonly env: Readonly<Record<string, string>>;
  /** Written then closed; `undefined` gives the child an already-closed stdin. */
  readonly stdin?: string;
  readonly signal: AbortSignal;
  readonly cwd?: string;
  /** @default DEFAULT_MAX_OUTPUT_BYTES */
  readonly maxOutputBytes?: number;
  /** @default DEFAULT_KILL_GRACE_MS */
  readonly killGraceMs?: number;
  /** How the program is named in error details (e.g. `python3`, `docker`). @default file */
  readonly label?: string;
}

/**
 * Runs one program to completion and captures its output as UTF-8. A non-zero exit is a result, not an error: the
 * `run` task decides what it means. A process killed by a signal reports `128 + signal number`, as shells do.
 *
 * The child leads its own process group (`detached`), so an abort or an output overflow stops everything it
 * started: SIGTERM to the group, SIGKILL after the grace period. A grandchild that calls `setsid` escapes the group;
 * nothing short of a cgroup can follow it.
 *
 * @throws ProblemError `runtime` when the program cannot be started or its output passes the cap; rejects with
 *   `signal.reason` (wrapped in an Error if it is not one) once aborted, after the process has exited.
 */
export async function spawnProcess(options: SpawnProcessOptions): Promise<ProcessResult> {
  const { signal } = options;
  signal.throwIfAborted();
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const label = options.label ?? options.file;

  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(options.file, [...options.args], {
      env: { ...options.env },
      cwd: options.cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });

    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const sizes = { stdout: 0, stderr: 0 };
    // Set once the run is being stopped: what the promise rejects with after the process exits.
    let failure: Error | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (killTimer !== undefined) clearTimeout(killTimer);
      signal.removeEventListener('abort', onAbort);
      outcome();
    };

    const killGroup = (reason: Error): void => {
      if (failure !== undefined) return;
      failure = reason;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        signalGroup(child.pid, 'SIGKILL');
        // A grandchild that left the group may still hold the pipes open; without this, 'close' would never come.
        child.stdout.destroy();
        child.stderr.destroy();
      }, killGraceMs);
      // The timer must not keep an engine that is shutting down alive for the grace period.
      killTimer.unref();
    };

    // An abort reason is an Error in practice (AbortSignal's default is a DOMException, itself an Error); anything
    // else is wrapped, never thrown bare (STYLE.md §4).
    const onAbort = (): void => killGroup(abortError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });

    const collect = (stream: 'stdout' | 'stderr', chunks: Buffer[]) => (chunk: Buffer) => {
      if (failure !== undefined) return;
      sizes[stream] += chunk.length;
      if (sizes[stream] > maxOutputBytes) {
        killGroup(
          new ProblemError(
            problem('runtime', {
              detail:
                `${label} wrote more than ${maxOutputBytes} bytes to ${stream}; the process was stopped ` +
                '(write large results to a file and return its path instead)',
            }),
          ),
        );
        return;
      }
      chunks.push(chunk);
    };
    child.stdout.on('data', collect('stdout', stdout));
    child.stderr.on('data', collect('stderr', stderr));

    // A child that exits without reading its stdin makes the write fail with EPIPE; its exit status says what
    // happened, so the write error itself carries nothing to report.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');

    child.once('error', (error: NodeJS.ErrnoException) => {
      settle(() => reject(spawnProblem(error, label, options.file)));
    });

    // 'close' (not 'exit'): every byte of stdout/stderr has been read by then.
    child.once('close', (code, signalName) => {
      settle(() => {
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        resolve({
          code: code ?? exitCodeOfSignal(signalName),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      });
    });
  });
}

function signalGroup(pid: number | undefined, name: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, name);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function abortError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`, { cause: reason });
}

function exitCodeOfSignal(name: NodeJS.Signals | null): number {
  if (name === null) return 1;
  return 128 + (constants.signals[name] ?? 0);
}

function spawnProblem(error: NodeJS.ErrnoException, label: string, file: string): ProblemError {
  const why =
    error.code === 'ENOENT'
      ? `${file} was not found`
      : error.code === 'EACCES'
        ? `${file} is not executable`
        : `${error.code ?? 'error'}: ${error.message}`;
  return new ProblemError(problem('runtime', { detail: `could not start ${label}: ${why}` }), { cause: error });
}
