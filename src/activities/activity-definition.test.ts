import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activityDefinitionProblems, defineActivity, isActivityDefinition } from './activity-definition.js';

test('defineActivity returns the definition it is given', () => {
  const activity = { name: 'charge', run: () => ({ ok: true }) };
  assert.equal(defineActivity(activity), activity);
});

const notActivities: { name: string; value: unknown }[] = [
  { name: 'a number', value: 42 },
  { name: 'null', value: null },
  { name: 'an empty name', value: { name: ' ', run: () => null } },
  { name: 'a run that is not a function', value: { name: 'x', run: 'no' } },
  { name: 'a missing name', value: { run: () => null } },
];
for (const c of notActivities) {
  test(`isActivityDefinition rejects ${c.name}, and defineActivity throws on it`, () => {
    assert.equal(isActivityDefinition(c.value), false);
    assert.throws(() => defineActivity(c.value as never), /non-empty string name and a run function/);
  });
}

const run = () => null;
const validOptions: { name: string; options: Record<string, unknown> }[] = [
  { name: 'ISO 8601 timeouts', options: { timeout: 'PT30S', heartbeatTimeout: 'PT0.5S' } },
  { name: 'inline timeouts', options: { timeout: { minutes: 1, seconds: 30 }, heartbeatTimeout: { milliseconds: 200 } } },
  { name: 'a boolean input schema', options: { inputSchema: true } },
  { name: 'an object input schema', options: { inputSchema: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } } },
  {
    name: 'a full retry policy',
    options: {
      retry: {
        when: '$error.status >= 500',
        exceptWhen: '$error.code == "FATAL"',
        delay: { seconds: 1 },
        backoff: { exponential: { factor: 1.5, maxDelay: 'PT1M' } },
        limit: { attempt: { count: 0, duration: 'PT10S' }, duration: 'PT1H' },
        jitter: { from: 'PT0S', to: { milliseconds: 300 } },
      },
    },
  },
  { name: 'an empty retry policy (unbounded retries, no delay)', options: { retry: {} } },
];
for (const c of validOptions) {
  test(`defineActivity accepts ${c.name}`, () => {
    const activity = { name: 'ok', run, ...c.options };
    assert.equal(defineActivity(activity), activity);
    assert.deepEqual(activityDefinitionProblems(activity), []);
  });
}

const invalidOptions: { name: string; options: Record<string, unknown>; problem: RegExp }[] = [
  { name: 'a timeout that is not a duration', options: { timeout: 'soon' }, problem: /^\/timeout: expected a positive ISO 8601 duration .*found "soon"$/ },
  { name: 'a zero timeout', options: { timeout: 'PT0S' }, problem: /^\/timeout: expected a positive/ },
  { name: 'a timeout in bare milliseconds', options: { timeout: 500 }, problem: /^\/timeout: .*found 500$/ },
  { name: 'a timeout expression', options: { timeout: '${ .t }' }, problem: /^\/timeout: .*not expressions/ },
  { name: 'a duration object with an unknown unit', options: { heartbeatTimeout: { secs: 3 } }, problem: /^\/heartbeatTimeout: .*found \{"secs":3\}$/ },
  { name: 'a negative duration member', options: { heartbeatTimeout: { seconds: -1 } }, problem: /^\/heartbeatTimeout: / },
  { name: 'an input schema that is a string', options: { inputSchema: 'object' }, problem: /^\/inputSchema: expected a JSON Schema \(an object or a boolean\), found "object"$/ },
  { name: 'an input schema ajv rejects', options: { inputSchema: { type: 'objekt' } }, problem: /^\/inputSchema: expected a valid JSON Schema .*ajv rejects/ },
  { name: 'a retry that is a name', options: { retry: 'default' }, problem: /^\/retry: expected a retry policy object/ },
  { name: 'an unknown retry member', options: { retry: { attempts: 3 } }, problem: /^\/retry\/attempts: expected one of when, exceptWhen, delay, backoff, limit, jitter/ },
  { name: 'a negative retry count', options: { retry: { limit: { attempt: { count: -1 } } } }, problem: /^\/retry\/limit\/attempt\/count: expected a whole number ≥ 0 .*found -1$/ },
  { name: 'a fractional retry count', options: { retry: { limit: { attempt: { count: 1.5 } } } }, problem: /^\/retry\/limit\/attempt\/count: / },
  { name: 'an unknown backoff', options: { retry: { backoff: { fibonacci: {} } } }, problem: /^\/retry\/backoff: expected one of/ },
  { name: 'a factor on a linear backoff', options: { retry: { backoff: { linear: { factor: 2 } } } }, problem: /^\/retry\/backoff\/linear\/factor: expected maxDelay/ },
  { name: 'an exponential factor below 1', options: { retry: { backoff: { exponential: { factor: 0.5 } } } }, problem: /^\/retry\/backoff\/exponential\/factor: expected a number ≥ 1, found 0.5$/ },
  { name: 'a bad delay', options: { retry: { delay: 'later' } }, problem: /^\/retry\/delay: / },
  { name: 'a jitter without to', options: { retry: { jitter: { from: 'PT1S' } } }, problem: /^\/retry\/jitter: expected \{ from, to \}/ },
  { name: 'an empty when', options: { retry: { when: '' } }, problem: /^\/retry\/when: expected a jq condition/ },
];
for (const c of invalidOptions) {
  test(`defineActivity rejects ${c.name}, naming the pointer`, () => {
    const activity = { name: 'charge', run, ...c.options };
    const problems = activityDefinitionProblems(activity);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0] ?? '', c.problem);
    assert.throws(() => defineActivity(activity as never), (error: unknown) => error instanceof TypeError && error.message.startsWith("activity 'charge' is invalid: /"));
  });
}

test('every problem of an activity is reported at once', () => {
  const problems = activityDefinitionProblems({ name: 'x', run, timeout: 'soon', retry: { delay: 'later', limit: { attempt: { count: -2 } } } });
  assert.deepEqual(problems.map((p) => p.slice(0, p.indexOf(':'))), ['/timeout', '/retry/delay', '/retry/limit/attempt/count']);
});
