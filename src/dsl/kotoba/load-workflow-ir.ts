import { extname } from 'node:path';
import { readFile } from 'node:fs/promises';
import { CanonicalJsonError } from '../../model/canonical-json.js';
import type { Json } from '../../model/json.js';
import { definitionHash } from '../serverless/definition-hash.js';
import type { PositionOf } from '../serverless/problem-positions.js';
import { placeProblems } from '../serverless/problem-positions.js';
import { parseSource } from '../serverless/source-document.js';
import { type JsonnetOptions, evaluateKotobaFile, evaluateKotobaText } from './jsonnet-evaluation.js';
import type { KotobaProblem } from './kotoba-problem.js';
import { type ReadWorkflowIrOptions, readKotobaWorkflow, readSerdeWorkflow } from './read-workflow-ir.js';
import type { IrForm, WorkflowIr } from './workflow-ir.js';

export interface LoadWorkflowIrOptions extends JsonnetOptions, Omit<ReadWorkflowIrOptions, 'positionOf'> {
  /** Where the source was read from: anchors `.kotoba` imports; used in messages. */
  readonly path?: string;
}

export type LoadWorkflowIrResult =
  | {
      readonly ok: true;
      readonly workflow: WorkflowIr;
      readonly form: IrForm;
      /** The value the workflow was read from: the evaluated `.kotoba` (imports included) or the parsed JSON. */
      readonly document: Json;
      /** Hex SHA-256 of the RFC 8785 canonical JSON of `document`, as Serverless definitions are identified. */
      readonly hash: string;
    }
  | { readonly ok: false; readonly problems: readonly KotobaProblem[] };

/**
 * Loads a `.kotoba` file: evaluates it as Jsonnet (imports relative to the importing file; `libraryPaths` after),
 * then reads `{ workflow }` in the authoring form. Jsonnet errors are problems with file, line and column; shape
 * errors have the JSON pointer into the evaluated value (`/workflow/strategy/strategies/2/op`).
 *
 * @example
 * const result = await loadKotobaFile('order_processing.kotoba');
 * if (!result.ok) throw new DefinitionInvalidError(result.problems, 'order_processing.kotoba');
 */
export async function loadKotobaFile(path: string, options: LoadWorkflowIrOptions = {}): Promise<LoadWorkflowIrResult> {
  const evaluated = await evaluateKotobaFile(path, options);
  return evaluated.ok ? fromValue('kotoba', evaluated.value, options) : evaluated;
}

/** Loads `.kotoba` text; `options.path` anchors its relative imports and names it in messages. */
export async function loadKotobaText(text: string, options: LoadWorkflowIrOptions = {}): Promise<LoadWorkflowIrResult> {
  const evaluated = await evaluateKotobaText(text, options);
  return evaluated.ok ? fromValue('kotoba', evaluated.value, options) : evaluated;
}

/**
 * Loads the serde JSON form from text (problems get line and column; duplicate keys are problems) or from an
 * already parsed value. JSON is read by the YAML 1.2 parser the Serverless loader uses, so the same document
 * written as YAML reads too.
 */
export function loadSerdeWorkflowIr(source: string | object, options: LoadWorkflowIrOptions = {}): LoadWorkflowIrResult {
  if (typeof source !== 'string') return fromValue('serde', structuredClone(source) as Json, options);
  const parsed = parseSource(source);
  if (parsed.value === undefined || parsed.problems.length > 0) {
    return { ok: false, problems: placeProblems(parsed.problems, parsed.positionOf) };
  }
  return fromValue('serde', parsed.value as Json, options, parsed.positionOf);
}

/** Loads a WorkflowIR file by its extension: `.json` is the serde form, anything else `.kotoba` (Jsonnet). */
export async function loadWorkflowIrFile(path: string, options: LoadWorkflowIrOptions = {}): Promise<LoadWorkflowIrResult> {
  if (extname(path).toLowerCase() !== '.json') return loadKotobaFile(path, options);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ pointer: '', file: path, message: `cannot read ${path}: ${reason}`, expected: 'a readable JSON file', found: reason }] };
  }
  return loadSerdeWorkflowIr(text, { ...options, path });
}

function fromValue(form: IrForm, value: Json, options: LoadWorkflowIrOptions, positionOf?: PositionOf): LoadWorkflowIrResult {
  let hash: string;
  try {
    hash = definitionHash(value);
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
    const expected = 'JSON data (null, booleans, finite numbers, strings, arrays, objects)';
    return { ok: false, problems: placeProblems([{ pointer: error.pointer, message: `expected ${expected}, found ${error.found}`, expected, found: error.found }], positionOf) };
  }
  const readOptions: ReadWorkflowIrOptions = {
    ...(options.checks === undefined ? {} : { checks: options.checks }),
    ...(options.activities === undefined ? {} : { activities: options.activities }),
    ...(positionOf === undefined ? {} : { positionOf }),
  };
  const result = form === 'kotoba' ? readKotobaWorkflow(value, readOptions) : readSerdeWorkflow(value, readOptions);
  return result.ok ? { ok: true, workflow: result.workflow, form, document: value, hash } : result;
}
