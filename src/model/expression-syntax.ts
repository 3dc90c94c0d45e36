/** The schema's anchored pattern for a runtime expression: a string that is wholly `${ … }`. */
const EXPRESSION_PATTERN = /^\s*\$\{[\s\S]+\}\s*$/;

/** True for a string that is wholly a `${ … }` runtime expression (the schema's anchored pattern). */
export function isRuntimeExpression(value: string): boolean {
  return EXPRESSION_PATTERN.test(value);
}

/** The jq inside `${ … }`, trimmed; a string that is not wrapped is returned trimmed as it is (bare jq). */
export function expressionBody(value: string): string {
  if (!isRuntimeExpression(value)) return value.trim();
  const trimmed = value.trim();
  return trimmed.slice(2, -1).trim();
}
