/**
 * Runs one case of jq's own tests through a `JqEngine` and judges it as `jq --run-tests` does (src/jq_test.c): the
 * outputs must equal the expected lines one for one under jq's `==`, with none missing and none extra; a `%%FAIL`
 * program must not compile, and after a plain `%%FAIL` its error must carry jq's message.
 *
 * jq's runner pulls outputs one at a time, so a program that raises an error after its last expected output passes
 * there (several tests rely on it). `JqEngine.evaluate` gives all outputs or an error, so after an error the case
 * runs again as `limit(N; (program))`, N the number of expected outputs: the outputs before the error, and no more.
 */
import type { Json } from '../../src/model/json.js';
import { type JqEngine, JqCompileError, JqRuntimeError } from '../../src/expressions/jq-engine.js';
import type { JqTestCase } from './jq-test-file.js';
import { JQ_SUITE_SKIPS, type Skip } from './jq-suite-skips.js';
import { jqEqual, jqText, parseJqJson } from './jq-values.js';

/** What `now` returns in the suite: a fixed instant, so a case never depends on the day it runs. */
const SUITE_NOW = 1_700_000_000;

export type CaseOutcome =
  | { readonly status: 'passed' }
  | { readonly status: 'failed'; readonly got: string }
  | { readonly status: 'skipped'; readonly skip: Skip };

export interface CaseResult {
  readonly testCase: JqTestCase;
  readonly outcome: CaseOutcome;
}

export function skipKey(file: string, program: string): string {
  return `${file}\n${program}`;
}

const SKIPS = new Map(JQ_SUITE_SKIPS.map((skip) => [skipKey(skip.file, skip.program), skip]));

export function runCase(engine: JqEngine, testCase: JqTestCase): CaseResult {
  const skip = SKIPS.get(skipKey(testCase.file, testCase.program));
  if (skip !== undefined) return { testCase, outcome: { status: 'skipped', skip } };
  let outcome: CaseOutcome;
  try {
    outcome = testCase.kind === 'fail' ? judgeFail(engine, testCase.program, testCase.message) : judgeRun(engine, testCase.program, testCase.input, testCase.expected);
  } catch (error) {
    // Not a jq error: the engine itself broke (a TypeError in a builtin, a stack overflow). Still one failed case.
    outcome = { status: 'failed', got: `crash: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
  }
  return { testCase, outcome };
}

/** jq's message without `jq: error: ` and the `at <top-level>, line 1:` it adds: what the engine's reason must hold. */
export function expectedCompileMessage(line: string): string {
  return line.replace(/^jq: error: /, '').replace(/ at <top-level>, line \d+:$/, '');
}

function judgeFail(engine: JqEngine, program: string, message: string | undefined): CaseOutcome {
  try {
    engine.compile(program, []);
  } catch (error) {
    if (!(error instanceof JqCompileError)) throw error;
    if (message === undefined || error.reason.includes(expectedCompileMessage(message))) return { status: 'passed' };
    return { status: 'failed', got: `compile error with another message: ${error.reason}` };
  }
  return { status: 'failed', got: 'compiled, but jq rejects this program' };
}

function judgeRun(engine: JqEngine, program: string, inputText: string, expectedLines: readonly string[]): CaseOutcome {
  const input = parseJqJson(inputText);
  const expected = expectedLines.map((line) => parseJqJson(line));
  const run = (source: string): Json[] => engine.evaluate(engine.compile(source, []), input, {}, { now: SUITE_NOW });
  let outputs: Json[];
  let error = '';
  try {
    outputs = run(program);
  } catch (thrown) {
    if (thrown instanceof JqCompileError) return { status: 'failed', got: `compile error: ${thrown.reason}` };
    if (!(thrown instanceof JqRuntimeError)) throw thrown;
    error = `runtime error: ${thrown.reason}`;
    try {
      // The newline ends a trailing comment of the program, which would swallow the closing parentheses.
      outputs = run(`limit(${expected.length}; (${program}\n))`);
    } catch (early) {
      if (early instanceof JqRuntimeError) return { status: 'failed', got: error };
      throw early;
    }
  }
  const same = outputs.length === expected.length && outputs.every((output, index) => jqEqual(output, expected[index] as Json));
  if (same) return { status: 'passed' };
  return { status: 'failed', got: [outputs.map(jqText).join('\n') || '(no output)', error].filter((line) => line !== '').join('\nthen ') };
}

/** A failure as the suite prints it: where, program, input, expected and what the engine gave. */
export function describeFailure(result: CaseResult): string {
  const { testCase, outcome } = result;
  const got = outcome.status === 'failed' ? outcome.got : outcome.status;
  const lines = [`${testCase.file}:${testCase.line}: ${testCase.program}`];
  if (testCase.kind === 'run') {
    lines.push(`  input:    ${testCase.input}`, `  expected: ${testCase.expected.join('\n            ') || '(no output)'}`);
  } else {
    lines.push(`  expected: compile error${testCase.message === undefined ? '' : ` "${expectedCompileMessage(testCase.message)}"`}`);
  }
  lines.push(`  got:      ${got.split('\n').join('\n            ')}`);
  return lines.join('\n');
}

export interface FileTally {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function tally(file: string, results: readonly CaseResult[]): FileTally {
  const count = (status: CaseOutcome['status']) => results.filter((result) => result.outcome.status === status).length;
  return { file, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}
