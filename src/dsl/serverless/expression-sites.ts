import { expressionBody, isRuntimeExpression } from '../../model/expression-syntax.js';
import { type Json, type JsonObject, isJsonObject } from '../../model/json.js';
import { childPointer } from '../../model/task-ref.js';
import { taskKindOf } from '../../model/workflow.js';
import {
  allTasks,
  catchBindings,
  documentTaskLists,
  forBindings,
  functionTasks,
  iteratorBindings,
  nestedTaskLists,
  objectAt,
  taskEntries,
  taskIterator,
} from './task-lists.js';

/**
 * Which strings of a definition are runtime expressions, and which `$variables` each may read. The loader compiles
 * every one of them; the runtime uses the same rules to know what to evaluate (DSL 1.0.3 "Runtime Expressions").
 *
 * - Fields that are always expressions accept bare jq or `${ … }`: task `if`, switch `when`, `for.in`, `while`,
 *   `input.from`, `output.as`, `export.as`, catch and retry `when`/`exceptWhen`, correlate `from`/`expect`, a string
 *   `until`, an extension's `when`. An object `input.from`/`output.as`/`export.as` is a template: its `${ … }`
 *   leaves are expressions.
 * - Anywhere else inside a task (`with`, `set`, `body`, `headers`, event data, run arguments, error title/detail,
 *   authentication fields, durations, …) a string that is wholly `${ … }` is an expression; other strings are text.
 * - Not data, never evaluated: `document`, `metadata`, input/output/export `schema`s, `then`, catch `errors` (a
 *   static filter), names (`for.each`, `catch.as`, …).
 * Strict mode only: `evaluate.mode: loose` (any string is an expression) is not modelled.
 */

/** The arguments every expression may read (DSL 1.0.3 "Runtime expression arguments"). */
export const RUNTIME_ARGUMENTS = [
  'context',
  'input',
  'output',
  'secrets',
  'authorization',
  'task',
  'workflow',
  'runtime',
] as const;

export interface ExpressionSite {
  /** JSON pointer of the string. */
  readonly pointer: string;
  /** The jq program: the text inside `${ … }`, trimmed (or the whole text, trimmed, when bare). */
  readonly source: string;
  /** Written without `${ }` (only possible in the always-expression fields). */
  readonly isBare: boolean;
  /** The `$names` in scope (without `$`): {@link RUNTIME_ARGUMENTS}, then loop, iterator and catch variables. */
  readonly variables: readonly string[];
}

/** A string that is wholly `${ … }` (the schema's anchored pattern); the model owns the syntax. */
export const isWrappedExpression = isRuntimeExpression;

/** The jq program of an expression string: inside `${ … }` when wrapped, else the whole text; trimmed. */
export const unwrapExpression = expressionBody;

/**
 * Every runtime expression of a workflow document, in a stable order: workflow fields, `use`, then the tasks of
 * `do` and of the extensions, depth first.
 */
export function expressionSites(document: Json): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  if (!isJsonObject(document)) return sites;
  const collect = collector(sites);
  const base = [...RUNTIME_ARGUMENTS];

  dataFlow(collect, document.input, '/input', 'from', base);
  dataFlow(collect, document.output, '/output', 'as', base);
  collect.scan(document.timeout, '/timeout', base);
  const schedule = objectAt(document, 'schedule');
  if (schedule !== undefined) {
    collect.scan(schedule.every, '/schedule/every', base);
    collect.scan(schedule.after, '/schedule/after', base);
    strategy(collect, schedule.on, '/schedule/on', base);
  }
  const use = objectAt(document, 'use');
  if (use !== undefined) {
    for (const key of ['authentications', 'errors', 'timeouts', 'catalogs'] as const) {
      collect.scan(use[key], childPointer('/use', key), base);
    }
    // A named retry policy runs inside whichever catch names it, so every catch variable may appear in it.
    const retryScope = union(base, ['error', ...catchNames(document)]);
    for (const [name, policy] of Object.entries(objectAt(use, 'retries') ?? {})) {
      retry(collect, policy, childPointer('/use/retries', name), retryScope);
    }
    if (Array.isArray(use.extensions)) {
      use.extensions.forEach((item, index) => {
        for (const [name, extension] of Object.entries(isJsonObject(item) ? item : {})) {
          if (isJsonObject(extension)) collect.always(extension.when, childPointer('/use/extensions', index, name, 'when'), base);
        }
      });
    }
  }
  for (const entry of functionTasks(document)) task(collect, entry.task, entry.pointer, base);
  for (const nested of documentTaskLists(document)) taskList(collect, nested.list, nested.pointer, base);
  return sites;
}

interface Collector {
  /** An always-expression field: bare jq or `${ … }`. */
  always(value: Json | undefined, pointer: string, variables: readonly string[]): void;
  /** Data: every string leaf that is wholly `${ … }`. */
  scan(value: Json | undefined, pointer: string, variables: readonly string[]): void;
}

function collector(sites: ExpressionSite[]): Collector {
  const scan = (value: Json | undefined, pointer: string, variables: readonly string[]): void => {
    if (typeof value === 'string') {
      if (isWrappedExpression(value)) sites.push({ pointer, source: unwrapExpression(value), isBare: false, variables });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => scan(item, childPointer(pointer, index), variables));
    } else if (isJsonObject(value)) {
      for (const [key, item] of Object.entries(value)) scan(item, childPointer(pointer, key), variables);
    }
  };
  return {
    always: (value, pointer, variables) => {
      if (typeof value !== 'string') return;
      sites.push({ pointer, source: unwrapExpression(value), isBare: !isWrappedExpression(value), variables });
    },
    scan,
  };
}

function taskList(collect: Collector, list: Json | undefined, pointer: string, variables: readonly string[]): void {
  for (const entry of taskEntries(list, pointer)) task(collect, entry.task, entry.pointer, variables);
}

function task(collect: Collector, body: JsonObject, pointer: string, variables: readonly string[]): void {
  const at = (...segments: string[]): string => childPointer(pointer, ...segments);
  collect.always(body.if, at('if'), variables);
  dataFlow(collect, body.input, at('input'), 'from', variables);
  dataFlow(collect, body.output, at('output'), 'as', variables);
  dataFlow(collect, body.export, at('export'), 'as', variables);
  collect.scan(body.timeout, at('timeout'), variables);

  const kind = taskKindOf(body);
  switch (kind) {
    case 'for': {
      const loop = objectAt(body, 'for');
      collect.always(loop?.in, at('for', 'in'), variables);
      collect.always(body.while, at('while'), union(variables, forBindings(body)));
      break;
    }
    case 'switch':
      if (Array.isArray(body.switch)) {
        body.switch.forEach((item, index) => {
          for (const [name, branch] of Object.entries(isJsonObject(item) ? item : {})) {
            if (isJsonObject(branch)) collect.always(branch.when, at('switch', String(index), name, 'when'), variables);
          }
        });
      }
      break;
    case 'try': {
      const handler = objectAt(body, 'catch');
      const scope = union(variables, catchBindings(body));
      collect.always(handler?.when, at('catch', 'when'), scope);
      collect.always(handler?.exceptWhen, at('catch', 'exceptWhen'), scope);
      if (handler !== undefined && isJsonObject(handler.retry)) retry(collect, handler.retry, at('catch', 'retry'), scope);
      break;
    }
    case 'listen': {
      const listen = objectAt(body, 'listen');
      strategy(collect, listen?.to, at('listen', 'to'), variables);
      iterator(collect, body, pointer, variables);
      break;
    }
    case 'call': {
      const args = objectAt(body, 'with');
      if (body.call === 'asyncapi' && args !== undefined) {
        for (const [key, value] of Object.entries(args)) {
          if (key !== 'subscription') collect.scan(value, at('with', key), variables);
        }
        const subscription = objectAt(args, 'subscription');
        collect.scan(subscription?.filter, at('with', 'subscription', 'filter'), variables);
        collect.scan(subscription?.consume, at('with', 'subscription', 'consume'), variables);
        iterator(collect, body, pointer, variables);
      } else {
        collect.scan(body.with, at('with'), variables);
      }
      break;
    }
    case 'emit':
    case 'raise':
    case 'run':
    case 'set':
    case 'wait':
      collect.scan(body[kind], at(kind), variables);
      break;
    case 'do':
    case 'fork':
    case undefined:
      break;
  }
  for (const nested of nestedTaskLists(body, pointer)) {
    taskList(collect, nested.list, nested.pointer, union(variables, nested.bindings));
  }
}

/** A subscription iterator's own fields (its `do` is walked with the task's nested lists). */
function iterator(collect: Collector, body: JsonObject, pointer: string, variables: readonly string[]): void {
  const found = taskIterator(body, pointer);
  if (found === undefined) return;
  const scope = union(variables, iteratorBindings(found.iterator));
  dataFlow(collect, found.iterator.output, childPointer(found.pointer, 'output'), 'as', scope);
  dataFlow(collect, found.iterator.export, childPointer(found.pointer, 'export'), 'as', scope);
}

/** `input.from`, `output.as`, `export.as`: an always-expression string or an object template. */
function dataFlow(
  collect: Collector,
  config: Json | undefined,
  pointer: string,
  key: 'from' | 'as',
  variables: readonly string[],
): void {
  if (!isJsonObject(config)) return;
  const value = config[key];
  if (typeof value === 'string') collect.always(value, childPointer(pointer, key), variables);
  else collect.scan(value, childPointer(pointer, key), variables);
}

function retry(collect: Collector, policy: Json | undefined, pointer: string, variables: readonly string[]): void {
  if (!isJsonObject(policy)) return;
  for (const [key, value] of Object.entries(policy)) {
    if (key === 'when' || key === 'exceptWhen') collect.always(value, childPointer(pointer, key), variables);
    else collect.scan(value, childPointer(pointer, key), variables);
  }
}

/** An event consumption strategy: filters (`with` data, `correlate` expressions) and `until`. */
function strategy(collect: Collector, value: Json | undefined, pointer: string, variables: readonly string[]): void {
  if (!isJsonObject(value)) return;
  for (const key of ['all', 'any'] as const) {
    const filters = value[key];
    if (Array.isArray(filters)) {
      filters.forEach((filter, index) => eventFilter(collect, filter, childPointer(pointer, key, index), variables));
    }
  }
  eventFilter(collect, value.one, childPointer(pointer, 'one'), variables);
  if (typeof value.until === 'string') collect.always(value.until, childPointer(pointer, 'until'), variables);
  else strategy(collect, value.until, childPointer(pointer, 'until'), variables);
}

function eventFilter(collect: Collector, filter: Json | undefined, pointer: string, variables: readonly string[]): void {
  if (!isJsonObject(filter)) return;
  collect.scan(filter.with, childPointer(pointer, 'with'), variables);
  for (const [key, correlation] of Object.entries(objectAt(filter, 'correlate') ?? {})) {
    if (!isJsonObject(correlation)) continue;
    collect.always(correlation.from, childPointer(pointer, 'correlate', key, 'from'), variables);
    collect.always(correlation.expect, childPointer(pointer, 'correlate', key, 'expect'), variables);
  }
}

/** Every `catch.as` of the document (for the scope of named retry policies). */
function catchNames(document: JsonObject): string[] {
  return allTasks(document).flatMap((entry) => (taskKindOf(entry.task) === 'try' ? catchBindings(entry.task) : []));
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}
