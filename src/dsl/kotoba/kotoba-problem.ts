import type { DefinitionProblem } from '../../model/definition-problems.js';

/**
 * A definition problem of a `.kotoba` workflow. Jsonnet errors happen before there is a value to point into, so
 * they carry the file (an imported one, possibly) with line and column instead of a pointer (`''`).
 */
export interface KotobaProblem extends DefinitionProblem {
  /** The Jsonnet file the line and column are in, when it is not the one being loaded or there is none. */
  readonly file?: string;
}
