import type { Json } from '../../model/json.js';
import { expressionSites } from './expression-sites.js';
import type { LocatableProblem } from './problem-positions.js';

/**
 * What the loader needs of a jq engine: compile, throwing when the program does not compile. `JqEngine`
 * (src/expressions/jq-engine.ts; `createCompiledJqEngine()` makes one) satisfies it. Declared here rather than imported
 * because `dsl` imports only `model` (STYLE.md §3).
 */
export interface ExpressionCompiler {
  compile(source: string, variables: readonly string[]): unknown;
}

/** Every runtime expression of the document compiles with the variables in its scope. */
export function expressionProblems(document: Json, compiler: ExpressionCompiler): LocatableProblem[] {
  const problems: LocatableProblem[] = [];
  // The same program in the same scope compiles the same way: compile it once (definitions repeat `${ . }` a lot).
  const verdicts = new Map<string, string | undefined>();
  for (const site of expressionSites(document)) {
    const key = `${site.variables.join(',')}\n${site.source}`;
    if (!verdicts.has(key)) verdicts.set(key, compileError(compiler, site.source, site.variables));
    const reason = verdicts.get(key);
    if (reason === undefined) continue;
    const expected = 'a jq expression that compiles';
    const found = `\`${site.source}\` (${reason})`;
    problems.push({ pointer: site.pointer, message: `expected ${expected}, found ${found}`, expected, found });
  }
  return problems;
}

function compileError(compiler: ExpressionCompiler, source: string, variables: readonly string[]): string | undefined {
  try {
    compiler.compile(source, variables);
    return undefined;
  } catch (error) {
    // JqCompileError carries jq's own reason; anything else thrown by a compiler is reported by its message.
    if (typeof error === 'object' && error !== null && 'reason' in error && typeof error.reason === 'string') {
      return error.reason;
    }
    return error instanceof Error ? error.message : String(error);
  }
}
