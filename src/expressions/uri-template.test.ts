import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../model/json.js';
import { ProblemError, problemTypes } from '../model/problems.js';
import { expandUriTemplate } from './uri-template.js';

const instance = '/do/0/findPet';

const cases: { name: string; template: string; input: Json; expected: string }[] = [
  {
    name: 'the CTK petstore query',
    template: 'https://petstore.swagger.io/v2/pet/findByStatus?status={status}',
    input: { status: 'available' },
    expected: 'https://petstore.swagger.io/v2/pet/findByStatus?status=available',
  },
  {
    name: 'a numeric path parameter',
    template: 'https://petstore.swagger.io/v2/pet/{petId}',
    input: { petId: 42 },
    expected: 'https://petstore.swagger.io/v2/pet/42',
  },
  { name: 'a fractional number', template: '/n/{n}', input: { n: -1.5 }, expected: '/n/-1.5' },
  { name: 'a boolean', template: '/b/{b}', input: { b: false }, expected: '/b/false' },
  { name: 'no expressions', template: 'https://example.com/a?b=c#d', input: { a: 1 }, expected: 'https://example.com/a?b=c#d' },
  { name: 'the empty template', template: '', input: {}, expected: '' },
  { name: 'an unknown variable is empty', template: '/pet/{petId}/x', input: {}, expected: '/pet//x' },
  { name: 'a null variable is empty', template: '/pet/{petId}', input: { petId: null }, expected: '/pet/' },
  { name: 'a null input', template: '/pet/{petId}', input: null, expected: '/pet/' },
  { name: 'an array input has no properties', template: '/pet/{0}', input: ['x'], expected: '/pet/' },
  { name: 'only top-level properties', template: '/{a.b}', input: { a: { b: 1 }, 'a.b': 'dot' }, expected: '/dot' },
  { name: 'inherited names are not properties', template: '/{constructor}', input: {}, expected: '/' },
  { name: 'several expressions', template: '/{a}/{b}/{a}', input: { a: 'x', b: 'y' }, expected: '/x/y/x' },
  // RFC 6570 §1.2 level 1 examples.
  { name: 'RFC: {var}', template: '{var}', input: { var: 'value' }, expected: 'value' },
  { name: 'RFC: {hello}', template: '{hello}', input: { hello: 'Hello World!' }, expected: 'Hello%20World%21' },
  { name: 'reserved characters are encoded', template: '{q}', input: { q: 'a/b?c=d&e#f' }, expected: 'a%2Fb%3Fc%3Dd%26e%23f' },
  { name: 'unreserved characters are kept', template: '{q}', input: { q: 'AZaz09-._~' }, expected: 'AZaz09-._~' },
  { name: "!*'() are encoded", template: '{q}', input: { q: "!*'()" }, expected: '%21%2A%27%28%29' },
  { name: 'a percent sign is encoded', template: '{q}', input: { q: '50%' }, expected: '50%25' },
  { name: 'UTF-8 characters', template: '{q}', input: { q: 'café 😀' }, expected: 'caf%C3%A9%20%F0%9F%98%80' },
  { name: 'a lone surrogate becomes U+FFFD', template: '{q}', input: { q: '\uD800' }, expected: '%EF%BF%BD' },
  { name: 'an empty string', template: 'a{q}b', input: { q: '' }, expected: 'ab' },
  { name: 'a space in the literal part', template: '/a b/{q}', input: { q: 1 }, expected: '/a%20b/1' },
  { name: 'a pct-encoded name', template: '{caf%C3%A9}', input: { café: 1 }, expected: '1' },
  // Levels 2–4 on scalars (RFC 6570 §3.2 examples, with var = "value", hello = "Hello World!", path = "/foo/bar").
  { name: 'RFC: {+var}', template: '{+var}', input: { var: 'value' }, expected: 'value' },
  { name: 'RFC: {+hello}', template: '{+hello}', input: { hello: 'Hello World!' }, expected: 'Hello%20World!' },
  { name: 'RFC: {+path}/here', template: '{+path}/here', input: { path: '/foo/bar' }, expected: '/foo/bar/here' },
  { name: '{+x} keeps %XX triplets', template: '{+x}', input: { x: 'a%20b%zz' }, expected: 'a%20b%25zz' },
  { name: 'RFC: X{#var}', template: 'X{#var}', input: { var: 'value' }, expected: 'X#value' },
  { name: 'RFC: X{#hello}', template: 'X{#hello}', input: { hello: 'Hello World!' }, expected: 'X#Hello%20World!' },
  { name: 'RFC: {x,y}', template: 'map?{x,y}', input: { x: 1024, y: 768 }, expected: 'map?1024,768' },
  { name: 'RFC: {x,hello,y}', template: '{x,hello,y}', input: { x: 1024, y: 768, hello: 'Hello World!' }, expected: '1024,Hello%20World%21,768' },
  { name: 'RFC: {.x,y}', template: 'X{.x,y}', input: { x: 1024, y: 768 }, expected: 'X.1024.768' },
  { name: 'RFC: {/var,x}/here', template: '{/var,x}/here', input: { var: 'value', x: 1024 }, expected: '/value/1024/here' },
  { name: 'RFC: {;x,y}', template: '{;x,y}', input: { x: 1024, y: 768 }, expected: ';x=1024;y=768' },
  { name: 'RFC: {;x,y,empty}', template: '{;x,y,empty}', input: { x: 1024, y: 768, empty: '' }, expected: ';x=1024;y=768;empty' },
  { name: 'RFC: {?x,y}', template: '{?x,y}', input: { x: 1024, y: 768 }, expected: '?x=1024&y=768' },
  { name: 'RFC: {?x,y,empty}', template: '{?x,y,empty}', input: { x: 1024, y: 768, empty: '' }, expected: '?x=1024&y=768&empty=' },
  { name: 'RFC: ?fixed=yes{&x}', template: '?fixed=yes{&x}', input: { x: 1024 }, expected: '?fixed=yes&x=1024' },
  { name: 'RFC: {var:3}', template: '{var:3}', input: { var: 'value' }, expected: 'val' },
  { name: 'RFC: {var:30}', template: '{var:30}', input: { var: 'value' }, expected: 'value' },
  { name: 'a prefix counts characters, not bytes', template: '{q:2}', input: { q: '😀é!' }, expected: '%F0%9F%98%80%C3%A9' },
  { name: 'explode on a scalar is a no-op', template: '{/var*}', input: { var: 'value' }, expected: '/value' },
  { name: 'undefined variables are skipped', template: '{?x,undef,y}', input: { x: 1, y: 2 }, expected: '?x=1&y=2' },
  { name: 'all undefined expands to nothing', template: 'a{?undef}b{/undef}', input: {}, expected: 'ab' },
];

for (const c of cases) {
  test(`expandUriTemplate: ${c.name}`, () => {
    assert.equal(expandUriTemplate(c.template, c.input, instance), c.expected);
  });
}

const errorCases: { name: string; template: string; input: Json; detail: string }[] = [
  { name: 'an object variable', template: '/{pet}', input: { pet: { id: 1 } }, detail: "'pet' must be a string, number or boolean to expand, found an object" },
  { name: 'an array variable', template: '{?ids}', input: { ids: [1, 2] }, detail: 'found an array' },
  { name: 'an unclosed expression', template: '/pet/{petId', input: {}, detail: "'{' at offset 5 is never closed" },
  { name: 'a stray closing brace', template: '/pet/petId}', input: {}, detail: "unmatched '}' at offset 10" },
  { name: 'a nested brace', template: '/{a{b}}', input: {}, detail: "'{' at offset 3 opens inside another expression" },
  { name: 'an empty expression', template: '/{}', input: {}, detail: 'an empty expression {}' },
  { name: 'a reserved operator', template: '/{=x}', input: {}, detail: "the operator '=' in {=x} is reserved" },
  { name: 'a bad name', template: '/{pet-id}', input: {}, detail: "expected a variable name (letters, digits, '_', '.', %XX) with an optional ':length' or '*', found 'pet-id'" },
  { name: 'an empty name in a list', template: '/{a,}', input: {}, detail: "found ''" },
  { name: 'a zero prefix', template: '/{a:0}', input: {}, detail: "found 'a:0'" },
  { name: 'a prefix over 9999', template: '/{a:10000}', input: {}, detail: "found 'a:10000'" },
  { name: 'a space in an expression', template: '/{ a }', input: {}, detail: "found ' a '" },
];

for (const c of errorCases) {
  test(`expandUriTemplate raises an expression problem for ${c.name}`, () => {
    assert.throws(
      () => expandUriTemplate(c.template, c.input, instance),
      (error: unknown) => {
        assert.ok(error instanceof ProblemError);
        assert.equal(error.problem.type, problemTypes.expression.type);
        assert.equal(error.problem.status, 400);
        assert.equal(error.problem.instance, instance);
        assert.ok(error.problem.detail?.includes(JSON.stringify(c.template)), 'the detail names the template');
        assert.ok(error.problem.detail?.includes(c.detail), `${error.problem.detail} has ${c.detail}`);
        return true;
      },
    );
  });
}
