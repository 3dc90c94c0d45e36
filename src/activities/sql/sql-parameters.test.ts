import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProblemError, problemTypes } from '../../model/problems.js';
import { bindParameters } from './sql-parameters.js';

test('bindParameters: scalars go as they are; SQLite gets booleans as 1/0', () => {
  assert.deepEqual(bindParameters(['a', 1.5, true, null], 'postgres', '/do/0'), ['a', 1.5, true, null]);
  assert.deepEqual(bindParameters(['a', 1.5, true, false], 'sqlite', '/do/0'), ['a', 1.5, 1, 0]);
});

test('bindParameters: arrays are PostgreSQL arrays for PostgreSQL and JSON text elsewhere; objects are JSON text', () => {
  assert.deepEqual(bindParameters([[1, [2, 3]], { a: 1 }], 'postgres', '/do/0'), [[1, [2, 3]], '{"a":1}']);
  assert.deepEqual(bindParameters([[1, 2], { a: [true] }], 'mysql', '/do/0'), ['[1,2]', '{"a":[true]}']);
  assert.deepEqual(bindParameters([[1, 2]], 'sqlite', '/do/0'), ['[1,2]']);
});

const invalid = [
  { name: 'a mapping that returns no array', values: { id: 1 }, detail: /params must return an array .* found a object/ },
  { name: 'an undefined value (a missing input field)', values: [1, undefined], detail: /params\[1\] is undefined \(a missing input field\? use null for SQL NULL\)/ },
  { name: 'a non-finite number', values: [Number.POSITIVE_INFINITY], detail: /params\[0\] is Infinity/ },
  { name: 'a function', values: [() => 1], detail: /params\[0\] is a function/ },
  { name: 'an undefined inside a PostgreSQL array', values: [[1, undefined]], detail: /params\[0\]\[1\] is undefined/ },
] as const;

for (const c of invalid) {
  test(`bindParameters: ${c.name} is a validation problem naming the task`, () => {
    assert.throws(
      () => bindParameters(c.values, 'postgres', '/do/2/find'),
      (error: unknown) => {
        assert.ok(error instanceof ProblemError);
        assert.equal(error.problem.type, problemTypes.validation.type);
        assert.equal(error.problem.instance, '/do/2/find');
        assert.match(error.problem.detail ?? '', c.detail);
        return true;
      },
    );
  });
}
