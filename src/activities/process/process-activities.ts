import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { problem, ProblemError } from '../../model/problems.js';
import type { ContainerRequest, ProcessResult, ScriptRequest, ShellRequest } from '../effects.js';
import { containerRunArguments } from './container-run-arguments.js';
import { CONTAINER_CLI_VARIABLES, resolveContainerRuntime } from './container-runtime.js';
import { findExecutable } from './find-executable.js';
import { FALLBACK_PATH, processEnvironment } from './process-environment.js';
import { scriptLanguage } from './script-language.js';
import { spawnProcess } from './spawn-process.js';

export interface ProcessActivitiesOptions {
  /** Root of the temporary folders scripts are written to. @default os.tmpdir() */
  readonly workDir?: string;
  /**
   * The container CLI: `docker`, `podman` (looked up on PATH) or a path to a docker-compatible CLI.
   * @default the first of docker, podman found on PATH
   */
  readonly containerRuntime?: string;
  /** The PATH child processes get and programs are looked up on. @default process.env.PATH */
  readonly searchPath?: string;
  /** Working directory of every process. @default process.cwd() at the time of the run */
  readonly cwd?: string;
  /** Cap on each of stdout and stderr; past it the process is stopped. @default 16 MiB */
  readonly maxOutputBytes?: number;
  /** Time between SIGTERM and SIGKILL when a run is aborted. @default 5000 */
  readonly killGraceMs?: number;
}

export interface ProcessActivities {
  runShell(request: ShellRequest): Promise<ProcessResult>;
  runScript(request: ScriptRequest): Promise<ProcessResult>;
  runContainer(request: ContainerRequest): Promise<ProcessResult>;
}

/**
 * The `run` task's side effects (DSL 1.0.3 "Run": shell, script, container). Every process gets a minimal
 * environment (`PATH`, `HOME`, `LANG` from the engine, then the task's `environment`), never the engine's own: see
 * `process-environment.ts`. A non-zero exit code is returned, not thrown; the `run` task decides what it means.
 */
export function createProcessActivities(options: ProcessActivitiesOptions = {}): ProcessActivities {
  const workDir = options.workDir ?? tmpdir();
  const limits = { maxOutputBytes: options.maxOutputBytes, killGraceMs: options.killGraceMs };
  // Read per run, not at creation: an engine's PATH may be adjusted after start-up (tests, embedding hosts).
  const searchPath = (): string => options.searchPath ?? process.env.PATH ?? FALLBACK_PATH;
  const environment = (overrides: Readonly<Record<string, string>>, extraInherited?: readonly string[]) =>
    processEnvironment({ source: process.env, searchPath: searchPath(), extraInherited }, overrides);
  const cwd = (): string => options.cwd ?? process.cwd();

  return {
    /**
     * `/bin/sh -c <command> sh <arguments…>`: the arguments are argv entries, never spliced into the command text,
     * so no quoting is involved and `echo "$1"` prints the first one verbatim.
     */
    runShell: (request) =>
      spawnProcess({
        ...limits,
        file: '/bin/sh',
        args: ['-c', request.command, 'sh', ...request.arguments],
        env: environment(request.environment),
        stdin: request.stdin,
        signal: request.signal,
        cwd: cwd(),
        label: 'the shell command (/bin/sh)',
      }),

    /**
     * The code goes to a fresh temporary folder under `workDir` (`script.mjs`, or `script.py`) that is removed
     * afterwards, and runs as `<interpreter> <file> <arguments…>`: in JavaScript `process.argv[2]` is the first
     * argument, in Python `sys.argv[1]`.
     */
    runScript: async (request) => {
      request.signal.throwIfAborted();
      const language = scriptLanguage(request.language);
      const env = environment(request.environment);
      const interpreter = language.interpreter === 'node' ? process.execPath : await findPython(env.PATH ?? '');
      const folder = await mkdtemp(join(workDir, 'itonami-script-'));
      try {
        const file = join(folder, `script${language.extension}`);
        await writeFile(file, request.code, { encoding: 'utf8', mode: 0o600 });
        return await spawnProcess({
          ...limits,
          file: interpreter,
          args: [file, ...request.arguments],
          env,
          stdin: request.stdin,
          signal: request.signal,
          cwd: cwd(),
          label: `the ${language.name} script (${interpreter})`,
        });
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },

    /**
     * `<runtime> run …` (see `containerRunArguments`), attached: the result is the container's exit code and
     * output. Exit code 125 is docker's and podman's own failure (no daemon, bad flag, image not found), which is
     * raised as a `runtime` problem carrying the CLI's message rather than passed off as the container's code.
     */
    runContainer: async (request) => {
      request.signal.throwIfAborted();
      const runtime = await resolveContainerRuntime(options.containerRuntime, searchPath());
      const args = containerRunArguments(request, runtime);
      // The values of `-e NAME` flags are read by the CLI from its own environment.
      const env = environment(request.environment, CONTAINER_CLI_VARIABLES);
      const result = await spawnProcess({
        ...limits,
        file: runtime.path,
        args,
        env,
        stdin: request.stdin,
        signal: request.signal,
        cwd: cwd(),
        label: `${runtime.kind} (${runtime.path})`,
      });
      if (result.code === RUNTIME_FAILURE_CODE) {
        throw new ProblemError(
          problem('runtime', {
            detail: `${runtime.kind} could not run image '${request.image}' (exit ${RUNTIME_FAILURE_CODE}): ${
              truncated(result.stderr) || 'no message'
            }`,
          }),
        );
      }
      return result;
    },
  };
}

/** `docker run` / `podman run` exit status for a failure of the CLI or daemon, before the container ran. */
const RUNTIME_FAILURE_CODE = 125;

async function findPython(searchPath: string): Promise<string> {
  const found = await findExecutable('python3', searchPath);
  if (found !== undefined) return found;
  throw new ProblemError(problem('configuration', { detail: 'python3 was not found on PATH' }));
}

function truncated(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 2_000 ? `${trimmed.slice(0, 2_000)}…` : trimmed;
}
