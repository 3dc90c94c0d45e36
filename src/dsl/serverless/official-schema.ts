import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { type JsonObject, isJsonObject } from '../../model/json.js';

/**
 * The official Serverless Workflow 1.0.3 JSON Schema, read from the pinned `@serverlessworkflow/sdk` package so
 * the repository never carries its own copy. The SDK bundles the schema but does not export it: it is the object
 * literal `var workflow_default = {…};` inside the region `//#region src/lib/generated/schema/workflow.json` of its
 * bundles. We slice that literal out and evaluate it in a fresh VM context (it is plain data; evaluating it there
 * keeps the bundle's other code from running). We do not use the SDK's own `validate()`: it rejects documents
 * whose `dsl` is not exactly its schema version (1.0.0–1.0.2) and reports raw ajv errors.
 */
const PACKAGE = '@serverlessworkflow/sdk';
const REGION = '//#region src/lib/generated/schema/workflow.json';
const DECLARATION = 'var workflow_default =';
const END_REGION = '//#endregion';
const EXPECTED_ID_SUFFIX = '/schemas/1.0.3/workflow.json';

/** The SDK's bundles no longer hold the schema where {@link officialSchema} looks for it (a changed SDK layout). */
export class OfficialSchemaNotFoundError extends Error {
  override readonly name = 'OfficialSchemaNotFoundError';
  constructor(readonly details: { packageName: string; version: string; files: readonly string[]; reason: string }) {
    super(
      `cannot read the Serverless Workflow schema from ${details.packageName}@${details.version}: ${details.reason} ` +
        `(looked in ${details.files.join(', ')}); the loader expects the bundle layout of 1.0.3-alpha1, so pin that ` +
        'version or update src/dsl/serverless/official-schema.ts',
    );
  }
}

/**
 * The schema as a deep-frozen plain object. Read once per process: it is immutable data, so a cached copy can be
 * shared by every engine (the "no module-level state" rule is about mutable state).
 */
export const officialSchema: () => Readonly<JsonObject> = (() => {
  let schema: Readonly<JsonObject> | undefined;
  return () => (schema ??= loadOfficialSchema());
})();

function loadOfficialSchema(): Readonly<JsonObject> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve(PACKAGE);
  const version = (require(`${PACKAGE}/package.json`) as { version?: unknown }).version;
  const versionText = typeof version === 'string' ? version : 'unknown version';
  // The resolved entry is the CJS bundle; the ESM one sits beside it and holds the same region.
  const files = [entry, ...['index.mjs', 'index.cjs'].map((name) => join(dirname(entry), name))].filter(
    (file, index, all) => all.indexOf(file) === index,
  );
  let reason = 'the schema region was not found';
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // that bundle flavour is absent; the next candidate may hold the region
    }
    const literal = schemaLiteral(text);
    if (literal === undefined) continue;
    const value: unknown = runInNewContext(`(${literal})`, Object.create(null) as object, { filename: file });
    // Through JSON: objects made in the VM context have that context's prototypes, and the schema is pure JSON.
    const schema: unknown = JSON.parse(JSON.stringify(value));
    if (isJsonObject(schema) && typeof schema.$id === 'string' && isJsonObject(schema.$defs)) {
      // The messages, the task-kind table and the supported DSL versions are written for this schema version.
      if (schema.$id.endsWith(EXPECTED_ID_SUFFIX)) return deepFreeze(schema);
      reason = `expected the schema ${EXPECTED_ID_SUFFIX}, found $id ${schema.$id}`;
      continue;
    }
    reason = 'the schema region did not evaluate to a JSON Schema object with $id and $defs';
  }
  throw new OfficialSchemaNotFoundError({ packageName: PACKAGE, version: versionText, files, reason });
}

/** The text of the schema's object literal in an SDK bundle, or `undefined` when the bundle has no such region. */
export function schemaLiteral(bundle: string): string | undefined {
  const start = bundle.indexOf(REGION);
  if (start < 0) return undefined;
  const end = bundle.indexOf(END_REGION, start + REGION.length);
  const declaration = bundle.indexOf(DECLARATION, start);
  if (end < 0 || declaration < 0 || declaration > end) return undefined;
  const literal = bundle.slice(declaration + DECLARATION.length, end).trim().replace(/;$/, '');
  return literal.startsWith('{') && literal.endsWith('}') ? literal : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
