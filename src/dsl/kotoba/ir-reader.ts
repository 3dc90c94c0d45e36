import { type JsonObject, isJsonObject } from '../../model/json.js';
import { childPointer } from '../../model/task-ref.js';
import type { LocatableProblem } from '../serverless/problem-positions.js';
import { describeValue, joinAlternatives, quote } from '../serverless/schema-descriptions.js';
import type { IrForm } from './workflow-ir.js';

/**
 * How much a reader checks. `all` (the default) rejects everything that would make the workflow wrong to run:
 * unknown properties, undefined references, impossible numbers. `shape` rejects only what the seed's own serde
 * reader rejected (missing fields, wrong types, unknown variants, non-integer values), so a document the crate
 * wrote reads back even when it could not run — `workflow_ir.serde.json` is such a document.
 */
export type IrChecks = 'all' | 'shape';

/** Reads one value at a pointer; `undefined` means it was wrong and a problem was recorded. */
export type ValueReader<T> = (value: unknown, pointer: string) => T | undefined;

/**
 * The state of one read: the form being read, how strictly, and the problems found so far. Readers return
 * `undefined` for a node they rejected, having recorded why, and carry on with its siblings so one pass reports
 * every problem.
 */
export class IrReader {
  readonly problems: LocatableProblem[] = [];

  constructor(
    readonly form: IrForm,
    readonly checks: IrChecks,
  ) {}

  get isStrict(): boolean {
    return this.checks === 'all';
  }

  /** A value of the wrong shape: always a problem. */
  mismatch(pointer: string, expected: string, value: unknown, hint = ''): undefined {
    const found = describeValue(value);
    this.problems.push({ pointer, message: `expected ${expected}, found ${found}${hint}`, expected, found });
    return undefined;
  }

  /** A problem beyond shape (a reference, a range, a duplicate): reported under `checks: 'all'` only. */
  check(problem: LocatableProblem): void {
    if (this.isStrict) this.problems.push(problem);
  }

  object(value: unknown, pointer: string, expected = 'an object'): JsonObject | undefined {
    return isJsonObject(value) ? value : this.mismatch(pointer, expected, value);
  }

  /** Unexpected properties (strict only): serde ignores them, but in an authored file they are typos. */
  allowOnly(object: JsonObject, pointer: string, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (allowed.includes(key)) continue;
      this.check({
        pointer,
        property: key,
        at: 'key',
        message: `unexpected property ${quote(key)}; expected one of ${allowed.join(', ')}`,
        expected: `one of ${allowed.join(', ')}`,
        found: quote(key),
      });
    }
  }

  /** A property that must be present (and not null). */
  required<T>(object: JsonObject, pointer: string, key: string, read: ValueReader<T>): T | undefined {
    const value = object[key];
    if (value === undefined || value === null) {
      this.problems.push({
        pointer,
        property: key,
        message: `missing required property ${quote(key)}`,
        expected: `an object with ${key}`,
        found: describeValue(object),
      });
      return undefined;
    }
    return read(value, childPointer(pointer, key));
  }

  /** A property that may be absent or null (serde's `Option`, written `null` for None). */
  optional<T>(object: JsonObject, pointer: string, key: string, read: ValueReader<T>): T | undefined {
    const value = object[key];
    return value === undefined || value === null ? undefined : read(value, childPointer(pointer, key));
  }

  /** Required in one form, optional with a default in the other. */
  defaulted<T>(object: JsonObject, pointer: string, key: string, read: ValueReader<T>, options: DefaultOptions<T>): T | undefined {
    if (options.isRequiredIn === this.form) return this.required(object, pointer, key, read);
    const value = object[key];
    return value === undefined || value === null ? options.fallback : read(value, childPointer(pointer, key));
  }

  readonly string: ValueReader<string> = (value, pointer) =>
    typeof value === 'string' ? value : this.mismatch(pointer, 'a string', value);

  /** A string that names something: empty is a shape error only in strict mode. */
  readonly name: ValueReader<string> = (value, pointer) => {
    const text = this.string(value, pointer);
    if (text !== undefined && text.trim() === '') {
      this.check({ pointer, message: 'expected a non-empty string, found an empty one', expected: 'a non-empty string', found: "'' (string)" });
    }
    return text;
  };

  readonly boolean: ValueReader<boolean> = (value, pointer) =>
    typeof value === 'boolean' ? value : this.mismatch(pointer, 'a boolean (true or false)', value);

  readonly number: ValueReader<number> = (value, pointer) =>
    typeof value === 'number' && Number.isFinite(value) ? value : this.mismatch(pointer, 'a number', value);

  /** An integer in [min, max]: the range is the Rust type's (`u32`, `i32`, `u64`), so it is a shape check. */
  integer(min: number, max: number): ValueReader<number> {
    return (value, pointer) =>
      typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
        ? value
        : this.mismatch(pointer, `an integer from ${min} to ${max}`, value);
  }

  array<T>(readItem: ValueReader<T>): ValueReader<T[]> {
    return (value, pointer) => {
      if (!Array.isArray(value)) return this.mismatch(pointer, 'an array', value);
      const items = value.map((item, index) => readItem(item, childPointer(pointer, index)));
      return items.every((item) => item !== undefined) ? (items) : undefined;
    };
  }

  /** An object used as a map (`HashMap<String, T>`): any keys, each value read by `readValue`. */
  map<T>(readValue: ValueReader<T>, expected = 'an object'): ValueReader<Record<string, T>> {
    return (value, pointer) => {
      const object = this.object(value, pointer, expected);
      if (object === undefined) return undefined;
      const entries = Object.entries(object).map(([key, item]) => [key, readValue(item, childPointer(pointer, key))] as const);
      return entries.every(([, item]) => item !== undefined) ? (Object.fromEntries(entries) as Record<string, T>) : undefined;
    };
  }

  /**
   * A tag (`op`, `type`, a policy name) matched case-insensitively and without `_`, so `SubWorkflow`, `subworkflow`
   * and `sub_workflow` are one; `names` maps the folded spelling to the model's.
   */
  tag<T extends string>(names: Readonly<Record<string, T>>, what: string, otherForm: Readonly<Record<string, string>> = {}): ValueReader<T> {
    return (value, pointer) => {
      if (typeof value !== 'string') return this.mismatch(pointer, `${what} (a string)`, value);
      const folded = foldTag(value);
      const known = names[folded];
      if (known !== undefined) return known;
      const spellings = Object.keys(names).map((name) => this.spelling(name));
      const expected = `${what}: ${joinAlternatives(spellings)}`;
      const hint = otherForm[folded];
      return this.mismatch(pointer, expected, value, hint === undefined ? '' : ` (${hint})`);
    };
  }

  /** How this form spells a folded tag in messages. */
  spelling(folded: string): string {
    return this.form === 'serde' ? (SERDE_SPELLINGS[folded] ?? folded) : (KOTOBA_SPELLINGS[folded] ?? folded);
  }
}

export interface DefaultOptions<T> {
  /** The form in which the property is required; in the other, a missing one takes `fallback`. */
  readonly isRequiredIn?: IrForm;
  readonly fallback: T;
}

export function foldTag(tag: string): string {
  return tag.toLowerCase().replaceAll('_', '');
}

/** Spellings for messages, so they name what the author writes (`SubWorkflow`, `advanced_saga`). */
const SERDE_SPELLINGS: Readonly<Record<string, string>> = {
  seq: 'Seq', parallel: 'Parallel', decision: 'Decision', wait: 'Wait', saga: 'Saga', advancedsaga: 'AdvancedSaga',
  activity: 'Activity', subworkflow: 'SubWorkflow', basic: 'Basic', once: 'Once', exhaust: 'Exhaust', while: 'While',
  choice: 'Choice', priority: 'Priority', timer: 'Timer', event: 'Event', signal: 'Signal', function: 'Function',
  http: 'Http', process: 'Process', graphql: 'GraphQL', all: 'All', any: 'Any', atleast: 'AtLeast',
  reverseorder: 'ReverseOrder', custom: 'Custom', conditional: 'Conditional',
};
const KOTOBA_SPELLINGS: Readonly<Record<string, string>> = {
  advancedsaga: 'advanced_saga', atleast: 'at_least', reverseorder: 'reverse_order',
};
