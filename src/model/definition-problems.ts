/** One problem found in a definition: where (JSON pointer), what was expected and what was found. */
export interface DefinitionProblem {
  /** JSON pointer of the offending node in the document (`""` is the root). */
  readonly pointer: string;
  /** What is wrong, in one sentence, naming what was expected. */
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  /** Line and column (1-based) in the source text, when the document came from text. */
  readonly line?: number;
  readonly column?: number;
}

/**
 * A definition was rejected before anything ran. Triggered by, e.g., a task with two type keywords, an expression
 * that does not compile, a `then` naming no sibling, or `dsl: '2.0.0'`.
 */
export class DefinitionInvalidError extends Error {
  override readonly name = 'DefinitionInvalidError';
  constructor(
    readonly problems: readonly DefinitionProblem[],
    readonly source?: string,
  ) {
    super(
      `${source ?? 'definition'} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` +
        problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '),
    );
  }
}
