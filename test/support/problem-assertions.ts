import assert from 'node:assert/strict';
import { ProblemError, problemTypes } from '../../src/index.js';

/**
 * A predicate for `assert.throws`/`assert.rejects`: the error is a {@link ProblemError} of `kind`, its detail
 * matches `detail` and its status is `status`, each when given.
 */
export function isProblem(kind: keyof typeof problemTypes, detail?: RegExp, status?: number): (error: unknown) => boolean {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ProblemError, `expected a ProblemError, got ${String(error)}`);
    assert.equal(error.problem.type, problemTypes[kind].type);
    if (status !== undefined) assert.equal(error.problem.status, status);
    if (detail !== undefined) assert.match(error.problem.detail ?? '', detail);
    return true;
  };
}
