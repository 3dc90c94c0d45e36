import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { DefinitionProblem } from '../../model/definition-problems.js';
import { createCompiledJqEngine } from '../../expressions/jq/compiled-jq-engine.js';
import { type LoadDefinitionResult, loadDefinition } from './load-definition.js';

const jq = createCompiledJqEngine();
const load = (source: string | object): LoadDefinitionResult => loadDefinition(source, { jq });

/** The spec's own files live beside the repository (`../shared/spec`), never inside it. */
function specFolder(name: string): { path: string; skip: string | false } {
  const candidates = [
    fileURLToPath(new URL(`../../../../shared/spec/${name}/`, import.meta.url)),
    resolve(process.cwd(), '../shared/spec', name),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  return found === undefined
    ? { path: candidates[0] ?? '', skip: `spec folder not found: ${candidates.join(' or ')}` }
    : { path: found, skip: false };
}

function problemsOf(result: LoadDefinitionResult): readonly DefinitionProblem[] {
  assert.equal(result.ok, false, 'expected the definition to be rejected');
  return result.ok ? [] : result.problems;
}

function workflow(body: string, dsl = '1.0.3'): string {
  return `document:\n  dsl: '${dsl}'\n  namespace: test\n  name: sample\n  version: '0.1.0'\n${body}`;
}

const examples = specFolder('examples');
test('every example of the spec loads and validates', { skip: examples.skip }, () => {
  const files = readdirSync(examples.path).filter((file) => file.endsWith('.yaml'));
  assert.equal(files.length, 66);
  assert.ok(files.includes('listen-to-all read-envelope.yaml'), 'the file name with a space is read too');
  for (const file of files) {
    const result = loadDefinition(readFileSync(join(examples.path, file), 'utf8'), { jq, path: file });
    assert.ok(result.ok, `${file}: ${result.ok ? '' : JSON.stringify(result.problems, null, 2)}`);
    assert.equal(result.definition.path, file);
    assert.match(result.definition.hash, /^[0-9a-f]{64}$/);
  }
});

const invalid = specFolder('invalid');
const invalidCases: { file: string; problems: Pick<DefinitionProblem, 'pointer' | 'message' | 'line' | 'column'>[] }[] = [
  {
    file: 'extra-property-in-call.yaml',
    problems: [
      {
        pointer: '/do/0/getPet',
        message: "unexpected property 'foo'; expected one of call, with, if, input, output, export, timeout, then, metadata",
        line: 12,
        column: 7,
      },
    ],
  },
  {
    // The fixture also repeats `do:` (line 6 and 7): YAML forbids duplicate keys, so that is reported too.
    file: 'listen-any-until-any-until.yaml',
    problems: [
      {
        pointer: '/do',
        message: "duplicate key 'do': expected each key once per object (the later value would silently replace the earlier)",
        line: 7,
        column: 1,
      },
      {
        pointer: '/do/0/callDoctor/listen/to/until',
        message: "unexpected property 'until' (the schema forbids it here)",
        line: 14,
        column: 13,
      },
    ],
  },
  {
    file: 'two-tasks-in-one-item.yaml',
    problems: [
      {
        pointer: '/do/0',
        message:
          'expected one task per list item (a single-key object naming the task), found an object with keys getPet, setMessage',
        line: 7,
        column: 5,
      },
    ],
  },
];
for (const c of invalidCases) {
  test(`the spec's invalid ${c.file} is rejected with pointer-precise messages`, { skip: invalid.skip }, () => {
    const problems = problemsOf(load(readFileSync(join(invalid.path, c.file), 'utf8')));
    assert.deepEqual(
      problems.map(({ pointer, message, line, column }) => ({ pointer, message, line, column })),
      c.problems,
    );
  });
}

const rejected: { name: string; source: string; pointer: string; message: string | RegExp; line?: number; column?: number }[] = [
  {
    name: 'an unknown dsl version',
    source: workflow('do:\n  - a:\n      set:\n        x: 1\n', '2.0.0'),
    pointer: '/document/dsl',
    message: "expected a supported DSL version (1.0.0, 1.0.1, 1.0.2, 1.0.3), found '2.0.0' (string)",
    line: 2,
    column: 8,
  },
  {
    name: 'a task with two type keywords',
    source: workflow('do:\n  - a:\n      set:\n        x: 1\n      wait: PT1S\n'),
    pointer: '/do/0/a',
    message: 'expected exactly one of call, do, emit, for, fork, listen, raise, run, set, switch, try, wait; found set, wait',
  },
  {
    name: 'a task with no type keyword',
    source: workflow('do:\n  - a:\n      then: end\n'),
    pointer: '/do/0/a',
    message:
      'expected exactly one of call, do, emit, for, fork, listen, raise, run, set, switch, try, wait; found none (an object with key then)',
  },
  {
    name: 'an unknown property of an http call',
    source: workflow(
      'do:\n  - getPet:\n      call: http\n      with:\n        method: get\n        endpoint: https://example.com\n        foo: bar\n',
    ),
    pointer: '/do/0/getPet/with',
    message: "unexpected property 'foo'; expected one of method, endpoint, headers, body, query, output, redirect",
    line: 12,
    column: 9,
  },
  {
    name: 'a value of the wrong type',
    source: "document:\n  dsl: '1.0.3'\n  namespace: test\n  name: sample\n  version: 1\ndo:\n  - a:\n      set:\n        x: 1\n",
    pointer: '/document/version',
    message: 'expected a semantic version string, found 1 (number)',
    line: 5,
    column: 12,
  },
  {
    name: 'a duration that is no duration',
    source: workflow('do:\n  - a:\n      wait: soon\n'),
    pointer: '/do/0/a/wait',
    message:
      'expected a duration (an ISO 8601 string such as PT30S, an object with days, hours, minutes, seconds or milliseconds, ' +
      "or a runtime expression), found 'soon' (string)",
  },
  {
    name: 'a missing required property',
    source: workflow('do:\n  - a:\n      call: http\n      with:\n        method: get\n'),
    pointer: '/do/0/a/with',
    message: "missing required property 'endpoint'",
    line: 9,
    column: 7,
  },
  {
    name: 'a then naming no sibling',
    source: workflow('do:\n  - a:\n      set:\n        x: 1\n      then: nowhere\n  - b:\n      wait: PT1S\n'),
    pointer: '/do/0/a/then',
    message: "expected continue, exit, end or the name of a task in the same list (a, b), found 'nowhere'",
    line: 10,
    column: 13,
  },
  {
    name: 'a then naming a task of another list',
    source: workflow(
      'do:\n  - outer:\n      do:\n        - inner:\n            set:\n              x: 1\n            then: last\n  - last:\n      wait: PT1S\n',
    ),
    pointer: '/do/0/outer/do/0/inner/then',
    message: "expected continue, exit, end or the name of a task in the same list (inner), found 'last'",
  },
  {
    name: 'a switch case jumping nowhere',
    source: workflow('do:\n  - a:\n      switch:\n        - yes:\n            when: .ok\n            then: b\n        - no:\n            then: c\n  - b:\n      wait: PT1S\n'),
    pointer: '/do/0/a/switch/1/no/then',
    message: "expected continue, exit, end or the name of a task in the same list (a, b), found 'c'",
  },
  {
    name: 'two tasks of one list with the same name',
    source: workflow('do:\n  - a:\n      set:\n        x: 1\n  - a:\n      wait: PT1S\n'),
    pointer: '/do/1/a',
    message: "duplicate task name 'a': expected task names unique within their list, found it again (first at /do/0/a)",
    line: 10,
    column: 5,
  },
  {
    name: 'a raise naming no error of use.errors',
    source: workflow('do:\n  - a:\n      raise:\n        error: notFound\n'),
    pointer: '/do/0/a/raise/error',
    message: "expected the name of an error in use.errors (none declared), found 'notFound'",
  },
  {
    name: 'a catch naming no retry policy of use.retries',
    source: workflow(
      'use:\n  retries:\n    quick:\n      delay: PT1S\ndo:\n  - a:\n      try:\n        - b:\n            wait: PT1S\n      catch:\n        retry: slow\n',
    ),
    pointer: '/do/0/a/catch/retry',
    message: "expected the name of a retry policy in use.retries (quick), found 'slow'",
  },
  {
    name: 'a task timeout naming no entry of use.timeouts',
    source: workflow('do:\n  - a:\n      wait: PT1S\n      timeout: short\n'),
    pointer: '/do/0/a/timeout',
    message: "expected the name of a timeout in use.timeouts (none declared), found 'short'",
  },
  {
    name: 'a workflow timeout naming no entry of use.timeouts',
    source: workflow('timeout: short\ndo:\n  - a:\n      wait: PT1S\n'),
    pointer: '/timeout',
    message: "expected the name of a timeout in use.timeouts (none declared), found 'short'",
  },
  {
    name: 'an authentication naming no policy of use.authentications',
    source: workflow(
      'do:\n  - a:\n      call: http\n      with:\n        method: get\n        endpoint:\n          uri: https://example.com\n          authentication:\n            use: petStore\n',
    ),
    pointer: '/do/0/a/with/endpoint/authentication/use',
    message: "expected the name of an authentication policy in use.authentications (none declared), found 'petStore'",
  },
  {
    name: 'a call naming no function of use.functions',
    source: workflow('do:\n  - a:\n      call: greet\n'),
    pointer: '/do/0/a/call',
    message:
      'expected a built-in call (http, grpc, openapi, asyncapi, a2a, mcp), a function of use.functions (none declared), ' +
      "name:version@catalog, or a function URL, found 'greet'",
  },
  {
    name: 'a cataloged call naming no catalog of use.catalogs',
    source: workflow('do:\n  - a:\n      call: log:1.0.0@mine\n'),
    pointer: '/do/0/a/call',
    message: "expected a catalog declared in use.catalogs (none declared), found 'log:1.0.0@mine' naming catalog 'mine'",
  },
  {
    name: 'an expression that does not compile',
    source: workflow('do:\n  - a:\n      if: .a |||\n      wait: PT1S\n'),
    pointer: '/do/0/a/if',
    message: /^expected a jq expression that compiles, found `\.a \|\|\|` \(.*syntax error.*\)$/,
    line: 8,
    column: 11,
  },
  {
    name: 'an expression reading a variable not in scope',
    source: workflow('do:\n  - a:\n      set:\n        x: ${ $item }\n'),
    pointer: '/do/0/a/set/x',
    message: /^expected a jq expression that compiles, found `\$item` \(.*\$item is not defined.*\)$/,
  },
];
for (const c of rejected) {
  test(`${c.name} is rejected with its pointer and message`, () => {
    const problems = problemsOf(load(c.source));
    assert.equal(problems.length, 1, JSON.stringify(problems, null, 2));
    const [problem] = problems;
    assert.equal(problem?.pointer, c.pointer);
    if (typeof c.message === 'string') assert.equal(problem?.message, c.message);
    else assert.match(problem?.message ?? '', c.message);
    if (c.line !== undefined) assert.deepEqual([problem?.line, problem?.column], [c.line, c.column]);
  });
}

const syntaxCases: { name: string; source: string; message: string; line: number; column: number }[] = [
  {
    name: 'an unclosed flow map',
    source: workflow('do:\n  - a:\n      set: { x: 1\n  - b: 2\n'),
    message: 'cannot parse the document: Flow map in block collection must be sufficiently indented and end with a }',
    line: 9,
    column: 3,
  },
  {
    name: 'a tab used as indentation',
    source: workflow('do:\n  - a:\n    \tset: 1\n'),
    message: 'cannot parse the document: Tabs are not allowed as indentation',
    line: 8,
    column: 5,
  },
];
for (const c of syntaxCases) {
  test(`bad YAML syntax (${c.name}) is a problem with its line and column`, () => {
    const problems = problemsOf(load(c.source));
    assert.deepEqual(
      problems.map(({ pointer, message, line, column }) => ({ pointer, message, line, column })),
      [{ pointer: '', message: c.message, line: c.line, column: c.column }],
    );
  });
}

test('an unterminated JSON text is a parse problem with a line', () => {
  const problems = problemsOf(load('{\n  "document": {\n    "dsl": "1.0.3"\n'));
  assert.match(problems[0]?.message ?? '', /^cannot parse the document: /);
  assert.equal(typeof problems[0]?.line, 'number');
});

test('a document of dsl 1.0.0 is accepted', () => {
  const result = load(workflow('do:\n  - a:\n      set:\n        x: ${ .y }\n', '1.0.0'));
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.definition.dsl, '1.0.0');
});

test('the definition carries its names, the parsed document with its key order, and the path', () => {
  const result = loadDefinition(workflow('do:\n  - b:\n      wait: PT1S\n  - a:\n      set:\n        z: 1\n        y: 2\n'), {
    jq,
    path: 'flows/sample.yaml',
  });
  assert.ok(result.ok);
  const { definition } = result;
  assert.deepEqual([definition.namespace, definition.name, definition.version, definition.dsl], ['test', 'sample', '0.1.0', '1.0.3']);
  assert.equal(definition.path, 'flows/sample.yaml');
  assert.deepEqual(Object.keys(definition.document.do[1]?.a?.set ?? {}), ['z', 'y']);
});

test('the hash is the same for YAML, JSON text with other key order, and an object', () => {
  const yaml = workflow('do:\n  - a:\n      set:\n        x: 1\n        y: [1, 2]\n');
  const parsed = parse(yaml) as { document: object; do: object };
  const reordered = JSON.stringify({ do: [{ a: { set: { y: [1, 2], x: 1 } } }], document: { ...parsed.document } }, null, '\t');
  const hashes = [load(yaml), load(reordered), load(parsed)].map((result) => (result.ok ? result.definition.hash : result.problems));
  assert.equal(hashes[0], hashes[1]);
  assert.equal(hashes[0], hashes[2]);
  const other = load(workflow('do:\n  - a:\n      set:\n        x: 2\n        y: [1, 2]\n'));
  assert.ok(other.ok);
  assert.notEqual(other.definition.hash, hashes[0]);
});

test('problems in JSON text carry line and column', () => {
  const text = '{\n  "document": {"dsl": "1.0.3", "namespace": "test", "name": "sample", "version": 1},\n  "do": []\n}';
  const [problem] = problemsOf(load(text));
  assert.deepEqual(
    { pointer: problem?.pointer, line: problem?.line, column: problem?.column },
    { pointer: '/document/version', line: 2, column: 82 },
  );
});

test("a parsed object is copied, so mutating it later does not change the definition", () => {
  const source = { document: { dsl: '1.0.3', namespace: 'test', name: 'sample', version: '0.1.0' }, do: [{ a: { wait: 'PT1S' } }] };
  const result = load(source);
  assert.ok(result.ok);
  source.do.push({ a: { wait: 'PT2S' } });
  assert.equal(result.definition.document.do.length, 1);
});

test('a parsed object is validated too, without positions', () => {
  const [problem] = problemsOf(load({ document: { dsl: '1.0.3', namespace: 'test', name: 'sample', version: '0.1.0' }, do: {} }));
  assert.equal(problem?.pointer, '/do');
  assert.equal(problem?.line, undefined);
});

test('a value JSON cannot carry is rejected before the schema', () => {
  const [problem] = problemsOf(load(workflow('do:\n  - a:\n      set:\n        x: .inf\n')));
  assert.equal(problem?.pointer, '/do/0/a/set/x');
  assert.match(problem?.message ?? '', /expected JSON data .*found Infinity/);
  assert.equal(problem?.line, 9);
});

test('an empty text is rejected as not a workflow', () => {
  const [problem] = problemsOf(load(''));
  assert.deepEqual([problem?.pointer, problem?.message], ['', 'expected an object with document and do, found null']);
});

test('several problems come back together, in source order', () => {
  const source = workflow('do:\n  - a:\n      wait: soon\n  - b:\n      call: http\n      with:\n        method: get\n');
  const problems = problemsOf(load(source));
  assert.deepEqual(
    problems.map((problem) => problem.pointer),
    ['/do/0/a/wait', '/do/1/b/with'],
  );
});
