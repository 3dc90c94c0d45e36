import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { DefinitionInvalidError, type DefinitionProblem, type Engine } from '../index.js';
import { UsageError } from './exit-codes.js';

const DEFINITION_FILE = /\.(ya?ml|json)$/i;

/** Reads a definition file; a missing or unreadable file is bad input (exit 2), named in the message. */
export async function readDefinitionFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Loads every definition file in `dir` (recursively), so `run.workflow` can find them; the first invalid one throws. */
export async function loadWorkflowsDir(engine: Engine, dir: string): Promise<number> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).filter((name) => DEFINITION_FILE.test(name)).sort();
  } catch (error) {
    throw new UsageError(`cannot read the workflows folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  for (const name of entries) {
    const file = path.join(dir, name);
    engine.load(await readDefinitionFile(file), { path: file });
  }
  return entries.length;
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
