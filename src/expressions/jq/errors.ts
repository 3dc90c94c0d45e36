import type { Json } from '../../model/json.js';

/**
 * A jq error in flight: what `error(v)` raises and what `try … catch .` receives. Type errors carry jq's own
 * message text as a string value (`Cannot index number with "a"`). Thrown by builtins and the compiled program;
 * the engine turns an uncaught one into a `JqRuntimeError`.
 */
export class JqError extends Error {
  override readonly name = 'JqError';
  constructor(readonly value: Json) {
    super(typeof value === 'string' ? value : `${JSON.stringify(value)} (not a string)`);
  }
}

/**
 * A jq program that does not parse or compile, with the offset (UTF-16 index into the source) where it fails.
 * `message` reads like jq's: `syntax error, unexpected INVALID_CHARACTER at line 1, column 4` / `foo/0 is not
 * defined at line 1, column 1`.
 */
export class JqSyntaxError extends Error {
  override readonly name = 'JqSyntaxError';
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
  }
}

/**
 * A value too large to build (`"abc" * infinite`): jq 1.7.1 aborts with `cannot allocate memory`, which no `try`
 * catches, so this is not a {@link JqError}.
 */
export class JqOutOfMemoryError extends Error {
  override readonly name = 'JqOutOfMemoryError';
  constructor() {
    super('cannot allocate memory');
  }
}
