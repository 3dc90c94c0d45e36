/**
 * The differential check behind `differential.test.ts` and `scripts/jq-differential.mjs`: generated programs run on
 * generated inputs through two `JqEngine`s (the reference, jq-web, and the candidate, our compiled jq). They agree
 * when both give the same outputs in the same order (compared as jq prints them, so object key order counts) or
 * both fail the same way (both at compile time, or both at run time). Error messages are compared too, but a
 * different message is counted and sampled, not a disagreement: where practical, not at any price.
 */
import type { JqEngine } from '../../src/expressions/jq-engine.js';
import { JqCompileError, JqRuntimeError } from '../../src/expressions/jq-engine.js';
import type { Json } from '../../src/model/json.js';
import { jqText } from './jq-values.js';
import { ProgramGenerator } from './program-generator.js';

export type Outcome =
  | { readonly kind: 'outputs'; readonly outputs: readonly string[] }
  | { readonly kind: 'compile error' | 'runtime error' | 'crash'; readonly message: string };

export interface Disagreement {
  /** Which generated program (0-based) of the run: with the seed, enough to regenerate it. */
  readonly index: number;
  readonly program: string;
  /** The input as JSON text, or undefined when the program failed to compile on either side. */
  readonly input: string | undefined;
  readonly reference: Outcome;
  readonly candidate: Outcome;
}

export interface DifferentialReport {
  readonly seed: number;
  readonly programs: number;
  /** Program × input pairs compared (a program that does not compile counts once). */
  readonly cases: number;
  readonly bothOutput: number;
  readonly bothFailed: number;
  /** Cases where both failed the same way but with different messages; up to 10 samples. */
  readonly messageDifferences: { readonly count: number; readonly samples: readonly Disagreement[] };
  /** Every disagreement is counted; the first `keepDisagreements` are kept. */
  readonly disagreementCount: number;
  readonly disagreements: readonly Disagreement[];
  readonly referenceMs: number;
  readonly candidateMs: number;
}

export interface DifferentialOptions {
  readonly seed: number;
  /** How many programs to generate (each runs on one to three inputs). */
  readonly programs: number;
  readonly reference: JqEngine;
  readonly candidate: JqEngine;
  /** Stop collecting disagreements past this many (the run still counts them all). @default 50 */
  readonly keepDisagreements?: number;
}

function errorOutcome(error: unknown): Outcome {
  if (error instanceof JqCompileError) return { kind: 'compile error', message: error.reason };
  if (error instanceof JqRuntimeError) return { kind: 'runtime error', message: error.reason };
  return { kind: 'crash', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/** Times `fn` into `clock.ms`; the two engines' totals show how much of a run each one costs. */
function timed<T>(clock: { ms: number }, fn: () => T): T {
  const started = performance.now();
  try {
    return fn();
  } finally {
    clock.ms += performance.now() - started;
  }
}

/** Our compile errors end with the position; jq prints it on a line of its own, which jq-web's messages drop. */
function normalise(message: string): string {
  return message.replace(/ at line \d+, column \d+$/, '');
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'outputs' && b.kind === 'outputs') {
    return a.outputs.length === b.outputs.length && a.outputs.every((output, index) => output === b.outputs[index]);
  }
  return true;
}

export function runDifferential(options: DifferentialOptions): DifferentialReport {
  const generator = new ProgramGenerator(options.seed);
  const keep = options.keepDisagreements ?? 50;
  const referenceClock = { ms: 0 };
  const candidateClock = { ms: 0 };
  const disagreements: Disagreement[] = [];
  const messageSamples: Disagreement[] = [];
  let cases = 0;
  let bothOutput = 0;
  let bothFailed = 0;
  let messageDifferences = 0;
  let disagreementCount = 0;

  const judge = (index: number, program: string, input: string | undefined, reference: Outcome, candidate: Outcome): void => {
    cases += 1;
    const entry = { index, program, input, reference, candidate };
    if (!sameOutcome(reference, candidate)) {
      disagreementCount += 1;
      if (disagreements.length < keep) disagreements.push(entry);
      return;
    }
    if (reference.kind === 'outputs') {
      bothOutput += 1;
      return;
    }
    bothFailed += 1;
    if (candidate.kind !== 'outputs' && normalise(reference.message) !== normalise(candidate.message)) {
      messageDifferences += 1;
      if (messageSamples.length < 10) messageSamples.push(entry);
    }
  };

  for (let index = 0; index < options.programs; index += 1) {
    const { program, inputs } = generator.next();
    const compile = (engine: JqEngine, clock: { ms: number }) => {
      try {
        return { compiled: timed(clock, () => engine.compile(program, [])) };
      } catch (error) {
        return { failure: errorOutcome(error) };
      }
    };
    const reference = compile(options.reference, referenceClock);
    const candidate = compile(options.candidate, candidateClock);
    if (reference.compiled === undefined || candidate.compiled === undefined) {
      const outputs: Outcome = { kind: 'outputs', outputs: ['(compiled)'] };
      judge(index, program, undefined, reference.failure ?? outputs, candidate.failure ?? outputs);
      continue;
    }
    for (const input of inputs) {
      const run = (engine: JqEngine, compiled: NonNullable<typeof reference.compiled>, clock: { ms: number }): Outcome => {
        try {
          const outputs = timed(clock, () => engine.evaluate(compiled, input, {}));
          return { kind: 'outputs', outputs: outputs.map((output: Json) => jqText(output)) };
        } catch (error) {
          return errorOutcome(error);
        }
      };
      judge(index, program, jqText(input), run(options.reference, reference.compiled, referenceClock), run(options.candidate, candidate.compiled, candidateClock));
    }
  }
  return {
    seed: options.seed,
    programs: options.programs,
    cases,
    bothOutput,
    bothFailed,
    messageDifferences: { count: messageDifferences, samples: messageSamples },
    disagreementCount,
    disagreements,
    referenceMs: referenceClock.ms,
    candidateMs: candidateClock.ms,
  };
}

function describeOutcome(outcome: Outcome): string {
  return outcome.kind === 'outputs' ? outcome.outputs.join('\n            ') || '(no output)' : `${outcome.kind}: ${outcome.message}`;
}

/** A disagreement as the test and the script print it. */
export function formatDisagreement(entry: Disagreement): string {
  return [
    `#${entry.index}: ${entry.program}`,
    `  input:     ${entry.input ?? '(not run: a side did not compile it)'}`,
    `  jq-web:    ${describeOutcome(entry.reference)}`,
    `  ours:      ${describeOutcome(entry.candidate)}`,
  ].join('\n');
}

/** One paragraph of counts: what ran, how it came out, and what each engine cost. */
export function formatSummary(report: DifferentialReport): string {
  return (
    `seed ${report.seed}: ${report.programs} programs, ${report.cases} cases; ${report.bothOutput} same outputs, ` +
    `${report.bothFailed} both failed (messages differ in ${report.messageDifferences.count}), ${report.disagreementCount} disagreements; ` +
    `jq-web ${Math.round(report.referenceMs)} ms, ours ${Math.round(report.candidateMs)} ms`
  );
}
