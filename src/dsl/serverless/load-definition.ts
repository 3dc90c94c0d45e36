import { CanonicalJsonError } from '../../model/canonical-json.js';
import type { DefinitionProblem } from '../../model/definition-problems.js';
import { type Json, type JsonObject, isJsonObject } from '../../model/json.js';
import type { Definition, WorkflowDocument } from '../../model/workflow.js';
import { definitionHash } from './definition-hash.js';
import { dslVersionProblem } from './dsl-versions.js';
import { type ExpressionCompiler, expressionProblems } from './expression-checks.js';
import { type LocatableProblem, type PositionOf, placeProblems } from './problem-positions.js';
import { referenceProblems } from './reference-checks.js';
import { schemaIssues } from './schema-problems.js';
import { parseSource } from './source-document.js';

export interface LoadDefinitionOptions {
  /** Compiles every runtime expression at load; pass a `JqEngine` (`createCompiledJqEngine()`). */
  readonly jq: ExpressionCompiler;
  /** Where the source was read from; kept on the definition, used in messages only. */
  readonly path?: string;
  /** Names of functions registered with the engine: `call: <name>` may name them as it names `use.functions`. */
  readonly functions?: readonly string[];
}

export type LoadDefinitionResult =
  | { readonly ok: true; readonly definition: Definition }
  | { readonly ok: false; readonly problems: readonly DefinitionProblem[] };

/**
 * Loads a Serverless Workflow definition (DSL 1.0.0–1.0.3) from YAML or JSON text, or from an already parsed
 * object, and checks it whole before anything runs:
 * 1. the text parses (syntax errors and duplicate keys are problems, with line and column);
 * 2. it is JSON data (no `.inf`, no lone surrogates) and `document.dsl` is a supported version;
 * 3. it is valid against the official 1.0.3 schema, one message per problem (pointer, expected, found);
 * 4. when it is: every `then`, `use.*` reference and `call` resolves, and every runtime expression compiles.
 * Synchronous. The definition's `hash` is the SHA-256 of the canonical JSON of the source as parsed.
 *
 * @example
 * const result = loadDefinition(await readFile(path, 'utf8'), { jq: createCompiledJqEngine(), path });
 * if (!result.ok) throw new DefinitionInvalidError(result.problems, path);
 */
export function loadDefinition(source: string | object, options: LoadDefinitionOptions): LoadDefinitionResult {
  let value: unknown = source;
  let positionOf: PositionOf | undefined;
  const problems: LocatableProblem[] = [];
  const fail = (): LoadDefinitionResult => ({ ok: false, problems: placeProblems(problems, positionOf) });

  if (typeof source === 'string') {
    const parsed = parseSource(source);
    positionOf = parsed.positionOf;
    problems.push(...parsed.problems);
    if (parsed.value === undefined) return fail();
    value = parsed.value;
  }
  let hash: string;
  try {
    hash = definitionHash(value as Json);
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
    const expected = 'JSON data (null, booleans, finite numbers, strings, arrays, objects)';
    problems.push({ pointer: error.pointer, message: `expected ${expected}, found ${error.found}`, expected, found: error.found });
    return fail();
  }
  // A caller's object is copied: the definition is pinned by its hash and must not change under a later mutation.
  const document = (typeof source === 'string' ? value : structuredClone(value)) as Json;

  const versionProblem = dslVersionProblem(document);
  if (versionProblem !== undefined) problems.push(versionProblem);
  const issues = schemaIssues(document);
  problems.push(...issues.map(({ pointer, property, message, expected, found }) => ({ pointer, property, message, expected, found })));
  // Names and expressions are checked on a schema-valid document only: on a malformed one they would mostly
  // repeat the schema's complaints in other words.
  if (issues.length === 0 && isJsonObject(document)) {
    problems.push(...referenceProblems(document, options.functions), ...expressionProblems(document, options.jq));
  }
  if (problems.length > 0 || !isJsonObject(document)) return fail();

  return { ok: true, definition: toDefinition(document, hash, options.path) };
}

function toDefinition(document: JsonObject, hash: string, path: string | undefined): Definition {
  const header = isJsonObject(document.document) ? document.document : {};
  const text = (key: string): string => (typeof header[key] === 'string' ? header[key] : '');
  return {
    hash,
    namespace: text('namespace'),
    name: text('name'),
    version: text('version'),
    dsl: text('dsl'),
    // Schema-valid by now, so it has the shape of the SDK's generated type.
    document: document as unknown as WorkflowDocument,
    ...(path === undefined ? {} : { path }),
  };
}
