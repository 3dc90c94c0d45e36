import assert from 'node:assert/strict';
import test from 'node:test';
import { schemaValidator } from './schema-validator.js';

test('one validator per process: compiled once, then shared', () => {
  assert.equal(schemaValidator(), schemaValidator());
});

const cases: { location: string; value: unknown; isValid: boolean }[] = [
  { location: '/$defs/duration', value: 'PT1M30S', isValid: true },
  { location: '/$defs/duration', value: { minutes: 1 }, isValid: true },
  { location: '/$defs/duration', value: 'soon', isValid: false },
  { location: '/$defs/duration/oneOf/0', value: 'PT1S', isValid: false },
  { location: '/$defs/runtimeExpression', value: '${ .a }', isValid: true },
  { location: '/$defs/task', value: { set: { a: 1 } }, isValid: true },
  { location: '/$defs/task', value: { set: { a: 1 }, wait: 'PT1S' }, isValid: false },
  { location: '/properties/document/properties/version', value: '1.0.0', isValid: true },
  { location: '/properties/document/properties/version', value: 1, isValid: false },
];
for (const c of cases) {
  test(`${JSON.stringify(c.value)} is ${c.isValid ? 'valid' : 'invalid'} at ${c.location}`, () => {
    assert.equal(schemaValidator().isValid(c.location, c.value), c.isValid);
  });
}

test('nodeAt reads the schema by JSON pointer, and a location with no node is an error', () => {
  const validator = schemaValidator();
  assert.deepEqual(validator.nodeAt('/$defs/runtimeExpression/type'), 'string');
  assert.equal(validator.nodeAt('/$defs/nothing'), undefined);
  assert.throws(() => validator.isValid('/$defs/nothing', 1), /no schema node at \/\$defs\/nothing/);
});

test('formats come from ajv-formats', () => {
  const validator = schemaValidator();
  assert.equal(validator.isValidFormat('date-time', '2025-01-01T00:00:00Z'), true);
  assert.equal(validator.isValidFormat('date-time', 'yesterday'), false);
});
