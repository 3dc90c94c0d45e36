import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from './json.js';
import { problem } from './problems.js';
import { redactProblem, secretRedactor } from './secret-redaction.js';

const cases: readonly { name: string; secrets: Record<string, Json>; text: string; redacted: string }[] = [
  { name: 'a string value', secrets: { key: 's3cr3t-key' }, text: 'failed on "s3cr3t-key" twice: s3cr3t-key', redacted: 'failed on "***" twice: ***' },
  { name: 'string leaves of an object value', secrets: { db: { user: 'admin-user', password: 'pw-123' } }, text: 'admin-user/pw-123', redacted: '***/***' },
  { name: 'the JSON-escaped form of a value', secrets: { key: 'a"b\\c' }, text: 'string ("a\\"b\\\\c")', redacted: 'string ("***")' },
  { name: 'a value containing another, whole', secrets: { short: 'abcd', long: 'abcdefgh' }, text: 'x abcdefgh y abcd', redacted: 'x *** y ***' },
  { name: 'a number value', secrets: { pin: 987654 }, text: 'pin 987654', redacted: 'pin ***' },
  { name: 'nothing shorter than four characters', secrets: { tiny: 'abc', flag: true }, text: 'abc true', redacted: 'abc true' },
];
for (const c of cases) {
  test(`a redactor hides ${c.name}`, () => {
    assert.equal(secretRedactor(c.secrets)(c.text), c.redacted);
  });
}

test('without secrets the text is returned as it is', () => {
  assert.equal(secretRedactor({})('anything s3cr3t'), 'anything s3cr3t');
});

test('a problem is redacted in every string member, type and status kept', () => {
  const redact = secretRedactor({ key: 's3cr3t-key' });
  const raised = { ...problem('expression', { detail: 'string ("s3cr3t-key") and number', instance: '/do/0/a' }), hint: ['s3cr3t-key'] };
  assert.deepEqual(redactProblem(raised, redact), { ...raised, detail: 'string ("***") and number', hint: ['***'] });
});
