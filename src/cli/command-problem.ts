import { ExecutionExistsError } from '../index.js';

/** An RFC 7807 problem as the CLI prints it: one line of compact JSON on stderr, with exit code 1. */
export interface CommandProblem {
  readonly type: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly instance?: string;
}

/** The operation itself failed (not found, conflict, check failed): `main` prints the problem and exits 1. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  constructor(readonly problem: CommandProblem) {
    super(problem.detail);
  }
}

/** 404: no such execution (or no such version of one). */
export function notFound(detail: string, instance?: string): CommandFailedError {
  return new CommandFailedError({ type: 'about:blank', status: 404, title: 'Not Found', detail, ...(instance === undefined ? {} : { instance }) });
}

/** 409: the request contradicts what exists (an id taken by another start, an execution that already ended). */
export function conflict(detail: string, instance?: string): CommandFailedError {
  return new CommandFailedError({ type: 'about:blank', status: 409, title: 'Conflict', detail, ...(instance === undefined ? {} : { instance }) });
}

/**
 * The problem `main` prints for an error a command let through: its own, a conflict for a taken execution id, and
 * 500 for anything else (a store that fails, a bug) — the message only, never the stack.
 */
export function problemOfError(error: unknown): CommandProblem {
  if (error instanceof CommandFailedError) return error.problem;
  if (error instanceof ExecutionExistsError) {
    return conflict(`execution ${error.executionId} already exists with another definition or input; start it under another --id, or read it with itonami status ${error.executionId}`, error.executionId).problem;
  }
  return { type: 'about:blank', status: 500, title: 'Internal Server Error', detail: error instanceof Error ? error.message : String(error) };
}

export function formatProblem(problem: CommandProblem): string {
  return `${JSON.stringify(problem)}\n`;
}
