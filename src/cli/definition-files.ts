import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { type Definition, DefinitionInvalidError, type DefinitionProblem, type Engine } from '../index.js';
import { UsageError } from './exit-codes.js';
import type { Io } from './io.js';

/** Serverless Workflow documents (YAML, JSON) and WorkflowIR (`.kotoba`, or serde JSON recognised by content). */
const DEFINITION_FILE = /\.(ya?ml|json|kotoba)$/i;

/** Reads a definition file; a missing or unreadable file is bad input (exit 2), named in the message. */
export async function readDefinitionFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/**
 * Loads every definition file in `dir` (recursively, in path order), so `run.workflow` can find them; the first
 * invalid one throws {@link DefinitionInvalidError}. Returns them in that order.
 */
export async function loadWorkflowsDir(engine: Engine, dir: string): Promise<Definition[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).filter((name) => DEFINITION_FILE.test(name)).sort();
  } catch (error) {
    throw new UsageError(`cannot read the workflows folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const definitions: Definition[] = [];
  for (const name of entries) {
    const file = path.join(dir, name);
    await readDefinitionFile(file); // an unreadable file is bad usage (exit 2), named
    definitions.push(await engine.loadFile(file));
  }
  return definitions;
}

/** An invalid definition's problems on stderr: one line each, or one JSON array with `--json-errors`. */
export function printDefinitionProblems(error: DefinitionInvalidError, io: Io, options: { jsonErrors?: boolean | undefined }): void {
  io.stderr(options.jsonErrors === true ? `${JSON.stringify(problemsAsJson(error))}\n` : formatProblems(error));
}

/**
 * The definitions of `--workflows DIR` then of the files, in that order (the files' last); undefined, the problems
 * printed, when one is invalid. For `deploy` and `start`.
 */
export async function loadDefinitions(
  engine: Engine,
  sources: readonly { file: string; text: string }[],
  options: { workflows?: string | undefined; jsonErrors?: boolean | undefined },
  io: Io,
): Promise<Definition[] | undefined> {
  const loaded: Definition[] = [];
  try {
    if (options.workflows !== undefined) loaded.push(...(await loadWorkflowsDir(engine, options.workflows)));
    for (const source of sources) loaded.push(engine.load(source.text, { path: source.file }));
  } catch (error) {
    if (!(error instanceof DefinitionInvalidError)) throw error;
    printDefinitionProblems(error, io, options);
    return undefined;
  }
  return loaded;
}

/** One line per problem: `file:line:column: /pointer: message`. */
export function formatProblems(error: DefinitionInvalidError): string {
  return error.problems.map((problem) => `${location(error.source, problem)}${problem.pointer || '/'}: ${problem.message}\n`).join('');
}

/** The problems as RFC 7807 objects, for `--json-errors`. */
export function problemsAsJson(error: DefinitionInvalidError): object[] {
  return error.problems.map((problem) => ({
    type: 'https://serverlessworkflow.io/spec/1.0.0/errors/validation',
    status: 400,
    title: 'Invalid definition',
    detail: problem.message,
    instance: problem.pointer,
    ...(error.source === undefined ? {} : { file: error.source }),
    ...(problem.line === undefined ? {} : { line: problem.line, column: problem.column }),
    ...(problem.expected === undefined ? {} : { expected: problem.expected }),
    ...(problem.found === undefined ? {} : { found: problem.found }),
  }));
}

function location(source: string | undefined, problem: DefinitionProblem): string {
  if (source === undefined) return '';
  return problem.line === undefined ? `${source}: ` : `${source}:${problem.line}:${problem.column ?? 1}: `;
}
