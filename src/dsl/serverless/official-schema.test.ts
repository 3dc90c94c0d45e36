import assert from 'node:assert/strict';
import test from 'node:test';
import { OfficialSchemaNotFoundError, officialSchema, schemaLiteral } from './official-schema.js';

test('the schema is read from the pinned SDK and is the DSL 1.0.3 workflow schema', () => {
  const schema = officialSchema();
  assert.equal(schema.$id, 'https://serverlessworkflow.io/schemas/1.0.3/workflow.json');
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.deepEqual(schema.required, ['document', 'do']);
  const defs = schema.$defs as Record<string, unknown>;
  for (const name of ['task', 'callTask', 'taskList', 'duration', 'runtimeExpression']) assert.ok(name in defs, name);
});

test('the schema is read once and shared, deep-frozen', () => {
  const schema = officialSchema();
  assert.equal(officialSchema(), schema);
  assert.ok(Object.isFrozen(schema));
  assert.ok(Object.isFrozen((schema.$defs as Record<string, object>).task));
  assert.equal(Object.getPrototypeOf(schema), Object.prototype, 'plain objects of this realm, not of the VM context');
});

test('the literal is sliced from its region of the bundle, and only from there', () => {
  const bundle = [
    'var other = { a: 1 };',
    '//#region src/lib/generated/schema/workflow.json',
    'var workflow_default = {',
    '\t$id: "x",',
    '\t"type": "object"',
    '};',
    '//#endregion',
    '//#region src/lib/validation.ts',
    'var workflow_default = { wrong: true };',
  ].join('\n');
  assert.equal(schemaLiteral(bundle), '{\n\t$id: "x",\n\t"type": "object"\n}');
  assert.equal(schemaLiteral('var workflow_default = {};'), undefined);
  assert.equal(schemaLiteral('//#region src/lib/generated/schema/workflow.json\n//#endregion\nvar workflow_default = {};'), undefined);
});

test('a changed SDK layout is reported with the package version and what to do', () => {
  const error = new OfficialSchemaNotFoundError({
    packageName: '@serverlessworkflow/sdk',
    version: '9.9.9',
    files: ['/x/index.cjs'],
    reason: 'the schema region was not found',
  });
  assert.match(error.message, /@serverlessworkflow\/sdk@9\.9\.9: the schema region was not found \(looked in \/x\/index\.cjs\)/);
  assert.match(error.message, /pin that version or update src\/dsl\/serverless\/official-schema\.ts/);
});
