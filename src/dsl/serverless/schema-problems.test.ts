import assert from 'node:assert/strict';
import test from 'node:test';
import { type SchemaIssue, schemaIssues } from './schema-problems.js';

const header = { dsl: '1.0.3', namespace: 'test', name: 'sample', version: '0.1.0' };
const withTasks = (tasks: unknown[], extra: object = {}): object => ({ document: header, do: tasks, ...extra });
const oneTask = (task: object, extra: object = {}): object => withTasks([{ a: task }], extra);
const DURATION =
  'a duration (an ISO 8601 string such as PT30S, an object with days, hours, minutes, seconds or milliseconds, or a ' +
  'runtime expression)';

/** One message per problem, for the unions (`oneOf`/`anyOf`) that make ajv's own output unreadable. */
const cases: { name: string; document: object; expected: { pointer: string; property?: string; message: string }[] }[] = [
  {
    name: 'a duration string that is neither ISO 8601 nor an expression',
    document: oneTask({ wait: 'soon' }),
    expected: [{ pointer: '/do/0/a/wait', message: `expected ${DURATION}, found 'soon' (string)` }],
  },
  {
    name: 'an inline duration with a bad field value (the object branch is chosen)',
    document: oneTask({ wait: { minutes: 'x' } }),
    expected: [{ pointer: '/do/0/a/wait/minutes', message: "expected an integer, found 'x' (string)" }],
  },
  {
    name: 'an inline duration with an unknown unit',
    document: oneTask({ wait: { mins: 1 } }),
    expected: [
      { pointer: '/do/0/a/wait', property: 'mins', message: "unexpected property 'mins'; expected one of days, hours, minutes, seconds, milliseconds" },
    ],
  },
  {
    name: 'a call with a non-string call',
    document: oneTask({ call: 5 }),
    expected: [
      { pointer: '/do/0/a/call', message: 'expected a string (asyncapi, grpc, http, openapi, a2a, mcp or the name of a function), found 5 (number)' },
    ],
  },
  {
    name: 'an http endpoint object with a mistyped bearer token (the policy branch is chosen)',
    document: oneTask({
      call: 'http',
      with: { method: 'get', endpoint: { uri: 'https://example.com', authentication: { bearer: { token: 1 } } } },
    }),
    expected: [{ pointer: '/do/0/a/with/endpoint/authentication/bearer/token', message: 'expected a string, found 1 (number)' }],
  },
  {
    name: 'an endpoint object without uri',
    document: oneTask({ call: 'http', with: { method: 'get', endpoint: { url: 'https://example.com' } } }),
    expected: [
      { pointer: '/do/0/a/with/endpoint', property: 'uri', message: "missing required property 'uri'" },
      { pointer: '/do/0/a/with/endpoint', property: 'url', message: "unexpected property 'url'; expected one of uri, authentication" },
    ],
  },
  {
    name: 'an endpoint string that is no URI',
    document: oneTask({ call: 'http', with: { method: 'get', endpoint: 'not a uri' } }),
    expected: [
      {
        pointer: '/do/0/a/with/endpoint',
        message:
          "expected an endpoint (an absolute URI template, a runtime expression, or an object with uri), found 'not a uri' (string)",
      },
    ],
  },
  {
    name: 'an enum value out of range',
    document: oneTask({ call: 'http', with: { method: 'get', endpoint: 'https://example.com', output: 'json' } }),
    expected: [{ pointer: '/do/0/a/with/output', message: "expected one of raw, content, response, found 'json' (string)" }],
  },
  {
    name: 'a grpc port out of range',
    document: oneTask({
      call: 'grpc',
      with: { proto: { endpoint: 'https://example.com' }, service: { name: 's', host: 'h', port: 70000 }, method: 'm' },
    }),
    expected: [{ pointer: '/do/0/a/with/service/port', message: 'expected an integer from 0 to 65535, found 70000 (number)' }],
  },
  {
    name: 'a run with two process kinds',
    document: oneTask({ run: { shell: { command: 'ls' }, script: { language: 'js', code: 'x' } } }),
    expected: [{ pointer: '/do/0/a/run', message: 'expected exactly one of container, script, shell, workflow; found script, shell' }],
  },
  {
    name: 'a run with no process kind',
    document: oneTask({ run: { await: true } }),
    expected: [
      { pointer: '/do/0/a/run', message: 'expected an object with one of container, script, shell, workflow, found an object with key await' },
    ],
  },
  {
    name: 'an unknown property of a shell (the shell branch is chosen)',
    document: oneTask({ run: { shell: { command: 'ls', foo: 1 } } }),
    expected: [
      { pointer: '/do/0/a/run/shell', property: 'foo', message: "unexpected property 'foo'; expected one of command, stdin, arguments, environment" },
    ],
  },
  {
    name: 'a container lifetime with after but no eventual cleanup (if/then/else)',
    document: oneTask({ run: { container: { image: 'x', lifetime: { cleanup: 'always', after: 'PT1S' } } } }),
    expected: [
      {
        pointer: '/do/0/a/run/container/lifetime',
        property: 'after',
        message: "unexpected property 'after' (not allowed together with the other values here)",
      },
    ],
  },
  {
    name: 'an empty set',
    document: oneTask({ set: {} }),
    expected: [{ pointer: '/do/0/a/set', message: 'expected at least 1 property, found an empty object' }],
  },
  {
    name: 'an empty switch',
    document: oneTask({ switch: [] }),
    expected: [{ pointer: '/do/0/a/switch', message: 'expected at least 1 item, found an empty array' }],
  },
  {
    name: 'a try without catch',
    document: oneTask({ try: [{ b: { wait: 'PT1S' } }] }),
    expected: [{ pointer: '/do/0/a', property: 'catch', message: "missing required property 'catch'" }],
  },
  {
    name: 'an unknown backoff',
    document: oneTask({ try: [{ b: { wait: 'PT1S' } }], catch: { retry: { backoff: { quadratic: {} } } } }),
    expected: [
      {
        pointer: '/do/0/a/catch/retry/backoff',
        property: 'quadratic',
        message: "unexpected property 'quadratic'; expected one of constant, exponential, linear",
      },
    ],
  },
  {
    name: 'an unknown consumption strategy',
    document: oneTask({ listen: { to: { some: [] } } }),
    expected: [{ pointer: '/do/0/a/listen/to', property: 'some', message: "unexpected property 'some'; expected one of all, any, until, one" }],
  },
  {
    name: 'an error status written as a string',
    document: oneTask({ raise: { error: { type: 'https://example.com/e', status: '400' } } }),
    expected: [{ pointer: '/do/0/a/raise/error/status', message: "expected an integer, found '400' (string)" }],
  },
  {
    name: 'an error that is neither an object nor a name',
    document: oneTask({ raise: { error: 5 } }),
    expected: [
      { pointer: '/do/0/a/raise/error', message: 'expected an error (an object with type and status) or a string, found 5 (number)' },
    ],
  },
  {
    name: 'a problem deep in nested task lists',
    document: oneTask({ do: [{ b: { for: { in: '.x' }, do: [{ c: { wait: 'PT1X' } }] } }] }),
    expected: [{ pointer: '/do/0/a/do/0/b/do/0/c/wait', message: `expected ${DURATION}, found 'PT1X' (string)` }],
  },
  {
    name: 'a task list item that is not an object',
    document: withTasks(['a']),
    expected: [{ pointer: '/do/0', message: "expected one task per list item (a single-key object naming the task), found 'a' (string)" }],
  },
  {
    name: 'problems of use: a function that is no task, secrets not a list, an error without status',
    document: oneTask({ wait: 'PT1S' }, { use: { functions: { f: { foo: 1 } }, secrets: 'x', errors: { e: { type: 'https://x' } } } }),
    expected: [
      { pointer: '/use/errors/e', property: 'status', message: "missing required property 'status'" },
      {
        pointer: '/use/functions/f',
        message: 'expected exactly one of call, do, emit, for, fork, listen, raise, run, set, switch, try, wait; found none (an object with key foo)',
      },
      { pointer: '/use/secrets', message: "expected an array, found 'x' (string)" },
    ],
  },
  {
    name: 'an authentication that is both a reference and a policy',
    document: oneTask({
      call: 'http',
      with: { method: 'get', endpoint: { uri: 'https://example.com', authentication: { use: 'x', bearer: { token: 't' } } } },
    }),
    expected: [
      {
        pointer: '/do/0/a/with/endpoint/authentication',
        message:
          'expected exactly one of an object with use or an authentication policy (an object with basic, bearer, digest, oauth2 ' +
          'or oidc); found an object with keys use, bearer, which matches 2 of them',
      },
    ],
  },
  {
    name: 'an AsyncAPI call lacking message and subscription',
    document: oneTask({ call: 'asyncapi', with: { document: { endpoint: 'https://example.com' }, operation: 'o' } }),
    expected: [
      {
        pointer: '/do/0/a/with',
        message:
          'expected an object with document, operation and message, an object with document, operation and subscription, an ' +
          'object with document, channel and message or an object with document, channel and subscription, found an object ' +
          'with keys document, operation',
      },
    ],
  },
  {
    name: 'a document without its header',
    document: { do: [] },
    expected: [{ pointer: '', property: 'document', message: "missing required property 'document'" }],
  },
  {
    name: 'a namespace and version of the wrong form',
    document: { document: { ...header, namespace: 'my_ns', version: '1.0' }, do: [{ a: { wait: 'PT1S' } }] },
    expected: [
      {
        pointer: '/document/namespace',
        message:
          "expected a DNS label (letters, digits and '-', at most 63 characters, not starting or ending with '-'), found 'my_ns' (string)",
      },
      { pointer: '/document/version', message: "expected a semantic version string, found '1.0' (string)" },
    ],
  },
];

for (const c of cases) {
  test(`schema: ${c.name}`, () => {
    const issues = schemaIssues(c.document).map(({ pointer, property, message }: SchemaIssue) =>
      property === undefined ? { pointer, message } : { pointer, property, message },
    );
    assert.deepEqual(issues, c.expected);
  });
}

test('schema: a valid document has no issues', () => {
  assert.deepEqual(schemaIssues(oneTask({ wait: { seconds: 1 } })), []);
});

test('schema: a root member the schema leaves open (evaluate) is accepted', () => {
  assert.deepEqual(schemaIssues(oneTask({ wait: 'PT1S' }, { evaluate: { language: 'jq', mode: 'strict' } })), []);
});
