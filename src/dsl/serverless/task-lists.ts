import { type Json, type JsonObject, isJsonObject } from '../../model/json.js';
import { childPointer } from '../../model/task-ref.js';
import { taskKindOf } from '../../model/workflow.js';

/**
 * Where a definition keeps its task lists, and the variables each list binds for the tasks inside it. One table,
 * used by every check that walks tasks (flow targets, references, expression scopes), so they agree on the tree:
 * `do`, `for.do`, `fork.branches`, `try`, `catch.do`, `listen.foreach.do`, an AsyncAPI subscription's
 * `foreach.do`, the extensions' `before`/`after`, and the tasks of `use.functions`.
 * Tolerant of malformed input: what is not a list of single-key objects holding objects is skipped (the schema
 * reports it).
 */

/** One task of a list: `{ name: task }` at `pointer` (`/do/0/name`). */
export interface TaskEntry {
  readonly name: string;
  readonly pointer: string;
  readonly task: JsonObject;
}

/** A task list and the variable names (without `$`) it binds for its tasks, beyond those of enclosing scopes. */
export interface NestedTaskList {
  readonly pointer: string;
  readonly list: Json | undefined;
  readonly bindings: readonly string[];
}

/** The well-formed entries of a task list, in order. */
export function taskEntries(list: unknown, pointer: string): TaskEntry[] {
  if (!Array.isArray(list)) return [];
  const entries: TaskEntry[] = [];
  list.forEach((item: unknown, index) => {
    if (!isJsonObject(item)) return;
    const names = Object.keys(item);
    // A list item holding two tasks is a schema problem, but both tasks are still checked.
    for (const name of names) {
      const task = item[name];
      if (isJsonObject(task)) entries.push({ name, pointer: childPointer(pointer, index, name), task });
    }
  });
  return entries;
}

/** `for.each` and `for.at` (defaults `item`, `index`): bound in `while` and the loop body. */
export function forBindings(task: JsonObject): string[] {
  const loop = objectAt(task, 'for');
  return [nameOr(loop?.each, 'item'), nameOr(loop?.at, 'index')];
}

/** `catch.as` (default `error`): bound in `when`, `exceptWhen`, the retry policy's conditions and `catch.do`. */
export function catchBindings(task: JsonObject): string[] {
  return [nameOr(objectAt(task, 'catch')?.as, 'error')];
}

/** A subscription iterator's `item` and `at` (defaults `item`, `index`): bound in its `do`, `output`, `export`. */
export function iteratorBindings(iterator: JsonObject | undefined): string[] {
  return [nameOr(iterator?.item, 'item'), nameOr(iterator?.at, 'index')];
}

/** The iterator of a listen task or of an AsyncAPI subscription call, with its pointer. */
export function taskIterator(task: JsonObject, pointer: string): { iterator: JsonObject; pointer: string } | undefined {
  const kind = taskKindOf(task);
  if (kind === 'listen') {
    const iterator = objectAt(task, 'foreach');
    return iterator === undefined ? undefined : { iterator, pointer: childPointer(pointer, 'foreach') };
  }
  if (kind === 'call' && task.call === 'asyncapi') {
    const iterator = objectAt(objectAt(objectAt(task, 'with'), 'subscription'), 'foreach');
    return iterator === undefined ? undefined : { iterator, pointer: childPointer(pointer, 'with', 'subscription', 'foreach') };
  }
  return undefined;
}

/** The task lists a task holds directly (not those of its subtasks). */
export function nestedTaskLists(task: JsonObject, pointer: string): NestedTaskList[] {
  const lists: NestedTaskList[] = [];
  switch (taskKindOf(task)) {
    case 'do':
      lists.push({ pointer: childPointer(pointer, 'do'), list: task.do, bindings: [] });
      break;
    case 'for':
      lists.push({ pointer: childPointer(pointer, 'do'), list: task.do, bindings: forBindings(task) });
      break;
    case 'fork':
      lists.push({ pointer: childPointer(pointer, 'fork', 'branches'), list: objectAt(task, 'fork')?.branches, bindings: [] });
      break;
    case 'try':
      lists.push({ pointer: childPointer(pointer, 'try'), list: task.try, bindings: [] });
      lists.push({ pointer: childPointer(pointer, 'catch', 'do'), list: objectAt(task, 'catch')?.do, bindings: catchBindings(task) });
      break;
    case 'listen':
    case 'call': {
      const found = taskIterator(task, pointer);
      if (found !== undefined) {
        lists.push({ pointer: childPointer(found.pointer, 'do'), list: found.iterator.do, bindings: iteratorBindings(found.iterator) });
      }
      break;
    }
    default:
      break;
  }
  return lists.filter((nested) => nested.list !== undefined);
}

/** The document's own task lists: `do` and the extensions' `before`/`after`. */
export function documentTaskLists(document: JsonObject): NestedTaskList[] {
  const lists: NestedTaskList[] = [{ pointer: '/do', list: document.do, bindings: [] }];
  const extensions = objectAt(document, 'use')?.extensions;
  if (Array.isArray(extensions)) {
    extensions.forEach((item, index) => {
      if (!isJsonObject(item)) return;
      for (const [name, extension] of Object.entries(item)) {
        if (!isJsonObject(extension)) continue;
        for (const side of ['before', 'after'] as const) {
          if (extension[side] === undefined) continue;
          lists.push({ pointer: childPointer('/use/extensions', index, name, side), list: extension[side], bindings: [] });
        }
      }
    });
  }
  return lists.filter((nested) => nested.list !== undefined);
}

/** The tasks of `use.functions`, each a task in its own right (invoked by `call: <name>`). */
export function functionTasks(document: JsonObject): TaskEntry[] {
  const functions = objectAt(objectAt(document, 'use'), 'functions');
  if (functions === undefined) return [];
  return Object.entries(functions).flatMap(([name, task]) =>
    isJsonObject(task) ? [{ name, pointer: childPointer('/use/functions', name), task }] : [],
  );
}

/** Every task list of the document, depth first, with its entries. */
export function allTaskLists(document: JsonObject): { pointer: string; entries: TaskEntry[] }[] {
  const found: { pointer: string; entries: TaskEntry[] }[] = [];
  const visitTask = (task: JsonObject, pointer: string): void => {
    for (const nested of nestedTaskLists(task, pointer)) visitList(nested.list, nested.pointer);
  };
  const visitList = (list: unknown, pointer: string): void => {
    const entries = taskEntries(list, pointer);
    found.push({ pointer, entries });
    for (const entry of entries) visitTask(entry.task, entry.pointer);
  };
  for (const nested of documentTaskLists(document)) visitList(nested.list, nested.pointer);
  for (const entry of functionTasks(document)) visitTask(entry.task, entry.pointer);
  return found;
}

/** Every task of the document: those of all lists and those of `use.functions`. */
export function allTasks(document: JsonObject): TaskEntry[] {
  return [...functionTasks(document), ...allTaskLists(document).flatMap((list) => list.entries)];
}

export function objectAt(parent: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = parent?.[key];
  return isJsonObject(value) ? value : undefined;
}

function nameOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
