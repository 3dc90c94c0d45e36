/**
 * `.kotoba` files are Jsonnet, evaluated by libjsonnet 0.20 (`@hanazuki/node-jsonnet`, a native addon built at
 * install). Chosen over the pure-JS `@rbicker/jsonnet` (libjsonnet 0.12 in asm.js) because `.kotoba` files are
 * "real Jsonnet": the seed targeted Jsonnet 0.21 and 0.12 lacks 32 `std` functions (`std.get`, `std.member`,
 * `std.sum`, `std.objectValues`, `std.parseYaml` …) that a shim could only partly and approximately restore.
 * The cost is a C++ build at `npm install` (cmake, g++; about 40 s here), as better-sqlite3 already has.
 * Evaluation runs off the main thread (the addon's async worker), so a slow file does not stall a busy engine.
 */
import { Jsonnet, JsonnetError } from '@hanazuki/node-jsonnet';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Json } from '../../model/json.js';
import type { KotobaProblem } from './kotoba-problem.js';

export interface JsonnetOptions {
  /** Library folders searched (after the importing file's own folder) by `import`, like `jsonnet -J`. */
  readonly libraryPaths?: readonly string[];
  /** `std.extVar(name)` values, as strings. */
  readonly extVars?: Readonly<Record<string, string>>;
}

export type JsonnetResult =
  | { readonly ok: true; readonly value: Json }
  | { readonly ok: false; readonly problems: readonly KotobaProblem[] };

/** Evaluates a `.kotoba` file; its imports resolve relative to the importing file, from disk. */
export async function evaluateKotobaFile(path: string, options: JsonnetOptions = {}): Promise<JsonnetResult> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const expected = 'a readable .kotoba file';
    return { ok: false, problems: [{ pointer: '', file, message: `cannot read ${file}: ${reason}`, expected, found: reason }] };
  }
  return evaluateKotobaText(text, { ...options, path: file });
}

/**
 * Evaluates `.kotoba` text. `path` names it in messages and anchors its relative imports (without one, imports
 * resolve from the current directory).
 */
export async function evaluateKotobaText(text: string, options: JsonnetOptions & { readonly path?: string } = {}): Promise<JsonnetResult> {
  const vm = new Jsonnet();
  for (const folder of options.libraryPaths ?? []) vm.addJpath(resolve(folder));
  for (const [name, value] of Object.entries(options.extVars ?? {})) vm.extString(name, value);
  const file = options.path === undefined ? '<text>' : resolve(options.path);
  let output: string;
  try {
    output = await vm.evaluateSnippet(text, file);
  } catch (error) {
    if (!(error instanceof JsonnetError)) throw error;
    return { ok: false, problems: [jsonnetProblem(error.message)] };
  }
  return { ok: true, value: JSON.parse(output) as Json };
}

/** `file:12:3` or `file:12:3-9` (one line) or `file:(12:3)-(14:1)` (several), as libjsonnet prints locations. */
const LOCATION = /^(?<file>.+?):(?:(?<line>\d+):(?<column>\d+)(?:-\d+)?|\((?<line2>\d+):(?<column2>\d+)\)-\(\d+:\d+\))$/;

/**
 * A libjsonnet error as a problem at its source. `STATIC ERROR: f:3:9: msg` (syntax) carries the place in its first
 * line; `RUNTIME ERROR: msg` is followed by a stack trace, innermost frame first, whose first frame outside the
 * standard library is where the error was raised (a missing import: the `import` expression in the importing file).
 */
export function jsonnetProblem(message: string): KotobaProblem {
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  const head = lines[0] ?? message;
  const staticError = /^STATIC ERROR: (?<where>.+?(?::\d+:\d+(?:-\d+)?|:\(\d+:\d+\)-\(\d+:\d+\))): (?<reason>.*)$/.exec(head);
  if (staticError?.groups !== undefined) {
    const reason = staticError.groups['reason'] ?? head;
    return problemAt(`Jsonnet syntax error: ${reason}`, reason, location(staticError.groups['where'] ?? ''));
  }
  const reason = head.replace(/^RUNTIME ERROR: /, '');
  const frame = lines
    .slice(1)
    .map((line) => location(line.trim().split('\t')[0] ?? ''))
    .find((place) => place !== undefined && place.file !== '<std>' && !place.file.endsWith('std.jsonnet'));
  return problemAt(`Jsonnet error: ${reason}`, reason, frame);
}

function location(text: string): { file: string; line: number; column: number } | undefined {
  const groups = LOCATION.exec(text)?.groups;
  if (groups === undefined) return undefined;
  const line = Number(groups['line'] ?? groups['line2']);
  const column = Number(groups['column'] ?? groups['column2']);
  return { file: groups['file'] ?? '', line, column };
}

function problemAt(message: string, found: string, place: { file: string; line: number; column: number } | undefined): KotobaProblem {
  const expected = 'Jsonnet that evaluates without error';
  return { pointer: '', message, expected, found, ...(place === undefined ? {} : place) };
}
