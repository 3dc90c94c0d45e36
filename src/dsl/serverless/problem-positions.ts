import type { DefinitionProblem } from '../../model/definition-problems.js';
import { childPointer } from '../../model/task-ref.js';

/** Where a node starts in the source text (1-based). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Finds where the node at a pointer starts; `key` prefers the property name over the value. Without `isExact`, a
 * pointer with no node of its own (inside an alias, or missing) falls back to its nearest ancestor.
 */
export type PositionOf = (pointer: string, at: 'key' | 'value', isExact?: boolean) => SourcePosition | undefined;

/**
 * A problem not yet placed in the source: `property` names the missing or unexpected property of the node at
 * `pointer`, and `at` says whether the name (`key`: a duplicate task name) or the value is the place to show.
 */
export interface LocatableProblem extends DefinitionProblem {
  readonly property?: string;
  readonly at?: 'key' | 'value';
}

/**
 * Gives each problem its line and column (when the definition came from text) and orders them as they appear in
 * the source, so a reader fixes them top to bottom.
 */
export function placeProblems(problems: readonly LocatableProblem[], positionOf?: PositionOf): DefinitionProblem[] {
  const placed = problems.map((problem): DefinitionProblem => {
    const { property, at, ...rest } = problem;
    if (positionOf === undefined || rest.line !== undefined) return rest;
    // An unexpected property is shown at its name; a missing one at the name of the object that lacks it.
    const position =
      property === undefined
        ? positionOf(rest.pointer, at ?? 'value')
        : (positionOf(childPointer(rest.pointer, property), 'key', true) ?? positionOf(rest.pointer, 'key'));
    return position === undefined ? rest : { ...rest, line: position.line, column: position.column };
  });
  const rank = (problem: DefinitionProblem): number =>
    problem.line === undefined ? Number.MAX_SAFE_INTEGER : problem.line * 100_000 + (problem.column ?? 0);
  return placed
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => rank(a.problem) - rank(b.problem) || a.index - b.index)
    .map(({ problem }) => problem);
}
