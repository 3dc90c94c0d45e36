import assert from 'node:assert/strict';
import test from 'node:test';
import { type MappingValue, mappingValue } from './mapping-values.js';

const cases: { text: string; expected: MappingValue['kind']; segments?: string[] }[] = [
  { text: '$.inputs.orderId', expected: 'path', segments: ['inputs', 'orderId'] },
  { text: '$.validate_order.approved', expected: 'path', segments: ['validate_order', 'approved'] },
  { text: '$', expected: 'path', segments: [] },
  { text: 'high', expected: 'literal' },
  { text: '$5 off', expected: 'literal' },
  { text: '', expected: 'literal' },
  { text: '$.', expected: 'invalid' },
  { text: '$.a..b', expected: 'invalid' },
  { text: '$.a.', expected: 'invalid' },
];
for (const c of cases) {
  test(`${JSON.stringify(c.text)} is a ${c.expected}`, () => {
    const value = mappingValue(c.text);
    assert.equal(value.kind, c.expected);
    if (value.kind === 'path') assert.deepEqual(value.segments, c.segments);
    if (value.kind === 'literal') assert.equal(value.value, c.text);
  });
}
