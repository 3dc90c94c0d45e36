import type { Json } from './json.js';

/**
 * An RFC 7807 problem: the one shape of every workflow error (DSL 1.0.3 "Error"). Workflow errors are data: they
 * are recorded in history, caught by `try`, and shown as-is by the API, the CLI and the UI.
 */
export interface Problem {
  type: string;
  status: number;
  title?: string;
  detail?: string;
  /** JSON pointer of the task that raised it (the task reference). */
  instance?: string;
  /** Extension members (RFC 7807 §3.2), e.g. `errors` for a list of definition problems. */
  [extension: string]: Json | undefined;
}

const SPEC_ERRORS = 'https://serverlessworkflow.io/spec/1.0.0/errors/';
/** The pre-1.0 family that the CTK and other runtimes still emit; matched as an alias of {@link SPEC_ERRORS}. */
const LEGACY_ERRORS = 'https://serverlessworkflow.io/dsl/errors/types/';

/** The spec's eight standard error types with their default statuses (DSL 1.0.3 "Standard Error Types"). */
export const problemTypes = {
  configuration: { type: `${SPEC_ERRORS}configuration`, status: 400, title: 'Configuration error' },
  validation: { type: `${SPEC_ERRORS}validation`, status: 400, title: 'Validation error' },
  expression: { type: `${SPEC_ERRORS}expression`, status: 400, title: 'Expression error' },
  authentication: { type: `${SPEC_ERRORS}authentication`, status: 401, title: 'Authentication error' },
  authorization: { type: `${SPEC_ERRORS}authorization`, status: 403, title: 'Authorization error' },
  timeout: { type: `${SPEC_ERRORS}timeout`, status: 408, title: 'Timeout' },
  communication: { type: `${SPEC_ERRORS}communication`, status: 500, title: 'Communication error' },
  runtime: { type: `${SPEC_ERRORS}runtime`, status: 500, title: 'Runtime error' },
} as const satisfies Record<string, { type: string; status: number; title: string }>;

export type ProblemKind = keyof typeof problemTypes;

/** Builds a standard problem: `problem('timeout', { detail, instance })`. */
export function problem(kind: ProblemKind, fields: Partial<Problem> = {}): Problem {
  const base: Problem = { ...problemTypes[kind] };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) base[key] = value;
  return base;
}

/** The canonical form of an error type URI: the legacy `…/dsl/errors/types/X` family maps to `…/spec/1.0.0/errors/X`. */
export function canonicalProblemType(type: string): string {
  return type.startsWith(LEGACY_ERRORS) ? SPEC_ERRORS + type.slice(LEGACY_ERRORS.length) : type;
}

/** A workflow error in flight. The runtime records `problem` and `try` catches it. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly problem: Problem,
    options?: ErrorOptions,
  ) {
    super(`${problem.title ?? problem.type}${problem.detail === undefined ? '' : `: ${problem.detail}`}`, options);
  }
}

/** Normalises anything caught into an `Error` (throwing non-errors is a bug elsewhere, reported as such). */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(`non-error thrown: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

/**
 * The problem an arbitrary failure becomes inside a task: a `ProblemError` keeps its problem; anything else is a
 * `runtime` problem whose detail is the message (never the stack, which may hold paths or secrets).
 */
export function problemOf(error: unknown, instance: string): Problem {
  if (error instanceof ProblemError) {
    return error.problem.instance === undefined ? { ...error.problem, instance } : error.problem;
  }
  return problem('runtime', { detail: toError(error).message, instance });
}
