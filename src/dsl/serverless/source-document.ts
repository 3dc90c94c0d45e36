import { LineCounter, type YAMLError, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { childPointer } from '../../model/task-ref.js';
import type { LocatableProblem, PositionOf } from './problem-positions.js';
import { quote } from './schema-descriptions.js';

/**
 * Definition text (YAML or JSON; JSON is YAML 1.2, so one parser reads both) to a value plus a map from JSON
 * pointers to source positions, for messages with a line and column.
 */
export interface ParsedSource {
  /** The parsed value; `undefined` when the text could not be parsed. */
  readonly value: unknown;
  /** Syntax errors (fatal: `value` is undefined) and duplicate keys (the later value won; still rejected). */
  readonly problems: readonly LocatableProblem[];
  readonly positionOf: PositionOf;
}

/** Deeper nesting than this is not a workflow; it only protects the walk below from pathological input. */
const MAX_DEPTH = 512;
/** YAML aliases expanded at most this often (the "billion laughs" guard of the yaml package). */
const MAX_ALIAS_COUNT = 100;

export function parseSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by the walk below, which knows their pointer; the parser would only give an offset.
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const toPosition = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const offsets = new Map<string, { key?: number; value?: number }>();
  const positionOf: PositionOf = (pointer, at, isExact = false) => {
    for (let current = pointer; ; current = current.slice(0, current.lastIndexOf('/'))) {
      const entry = offsets.get(current);
      const offset = at === 'key' ? (entry?.key ?? entry?.value) : (entry?.value ?? entry?.key);
      if (offset !== undefined) return toPosition(offset);
      if (current === '' || isExact) return undefined;
    }
  };

  const syntax = [...document.errors, ...document.warnings].map((error) => syntaxProblem(error, toPosition));
  if (syntax.length > 0) return { value: undefined, problems: syntax, positionOf };

  const problems: LocatableProblem[] = [];
  const record = (pointer: string, kind: 'key' | 'value', offset: number | undefined): void => {
    if (offset === undefined) return;
    offsets.set(pointer, { ...offsets.get(pointer), [kind]: offset });
  };
  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (isAlias(node) || isScalar(node)) {
      // An alias's content is positioned at its anchor; pointers into it fall back to the alias itself.
      record(pointer, 'value', node.range?.[0]);
    } else if (isSeq(node)) {
      record(pointer, 'value', node.range?.[0]);
      node.items.forEach((item, index) => walk(item, childPointer(pointer, index), depth + 1));
    } else if (isMap(node)) {
      record(pointer, 'value', node.range?.[0]);
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyOffset = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? pair.key.range?.[0] : undefined;
        const key = keyText(pair.key);
        if (key === undefined) {
          const position = keyOffset === undefined ? {} : toPosition(keyOffset);
          const expected = 'a string key';
          problems.push({ pointer, message: `expected ${expected}, found a collection used as a key`, expected, found: 'a collection', ...position });
          continue;
        }
        const child = childPointer(pointer, key);
        if (seen.has(key)) {
          const position = keyOffset === undefined ? {} : toPosition(keyOffset);
          const expected = 'each key once per object';
          const message = `duplicate key ${quote(key)}: expected ${expected} (the later value would silently replace the earlier)`;
          problems.push({ pointer: child, message, expected, found: `${quote(key)} twice`, ...position });
        }
        seen.add(key);
        record(child, 'key', keyOffset);
        if (pair.value === null || pair.value === undefined) record(child, 'value', keyOffset);
        else walk(pair.value, child, depth + 1);
      }
    }
  };
  walk(document.contents, '', 0);

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const expected = 'YAML whose aliases expand to a reasonably sized document';
    const message = error instanceof Error ? error.message : String(error);
    return { value: undefined, problems: [{ pointer: '', message: `cannot read the document: ${message}`, expected, found: message }], positionOf };
  }
  return { value, problems, positionOf };
}

/** The key as the yaml package's toJS spells it in a plain object (null is '', scalars are String()ed). */
function keyText(key: unknown): string | undefined {
  if (key === null || key === undefined) return '';
  if (!isScalar(key)) return undefined;
  const value: unknown = key.value;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

function syntaxProblem(
  error: YAMLError,
  toPosition: (offset: number) => { line: number; column: number },
): LocatableProblem {
  const reason = error.message.split('\n')[0] ?? error.code;
  const expected = 'well-formed YAML or JSON';
  return {
    pointer: '',
    message: `cannot parse the document: ${reason}`,
    expected,
    found: error.code,
    ...toPosition(error.pos[0]),
  };
}
