import assert from 'node:assert/strict';
import test from 'node:test';
import type { Json } from '../../model/json.js';
import { RUNTIME_ARGUMENTS, type ExpressionSite, expressionSites, isWrappedExpression, unwrapExpression } from './expression-sites.js';

const header = { dsl: '1.0.3', namespace: 'test', name: 'sample', version: '0.1.0' };
const base = [...RUNTIME_ARGUMENTS];

/** The sites of a document as `pointer -> [source, isBare, extra variables]`. */
function sitesOf(document: Json): Record<string, [string, boolean, string[]]> {
  const sites = expressionSites(document);
  return Object.fromEntries(
    sites.map((site: ExpressionSite) => {
      assert.deepEqual(site.variables.slice(0, base.length), base, `${site.pointer} starts with the runtime arguments`);
      return [site.pointer, [site.source, site.isBare, site.variables.slice(base.length)]];
    }),
  );
}

test('wrapped expressions: the whole string, multi-line allowed, text inside trimmed', () => {
  assert.equal(isWrappedExpression('  ${ .a }  '), true);
  assert.equal(isWrappedExpression('${\n  .a\n  | .b\n}'), true);
  assert.equal(isWrappedExpression('abc ${ .a }'), false);
  assert.equal(isWrappedExpression('${}'), false);
  assert.equal(unwrapExpression('  ${ .a | .b }  '), '.a | .b');
  assert.equal(unwrapExpression(' .a '), '.a');
});

test('always-expression fields take bare jq; elsewhere only ${ } strings count', () => {
  const document: Json = {
    document: { ...header, title: '${ not an expression }' },
    input: { from: '.in', schema: { document: { const: '${ .schema }' } } },
    do: [
      {
        a: {
          if: '.ok',
          call: 'http',
          with: { method: 'post', endpoint: '${ .url }', body: { literal: '.x', expr: '${ .x }', list: ['${ .y }'] } },
          output: { as: { picked: '${ .content }', text: 'plain' } },
          export: { as: '$context + .' },
          metadata: { note: '${ never }' },
          then: 'end',
        },
      },
    ],
    output: { as: '${ .result }' },
  };
  assert.deepEqual(sitesOf(document), {
    '/input/from': ['.in', true, []],
    '/output/as': ['.result', false, []],
    '/do/0/a/if': ['.ok', true, []],
    '/do/0/a/output/as/picked': ['.content', false, []],
    '/do/0/a/export/as': ['$context + .', true, []],
    '/do/0/a/with/endpoint': ['.url', false, []],
    '/do/0/a/with/body/expr': ['.x', false, []],
    '/do/0/a/with/body/list/0': ['.y', false, []],
  });
});

test('for binds each/at (defaults item/index) in while and its body, not in for.in', () => {
  const document: Json = {
    document: header,
    do: [
      { a: { for: { in: '.xs' }, while: '$index < 3', do: [{ b: { set: { v: '${ $item }' } } }] } },
      { c: { for: { each: 'pet', at: 'i', in: '${ .pets }' }, do: [{ d: { wait: '${ $pet.wait }' } }] } },
    ],
  };
  assert.deepEqual(sitesOf(document), {
    '/do/0/a/for/in': ['.xs', true, []],
    '/do/0/a/while': ['$index < 3', true, ['item', 'index']],
    '/do/0/a/do/0/b/set/v': ['$item', false, ['item', 'index']],
    '/do/1/c/for/in': ['.pets', false, []],
    '/do/1/c/do/0/d/wait': ['$pet.wait', false, ['pet', 'i']],
  });
});

test('catch binds its variable (default error) in when, exceptWhen, retry conditions and catch.do', () => {
  const document: Json = {
    document: header,
    use: { retries: { again: { when: '$error.status == 503', delay: '${ .delay }' } } },
    do: [
      {
        a: {
          try: [{ b: { wait: 'PT1S' } }],
          catch: {
            as: 'failure',
            errors: { with: { type: '${ static }' } },
            when: '$failure.status >= 500',
            exceptWhen: '${ $failure.status == 501 }',
            retry: { when: '$failure.status == 503', limit: { duration: '${ .budget }' } },
            do: [{ c: { set: { why: '${ $failure.detail }' } } }],
          },
        },
      },
    ],
  };
  assert.deepEqual(sitesOf(document), {
    '/use/retries/again/when': ['$error.status == 503', true, ['error', 'failure']],
    '/use/retries/again/delay': ['.delay', false, ['error', 'failure']],
    '/do/0/a/catch/when': ['$failure.status >= 500', true, ['failure']],
    '/do/0/a/catch/exceptWhen': ['$failure.status == 501', false, ['failure']],
    '/do/0/a/catch/retry/when': ['$failure.status == 503', true, ['failure']],
    '/do/0/a/catch/retry/limit/duration': ['.budget', false, ['failure']],
    '/do/0/a/catch/do/0/c/set/why': ['$failure.detail', false, ['failure']],
  });
});

test('listen: correlate from/expect and a string until are expressions; foreach binds item/at', () => {
  const document: Json = {
    document: header,
    do: [
      {
        a: {
          listen: {
            to: {
              any: [{ with: { type: 'x', data: '${ .hot }' }, correlate: { id: { from: '.id', expect: '${ $context.id }' } } }],
              until: { one: { with: { type: 'stop' } }, until: '.never' },
            },
          },
          foreach: { item: 'event', do: [{ b: { set: { e: '${ $event }' } } }], output: { as: '$index' } },
        },
      },
    ],
  };
  assert.deepEqual(sitesOf(document), {
    '/do/0/a/listen/to/any/0/with/data': ['.hot', false, []],
    '/do/0/a/listen/to/any/0/correlate/id/from': ['.id', true, []],
    '/do/0/a/listen/to/any/0/correlate/id/expect': ['$context.id', false, []],
    '/do/0/a/listen/to/until/until': ['.never', true, []],
    '/do/0/a/foreach/output/as': ['$index', true, ['event', 'index']],
    '/do/0/a/foreach/do/0/b/set/e': ['$event', false, ['event', 'index']],
  });
});

test('switch when, extension when, schedule.on, function tasks and fork branches are covered', () => {
  const document: Json = {
    document: header,
    schedule: { on: { one: { with: { type: 't' }, correlate: { k: { from: '.k' } } } } },
    use: {
      functions: { greet: { call: 'http', with: { method: 'get', endpoint: '${ .u }' } } },
      extensions: [{ log: { extend: 'all', when: '$task.name != "x"', before: [{ l: { set: { at: '${ $task.name }' } } }] } }],
      errors: { oops: { type: 'https://example.com/e', status: 500, detail: '${ .why }' } },
    },
    do: [
      { s: { switch: [{ big: { when: '.n > 10', then: 'f' } }, { other: { then: 'end' } }] } },
      { f: { fork: { branches: [{ g: { raise: { error: { type: 'https://example.com/e', status: 400, title: '${ .t }' } } } }] } } },
    ],
  };
  assert.deepEqual(Object.keys(sitesOf(document)), [
    '/schedule/on/one/correlate/k/from',
    '/use/errors/oops/detail',
    '/use/extensions/0/log/when',
    '/use/functions/greet/with/endpoint',
    '/do/0/s/switch/0/big/when',
    '/do/1/f/fork/branches/0/g/raise/error/title',
    '/use/extensions/0/log/before/0/l/set/at',
  ]);
});

test('an AsyncAPI subscription: filter and consume are expressions, its foreach binds item/at', () => {
  const document: Json = {
    document: header,
    do: [
      {
        a: {
          call: 'asyncapi',
          with: {
            document: { endpoint: 'https://example.com/api.json' },
            operation: 'o',
            subscription: {
              filter: '${ .ok }',
              consume: { until: '${ false }' },
              foreach: { item: 'message', do: [{ b: { set: { m: '${ $message }' } } }] },
            },
          },
        },
      },
    ],
  };
  assert.deepEqual(sitesOf(document), {
    '/do/0/a/with/subscription/filter': ['.ok', false, []],
    '/do/0/a/with/subscription/consume/until': ['false', false, []],
    '/do/0/a/with/subscription/foreach/do/0/b/set/m': ['$message', false, ['message', 'index']],
  });
});

test('malformed input yields what can be found and never throws', () => {
  assert.deepEqual(expressionSites(null), []);
  assert.deepEqual(expressionSites({ do: 'x', use: { retries: 5, extensions: 'y' } }), []);
  assert.deepEqual(expressionSites({ do: [null, { a: 1 }, { b: { for: 5, do: 6 } }] }), []);
});
