import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProblemError, problemTypes } from '../../model/problems.js';
import { catalogFunctionLocation } from './catalog-function-location.js';

const cases = [
  { endpoint: 'https://example.com/c', expected: 'https://example.com/c/functions/log/1.0.0/function.yaml' },
  { endpoint: 'https://example.com/c/', expected: 'https://example.com/c/functions/log/1.0.0/function.yaml' },
  {
    endpoint: 'https://github.com/serverlessworkflow/catalog/tree/main',
    expected:
      'https://raw.githubusercontent.com/serverlessworkflow/catalog/refs/heads/main/functions/log/1.0.0/function.yaml',
  },
  {
    endpoint: 'https://github.com/serverlessworkflow/catalog',
    expected: 'https://raw.githubusercontent.com/serverlessworkflow/catalog/HEAD/functions/log/1.0.0/function.yaml',
  },
  { endpoint: 'file:///srv/cat', expected: 'file:///srv/cat/functions/log/1.0.0/function.yaml' },
  { endpoint: '/srv/cat', expected: '/srv/cat/functions/log/1.0.0/function.yaml' },
  { endpoint: 'cat', expected: 'cat/functions/log/1.0.0/function.yaml' },
] as const;

for (const c of cases) {
  test(`log:1.0.0 in catalog ${c.endpoint} is at ${c.expected}`, () => {
    assert.equal(catalogFunctionLocation(c.endpoint, 'log', '1.0.0'), c.expected);
  });
}

test('names are percent-encoded in URL catalogs', () => {
  const location = catalogFunctionLocation('file:///srv/cat', 'a b', '1');
  assert.equal(location, 'file:///srv/cat/functions/a%20b/1/function.yaml');
});

const isConfiguration = (detail: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ProblemError);
  assert.equal(error.problem.type, problemTypes.configuration.type);
  assert.match(error.problem.detail ?? '', detail);
  return true;
};

const unsafe = [
  ['../../etc', '1'],
  ['log', '..'],
  ['', '1'],
  ['a/b', '1'],
  ['log', 'x\\y'],
] as const;
for (const [name, version] of unsafe) {
  test(`a catalog function '${name}:${version}' that would leave its folder is a configuration problem`, () => {
    assert.throws(
      () => catalogFunctionLocation('/srv/cat', name, version),
      isConfiguration(/is invalid: expected a non-empty folder name/),
    );
  });
}

test('an empty catalog endpoint is a configuration problem', () => {
  assert.throws(() => catalogFunctionLocation(' ', 'log', '1'), isConfiguration(/the catalog endpoint is empty/));
});
