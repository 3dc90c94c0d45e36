import type { DefinitionProblem } from '../../model/definition-problems.js';
import { type Json, isJsonObject } from '../../model/json.js';
import type { ExpressionCompiler } from '../serverless/expression-checks.js';
import { type LoadDefinitionResult, loadDefinition } from '../serverless/load-definition.js';
import { compileWorkflowIr } from './compile-workflow-ir.js';
import { type LoadWorkflowIrOptions, type LoadWorkflowIrResult, loadKotobaText, loadSerdeWorkflowIr, loadWorkflowIrFile } from './load-workflow-ir.js';
import type { IrForm } from './workflow-ir.js';

export interface LoadKotobaDefinitionOptions extends Omit<LoadWorkflowIrOptions, 'activities'> {
  /** Compiles every runtime expression of the compiled document; pass a `JqEngine`. */
  readonly jq: ExpressionCompiler;
  /** Names of functions registered with the engine: what an `activity_ref` may name besides declared activities. */
  readonly functions?: readonly string[];
}

/**
 * Loads a WorkflowIR file — `.kotoba` (Jsonnet) or the serde `.json` form — and compiles it into a Serverless
 * Workflow definition (see `compile-workflow-ir.ts`), loaded and checked by the SW loader: the same result as
 * `loadDefinition`, with every problem pointing into the IR (`/workflow/strategy/strategies/1/...`).
 *
 * @example
 * const result = await loadKotobaDefinitionFile('order.kotoba', { jq: createCompiledJqEngine(), functions: ['pay'] });
 * if (!result.ok) throw new DefinitionInvalidError(result.problems, 'order.kotoba');
 */
export async function loadKotobaDefinitionFile(path: string, options: LoadKotobaDefinitionOptions): Promise<LoadDefinitionResult> {
  return definitionOf(await loadWorkflowIrFile(path, irOptions(options, path)), { ...options, path });
}

/** Like {@link loadKotobaDefinitionFile}, for `.kotoba` text (`options.path` anchors its imports). */
export async function loadKotobaDefinitionText(text: string, options: LoadKotobaDefinitionOptions): Promise<LoadDefinitionResult> {
  return definitionOf(await loadKotobaText(text, irOptions(options, options.path)), options);
}

/** Like {@link loadKotobaDefinitionFile}, for the serde JSON form as text or as a parsed value. */
export function loadSerdeDefinition(source: string | object, options: LoadKotobaDefinitionOptions): LoadDefinitionResult {
  return definitionOf(loadSerdeWorkflowIr(source, irOptions(options, options.path)), options);
}

/** Whether a parsed JSON document is a serde WorkflowIR (it has a `strategy` and no SW `document` header). */
export function isWorkflowIrValue(value: unknown): boolean {
  return isJsonObject(value) && 'strategy' in value && !('document' in value);
}

function irOptions(options: LoadKotobaDefinitionOptions, path: string | undefined): LoadWorkflowIrOptions {
  return {
    ...(options.checks === undefined ? {} : { checks: options.checks }),
    ...(options.libraryPaths === undefined ? {} : { libraryPaths: options.libraryPaths }),
    ...(options.functions === undefined ? {} : { activities: options.functions }),
    ...(path === undefined ? {} : { path }),
  };
}

function definitionOf(loaded: LoadWorkflowIrResult, options: LoadKotobaDefinitionOptions): LoadDefinitionResult {
  if (!loaded.ok) return loaded;
  const compiled = compileWorkflowIr(loaded.workflow, { form: loaded.form });
  if (!compiled.ok) return compiled;
  const result = loadDefinition(compiled.document, {
    jq: options.jq,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.functions === undefined ? {} : { functions: options.functions }),
  });
  if (result.ok) return result;
  return { ok: false, problems: result.problems.map((problem) => toIrProblem(problem, compiled.document, loaded.form)) };
}

/**
 * A problem of the compiled document, moved to the IR node it came from: the nearest enclosing generated node
 * that carries `metadata.kotoba`. The compiled pointer stays in the message, for whoever reads the SW document.
 */
export function toIrProblem(problem: DefinitionProblem, document: Json, form: IrForm): DefinitionProblem {
  let irPointer = form === 'kotoba' ? '/workflow' : '';
  let node: Json | undefined = document;
  for (const segment of problem.pointer.split('/').slice(1)) {
    const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
    node = Array.isArray(node) ? node[Number(key)] : isJsonObject(node ?? null) ? (node as Record<string, Json>)[key] : undefined;
    if (node === undefined) break;
    const metadata = isJsonObject(node) ? node['metadata'] : undefined;
    const origin = isJsonObject(metadata ?? null) ? (metadata as Record<string, Json>)['kotoba'] : undefined;
    if (typeof origin === 'string') irPointer = origin;
  }
  // Line and column were of the compiled document, which has no text: they are dropped, not moved.
  return {
    pointer: irPointer,
    message: `${problem.message} (compiled Serverless Workflow at ${problem.pointer || '/'})`,
    ...(problem.expected === undefined ? {} : { expected: problem.expected }),
    ...(problem.found === undefined ? {} : { found: problem.found }),
  };
}
