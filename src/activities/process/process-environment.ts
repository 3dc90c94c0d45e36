/**
 * The variables a child process inherits from the engine. Only these: the engine's own environment may hold
 * database URLs, tokens and cloud credentials, and a workflow author must not be able to read them with
 * `run: shell: command: env`. Anything else a process needs is passed through the task's `environment`.
 */
export const INHERITED_VARIABLES = ['PATH', 'HOME', 'LANG'] as const;

/** Used when the engine itself runs without `PATH` (e.g. under `env -i`). */
export const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface ProcessEnvironmentOptions {
  /** Where the inherited values come from (`process.env` in production). */
  readonly source: Readonly<Record<string, string | undefined>>;
  /** Replaces `source.PATH`, both for the child and for finding programs. */
  readonly searchPath?: string;
  /** Further names to inherit from `source` (the container runtime CLI needs its own, see `container-runtime.ts`). */
  readonly extraInherited?: readonly string[];
}

/**
 * The minimal base environment: `PATH`, `HOME`, `LANG` from the engine (those that are set; `PATH` falls back to
 * {@link FALLBACK_PATH}), then `environment` on top, so a task may override any of them.
 */
export function processEnvironment(
  options: ProcessEnvironmentOptions,
  environment: Readonly<Record<string, string>>,
): Record<string, string> {
  const base: Record<string, string> = {};
  for (const name of [...INHERITED_VARIABLES, ...(options.extraInherited ?? [])]) {
    const value = options.source[name];
    if (value !== undefined) base[name] = value;
  }
  base.PATH = options.searchPath ?? options.source.PATH ?? FALLBACK_PATH;
  return { ...base, ...environment };
}
