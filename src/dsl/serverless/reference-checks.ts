import { isRuntimeExpression } from '../../model/expression-syntax.js';
import { type Json, type JsonObject, isJsonObject } from '../../model/json.js';
import { childPointer } from '../../model/task-ref.js';
import { taskKindOf } from '../../model/workflow.js';
import type { LocatableProblem } from './problem-positions.js';
import { quote } from './schema-descriptions.js';
import { allTaskLists, allTasks, objectAt } from './task-lists.js';

/**
 * Names that must resolve, checked on a schema-valid document before anything runs:
 * - every `then` (task or switch case) is `continue`, `exit`, `end` or a task of the same list (DSL 1.0.3 "Flow
 *   directive": a jump targets a sibling); task names are unique within a list;
 * - `raise.error: <name>` is in `use.errors`, `catch.retry: <name>` in `use.retries`, `timeout: <name>` in
 *   `use.timeouts`, `authentication: { use: <name> }` in `use.authentications`;
 * - `call: <name>` is a built-in (http, grpc, openapi, asyncapi, a2a, mcp), a key of `use.functions`,
 *   `name:version@catalog` with the catalog in `use.catalogs` (or the spec's reserved `default` catalog), or a URL.
 */

const FLOW_KEYWORDS = ['continue', 'exit', 'end'];
const BUILT_IN_CALLS = ['http', 'grpc', 'openapi', 'asyncapi', 'a2a', 'mcp'];
/** The spec reserves this catalog name for the catalog the runtime provides ("Default Catalog"). */
const DEFAULT_CATALOG = 'default';
const CATALOGED = /^(?<name>[^:@/]+):(?<version>[^@/]+)@(?<catalog>[^@/]+)$/;
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Subtrees that hold the author's own data (request bodies, arguments, events, schemas): an `authentication` key
 * there is payload, not a policy reference.
 */
const DATA_KEYS = new Set([
  'arguments',
  'body',
  'data',
  'environment',
  'headers',
  'input',
  'metadata',
  'parameters',
  'payload',
  'query',
  'schema',
  'set',
  'tags',
  'variables',
]);

export function referenceProblems(document: JsonObject, registeredFunctions: readonly string[] = []): LocatableProblem[] {
  const problems: LocatableProblem[] = [];
  const use = objectAt(document, 'use');
  const declared = (section: string): string[] => Object.keys(objectAt(use, section) ?? {});
  const named = (value: Json | undefined, pointer: string, section: string, what: string): void => {
    if (typeof value !== 'string') return;
    const names = declared(section);
    if (names.includes(value)) return;
    const expected = `the name of ${what} in use.${section} (${names.length === 0 ? 'none declared' : names.join(', ')})`;
    const found = quote(value);
    problems.push({ pointer, message: `expected ${expected}, found ${found}`, expected, found });
  };

  for (const list of allTaskLists(document)) problems.push(...flowProblems(list.entries));
  named(document.timeout, '/timeout', 'timeouts', 'a timeout');
  for (const { task, pointer } of allTasks(document)) {
    named(task.timeout, childPointer(pointer, 'timeout'), 'timeouts', 'a timeout');
    switch (taskKindOf(task)) {
      case 'raise': {
        const error = objectAt(task, 'raise')?.error;
        // Itonami extension: a `${ }` expression raises the error object it yields (src/runtime/tasks/raise.ts).
        if (!(typeof error === 'string' && isRuntimeExpression(error))) named(error, childPointer(pointer, 'raise', 'error'), 'errors', 'an error');
        break;
      }
      case 'try':
        named(objectAt(task, 'catch')?.retry, childPointer(pointer, 'catch', 'retry'), 'retries', 'a retry policy');
        break;
      case 'call': {
        const functions = [...declared('functions'), ...registeredFunctions];
        const problem = callProblem(task.call, childPointer(pointer, 'call'), functions, declared('catalogs'));
        if (problem !== undefined) problems.push(problem);
        break;
      }
      default:
        break;
    }
  }
  authenticationReferences(document, '', (use, pointer) => named(use, pointer, 'authentications', 'an authentication policy'));
  return problems;
}

function flowProblems(entries: readonly { name: string; pointer: string; task: JsonObject }[]): LocatableProblem[] {
  const problems: LocatableProblem[] = [];
  const first = new Map<string, string>();
  for (const entry of entries) {
    const earlier = first.get(entry.name);
    if (earlier === undefined) {
      first.set(entry.name, entry.pointer);
      continue;
    }
    const expected = 'task names unique within their list';
    const found = `${quote(entry.name)} again (first at ${earlier})`;
    problems.push({ pointer: entry.pointer, at: 'key', message: `duplicate task name ${quote(entry.name)}: expected ${expected}, found it again (first at ${earlier})`, expected, found });
  }
  const siblings = [...first.keys()];
  const target = (value: Json | undefined, pointer: string): void => {
    if (typeof value !== 'string' || FLOW_KEYWORDS.includes(value) || siblings.includes(value)) return;
    const expected = `continue, exit, end or the name of a task in the same list (${siblings.join(', ')})`;
    const found = quote(value);
    problems.push({ pointer, message: `expected ${expected}, found ${found}`, expected, found });
  };
  for (const { task, pointer } of entries) {
    target(task.then, childPointer(pointer, 'then'));
    if (taskKindOf(task) !== 'switch' || !Array.isArray(task.switch)) continue;
    task.switch.forEach((item, index) => {
      for (const [name, branch] of Object.entries(isJsonObject(item) ? item : {})) {
        if (isJsonObject(branch)) target(branch.then, childPointer(pointer, 'switch', index, name, 'then'));
      }
    });
  }
  return problems;
}

function callProblem(
  call: Json | undefined,
  pointer: string,
  functions: readonly string[],
  catalogs: readonly string[],
): LocatableProblem | undefined {
  if (typeof call !== 'string' || BUILT_IN_CALLS.includes(call) || functions.includes(call) || URL_LIKE.test(call)) {
    return undefined;
  }
  const found = quote(call);
  const catalog = CATALOGED.exec(call)?.groups?.catalog;
  if (catalog !== undefined) {
    if (catalog === DEFAULT_CATALOG || catalogs.includes(catalog)) return undefined;
    const expected = `a catalog declared in use.catalogs (${catalogs.length === 0 ? 'none declared' : catalogs.join(', ')})`;
    return { pointer, message: `expected ${expected}, found ${found} naming catalog ${quote(catalog)}`, expected, found };
  }
  const expected =
    `a built-in call (${BUILT_IN_CALLS.join(', ')}), a function of use.functions ` +
    `(${functions.length === 0 ? 'none declared' : functions.join(', ')}), name:version@catalog, or a function URL`;
  return { pointer, message: `expected ${expected}, found ${found}`, expected, found };
}

/** Calls `visit` for every `authentication: { use: <name> }` outside payload data. */
function authenticationReferences(
  value: Json | undefined,
  pointer: string,
  visit: (name: Json | undefined, pointer: string) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => authenticationReferences(item, childPointer(pointer, index), visit));
    return;
  }
  if (!isJsonObject(value)) return;
  const isCustomCall = typeof value.call === 'string' && !BUILT_IN_CALLS.includes(value.call);
  for (const [key, child] of Object.entries(value)) {
    const at = childPointer(pointer, key);
    // The root `document` is metadata; a custom function's `with` and an event are the author's data.
    if (DATA_KEYS.has(key) || (pointer === '' && key === 'document') || (key === 'with' && isCustomCall) || key === 'event') {
      continue;
    }
    if (key === 'authentication' && isJsonObject(child) && typeof child.use === 'string') {
      visit(child.use, childPointer(at, 'use'));
      continue;
    }
    authenticationReferences(child, at, visit);
  }
}
