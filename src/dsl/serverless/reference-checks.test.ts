import assert from 'node:assert/strict';
import test from 'node:test';
import type { JsonObject } from '../../model/json.js';
import { referenceProblems } from './reference-checks.js';

const header = { dsl: '1.0.3', namespace: 'test', name: 'sample', version: '0.1.0' };
const problemsOf = (document: JsonObject): string[] =>
  referenceProblems(document).map((problem) => `${problem.pointer}: ${problem.message}`);

const accepted: { name: string; document: JsonObject }[] = [
  {
    name: 'flow keywords and sibling jumps, in every list',
    document: {
      document: header,
      do: [
        { a: { wait: 'PT1S', then: 'c' } },
        { b: { do: [{ x: { wait: 'PT1S', then: 'y' } }, { y: { wait: 'PT1S', then: 'exit' } }], then: 'end' } },
        { c: { switch: [{ one: { when: '.a', then: 'b' } }, { other: { then: 'continue' } }] } },
      ],
    },
  },
  {
    name: 'declared names of use.errors, use.retries, use.timeouts, use.authentications',
    document: {
      document: header,
      use: {
        errors: { oops: { type: 'https://example.com/e', status: 500 } },
        retries: { again: { delay: 'PT1S' } },
        timeouts: { short: { after: 'PT1S' } },
        authentications: { store: { bearer: { token: 't' } } },
      },
      timeout: 'short',
      do: [
        { a: { try: [{ b: { raise: { error: 'oops' }, timeout: 'short' } }], catch: { retry: 'again' } } },
        {
          c: {
            call: 'openapi',
            with: { document: { endpoint: { uri: 'https://example.com/o.json', authentication: { use: 'store' } } }, operationId: 'x', authentication: { use: 'store' } },
          },
        },
      ],
    },
  },
  {
    name: 'calls: built-ins, declared functions, declared and default catalogs, URLs',
    document: {
      document: header,
      use: {
        functions: { greet: { call: 'http', with: { method: 'get', endpoint: 'https://example.com' } } },
        catalogs: { mine: { endpoint: 'https://example.com/catalog' } },
      },
      do: [
        { a: { call: 'greet' } },
        { b: { call: 'log:1.0.0@mine' } },
        { c: { call: 'log:1.0.0@default' } },
        { d: { call: 'https://example.com/functions/log/1.0.0/function.yaml' } },
        { e: { call: 'mcp', with: { method: 'tools/list', transport: { stdio: { command: 'x' } } } } },
      ],
    },
  },
  {
    name: 'an authentication key inside payload data, and a secret-based policy',
    document: {
      document: header,
      do: [
        { a: { call: 'http', with: { method: 'post', endpoint: 'https://example.com', body: { authentication: { use: 'mine' } } } } },
        { b: { call: 'myFunction:1.0.0@default', with: { authentication: { use: 'theirs' } } } },
        { c: { call: 'http', with: { method: 'get', endpoint: { uri: 'https://example.com', authentication: { basic: { use: 'secret' } } } } } },
      ],
    },
  },
];
for (const c of accepted) {
  test(`references resolve: ${c.name}`, () => assert.deepEqual(problemsOf(c.document), []));
}

test('a jump into another list, an unknown case target and a duplicate name are each reported', () => {
  const document: JsonObject = {
    document: header,
    do: [
      { a: { do: [{ inner: { wait: 'PT1S', then: 'b' } }] } },
      { b: { switch: [{ one: { when: '.x', then: 'inner' } }] } },
      { a: { wait: 'PT1S' } },
    ],
  };
  assert.deepEqual(problemsOf(document), [
    "/do/2/a: duplicate task name 'a': expected task names unique within their list, found it again (first at /do/0/a)",
    "/do/1/b/switch/0/one/then: expected continue, exit, end or the name of a task in the same list (a, b), found 'inner'",
    "/do/0/a/do/0/inner/then: expected continue, exit, end or the name of a task in the same list (inner), found 'b'",
  ]);
});

test('function tasks and extension lists are checked too', () => {
  const document: JsonObject = {
    document: header,
    use: {
      functions: { f: { raise: { error: 'missing' } } },
      extensions: [{ log: { extend: 'all', before: [{ x: { wait: 'PT1S', then: 'nowhere' } }] } }],
    },
    do: [{ a: { call: 'f' } }],
  };
  assert.deepEqual(problemsOf(document), [
    "/use/extensions/0/log/before/0/x/then: expected continue, exit, end or the name of a task in the same list (x), found 'nowhere'",
    "/use/functions/f/raise/error: expected the name of an error in use.errors (none declared), found 'missing'",
  ]);
});

test('names of another section do not count', () => {
  const document: JsonObject = {
    document: header,
    use: { errors: { short: { type: 'https://example.com/e', status: 500 } } },
    do: [{ a: { wait: 'PT1S', timeout: 'short' } }, { b: { call: 'short' } }],
  };
  assert.deepEqual(problemsOf(document), [
    "/do/0/a/timeout: expected the name of a timeout in use.timeouts (none declared), found 'short'",
    "/do/1/b/call: expected a built-in call (http, grpc, openapi, asyncapi, a2a, mcp), a function of use.functions (none declared), name:version@catalog, or a function URL, found 'short'",
  ]);
});
