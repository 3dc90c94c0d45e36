import { isDeepStrictEqual } from 'node:util';
import { type JsonObject, isJsonObject } from '../../model/json.js';
import { childPointer, pointerSegment } from '../../model/task-ref.js';
import { taskKinds } from '../../model/workflow.js';
import { SINGLE_KEY_ITEMS, describeSchema, describeValue, joinAlternatives, quote } from './schema-descriptions.js';
import { declaredKeys, evaluatedKeys } from './evaluated-properties.js';
import { type SchemaValidator, schemaValidator } from './schema-validator.js';

/**
 * Turns "ajv says no" into one message per problem: the JSON pointer of the bad node, what was expected, what was
 * found. ajv's own error list is no use for that: a task is a `oneOf` of twelve kinds, so one typo yields dozens
 * of errors from branches the author never meant, and `unevaluatedProperties` adds spurious ones whenever a branch
 * fails. So we walk the schema beside the document ourselves and ask ajv only "is this value valid here?":
 * - a task is validated against the kind its keyword names (zero or two keywords is itself the problem), a call
 *   against the branch its `call` value names;
 * - any other failing `oneOf`/`anyOf` is explained by its best branch: the one whose problems lie deepest in the
 *   value (it matched the most); when no branch gets past the value itself, one message lists the alternatives;
 * - unexpected properties are computed as JSON Schema 2020-12 does (properties evaluated by passing subschemas).
 */

/** How far a problem shows a branch got: a wrong type says it was the wrong branch; `const` names another one. */
export type SchemaIssueKind = 'type' | 'value' | 'shape' | 'const';

export interface SchemaIssue {
  /** JSON pointer of the node concerned. */
  readonly pointer: string;
  /** The property of that node concerned (a missing or unexpected one), if any. */
  readonly property?: string;
  readonly message: string;
  readonly expected: string;
  readonly found: string;
  readonly kind: SchemaIssueKind;
  /** An unexpected property (set with `property`). */
  readonly isUnexpected?: boolean;
  /** A union's "none of these alternatives" message. */
  readonly isCombined?: boolean;
}

const TASK = '/$defs/task';
const CALL_TASK = '/$defs/callTask';
/** Rank of a missing or unexpected property on the value itself: the branch's type fitted, its shape did not. */
const SHAPE_RANK = 0.5;

/** The problems of `document` against the official schema; `[]` when it is valid. */
export function schemaIssues(document: unknown, validator: SchemaValidator = schemaValidator()): SchemaIssue[] {
  // explain() returns at least one issue for any value ajv rejects: where no keyword below accounts for the
  // failure, it falls back to "expected <that node>, found <value>".
  const issues = explain(validator, '', document, '');
  return issues.filter(
    (issue, index) =>
      issues.findIndex(
        (other) => other.pointer === issue.pointer && other.property === issue.property && other.message === issue.message,
      ) === index,
  );
}

function explain(v: SchemaValidator, location: string, value: unknown, pointer: string): SchemaIssue[] {
  if (v.isValid(location, value)) return [];
  const issues = explainNode(v, location, value, pointer);
  return issues.length > 0 ? issues : [mismatch(v, location, value, pointer, 'value')];
}

function explainNode(v: SchemaValidator, location: string, value: unknown, pointer: string): SchemaIssue[] {
  const node = v.nodeAt(location);
  if (!isJsonObject(node)) return [];
  if (node.type !== undefined && !matchesType(node.type, value)) return [mismatch(v, location, value, pointer, 'type')];
  if (location === TASK) return explainTask(v, node, value, pointer);
  if (location === CALL_TASK) return explainCall(v, node, value, pointer);

  const issues: SchemaIssue[] = [];
  const valueIssue = checkValue(v, location, node, value, pointer);
  if (valueIssue !== undefined) issues.push(valueIssue);
  if (isJsonObject(value)) issues.push(...checkObject(v, location, node, value, pointer));
  if (Array.isArray(value)) issues.push(...checkArray(v, location, node, value, pointer));
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
    issues.push(...explain(v, node.$ref.slice(1), value, pointer));
  }
  if (Array.isArray(node.allOf)) {
    node.allOf.forEach((_, index) => issues.push(...explain(v, `${location}/allOf/${index}`, value, pointer)));
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = node[keyword];
    if (Array.isArray(branches)) issues.push(...explainUnion(v, location, keyword, branches.length, value, pointer));
  }
  if (node.if !== undefined) {
    const branch = v.isValid(`${location}/if`, value) ? 'then' : 'else';
    if (node[branch] !== undefined) issues.push(...explain(v, `${location}/${branch}`, value, pointer));
  }
  if (node.not !== undefined && v.isValid(`${location}/not`, value)) issues.push(notIssue(v, location, value, pointer));
  // "unexpected property 'some'; expected one of all, any, one" already says what "no branch has its key" would.
  if (issues.some((issue) => issue.pointer === pointer && issue.isUnexpected === true)) {
    return issues.filter((issue) => !(issue.pointer === pointer && issue.isCombined === true && issue.kind === 'shape'));
  }
  return issues;
}

/** A task is checked against the kind its keyword names, so messages speak of that kind only. */
function explainTask(v: SchemaValidator, node: JsonObject, value: unknown, pointer: string): SchemaIssue[] {
  if (!isJsonObject(value)) return [mismatch(v, TASK, value, pointer, 'type')];
  // `do` is also the body of a `for`, so a task with both is a `for` (as taskKindOf decides).
  const present = taskKinds.filter((kind) => Object.hasOwn(value, kind) && !(kind === 'do' && Object.hasOwn(value, 'for')));
  const [kind] = present;
  if (present.length !== 1 || kind === undefined) {
    const found = present.length === 0 ? `none (${describeValue(value)})` : present.join(', ');
    const expected = `exactly one of ${taskKinds.join(', ')}`;
    return [{ pointer, message: `expected ${expected}; found ${found}`, expected, found, kind: 'shape' }];
  }
  const branches = Array.isArray(node.oneOf) ? node.oneOf : [];
  const index = branches.findIndex((branch) => isJsonObject(branch) && branch.$ref === `#/$defs/${kind}Task`);
  if (index < 0) return [mismatch(v, TASK, value, pointer, 'value')];
  return explain(v, `${TASK}/oneOf/${index}`, value, pointer);
}

/** A call is checked against the branch its `call` value names: a built-in, or else a custom function. */
function explainCall(v: SchemaValidator, node: JsonObject, value: unknown, pointer: string): SchemaIssue[] {
  if (!isJsonObject(value)) return [mismatch(v, CALL_TASK, value, pointer, 'type')];
  const branches = Array.isArray(node.oneOf) ? node.oneOf : [];
  const consts = branches.map(callConst);
  const call = value.call;
  if (typeof call !== 'string') {
    const builtIns = consts.filter((name): name is string => name !== undefined);
    const expected = `a string (${builtIns.join(', ')} or the name of a function)`;
    const found = describeValue(call);
    return [{ pointer: childPointer(pointer, 'call'), message: `expected ${expected}, found ${found}`, expected, found, kind: 'type' }];
  }
  const named = consts.indexOf(call);
  const index = named >= 0 ? named : consts.indexOf(undefined);
  if (index < 0) return [mismatch(v, CALL_TASK, value, pointer, 'value')];
  return explain(v, `${CALL_TASK}/oneOf/${index}`, value, pointer);
}

function callConst(branch: unknown): string | undefined {
  const members = isJsonObject(branch) && Array.isArray(branch.allOf) ? branch.allOf : [];
  for (const member of members) {
    const call = isJsonObject(member) && isJsonObject(member.properties) ? member.properties.call : undefined;
    if (isJsonObject(call) && typeof call.const === 'string') return call.const;
  }
  return undefined;
}

function explainUnion(
  v: SchemaValidator,
  location: string,
  keyword: 'oneOf' | 'anyOf',
  count: number,
  value: unknown,
  pointer: string,
): SchemaIssue[] {
  const locations = Array.from({ length: count }, (_, index) => `${location}/${keyword}/${index}`);
  const passing = locations.filter((branch) => v.isValid(branch, value));
  if (passing.length === 1 || (keyword === 'anyOf' && passing.length > 1)) return [];
  if (passing.length > 1) return [ambiguity(v, locations, passing, value, pointer)];
  const candidates = locations.map((branch) => {
    const issues = explain(v, branch, value, pointer);
    return { issues, score: branchScore(issues, pointer) };
  });
  const best = Math.max(...candidates.map((candidate) => candidate.score));
  const top = candidates.filter((candidate) => candidate.score === best);
  const [only] = top;
  if (top.length === 1 && only !== undefined && best >= 0) return only.issues;
  if (top.length > 1 && best > SHAPE_RANK) {
    return top.reduce((fewest, candidate) => (candidate.issues.length < fewest.issues.length ? candidate : fewest)).issues;
  }
  // No branch got past the value itself: name every alternative rather than guess one.
  return [{ ...mismatch(v, location, value, pointer, best < 0 ? 'type' : best === 0 ? 'value' : 'shape'), isCombined: true }];
}

/**
 * A value matching several `oneOf` branches. When each branch is "an object with <key>" (run, transport, backoff…)
 * the message names the keys; otherwise it names the branches.
 */
function ambiguity(
  v: SchemaValidator,
  branches: readonly string[],
  passing: readonly string[],
  value: unknown,
  pointer: string,
): SchemaIssue {
  const keys = branches.map((branch) => singleRequiredKey(v.nodeAt(branch)));
  if (isJsonObject(value) && keys.every((key) => key !== undefined)) {
    const expected = `exactly one of ${keys.join(', ')}`;
    const found = keys.filter((key) => key !== undefined && Object.hasOwn(value, key)).join(', ');
    return { pointer, message: `expected ${expected}; found ${found}`, expected, found, kind: 'value' };
  }
  const expected = `exactly one of ${joinAlternatives(branches.map((branch) => describeSchema(v.nodeAt, branch)))}`;
  const found = `${describeValue(value)}, which matches ${passing.length} of them`;
  return { pointer, message: `expected ${expected}; found ${found}`, expected, found, kind: 'value' };
}

function singleRequiredKey(node: unknown): string | undefined {
  if (!isJsonObject(node)) return undefined;
  const required = Array.isArray(node.required) ? node.required : [];
  const [key] = required;
  return required.length === 1 && typeof key === 'string' ? key : undefined;
}

/** How far a branch matched: the depth of its deepest problem below the union's value (-1: wrong type or const). */
function branchScore(issues: readonly SchemaIssue[], base: string): number {
  if (issues.some((issue) => issue.kind === 'const')) return -1;
  const baseDepth = depthOf(base);
  let best = -1;
  for (const issue of issues) {
    const depth = depthOf(issue.pointer) - baseDepth;
    const rank = depth > 0 ? depth : issue.kind === 'type' ? -1 : issue.kind === 'shape' ? SHAPE_RANK : 0;
    best = Math.max(best, rank);
  }
  return best;
}

function depthOf(pointer: string): number {
  let depth = 0;
  for (const char of pointer) if (char === '/') depth += 1;
  return depth;
}

/** const, enum, pattern, format and bounds: at most one message per node, they all say "expected <node>". */
function checkValue(
  v: SchemaValidator,
  location: string,
  node: JsonObject,
  value: unknown,
  pointer: string,
): SchemaIssue | undefined {
  if (node.const !== undefined && !isDeepStrictEqual(node.const, value)) {
    return mismatch(v, location, value, pointer, 'const');
  }
  if (Array.isArray(node.enum) && !node.enum.some((option) => isDeepStrictEqual(option, value))) {
    return mismatch(v, location, value, pointer, 'value');
  }
  const failsString =
    typeof value === 'string' &&
    ((typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(value)) ||
      (typeof node.format === 'string' && !v.isValidFormat(node.format, value)) ||
      (typeof node.minLength === 'number' && [...value].length < node.minLength));
  const failsNumber =
    typeof value === 'number' &&
    ((typeof node.minimum === 'number' && value < node.minimum) ||
      (typeof node.maximum === 'number' && value > node.maximum));
  return failsString || failsNumber ? mismatch(v, location, value, pointer, 'value') : undefined;
}

function checkObject(
  v: SchemaValidator,
  location: string,
  node: JsonObject,
  value: JsonObject,
  pointer: string,
): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const keys = Object.keys(value);
  for (const name of Array.isArray(node.required) ? node.required : []) {
    if (typeof name === 'string' && !Object.hasOwn(value, name)) {
      const expected = `property '${name}'`;
      issues.push({ pointer, property: name, message: `missing required property '${name}'`, expected, found: describeValue(value), kind: 'shape' });
    }
  }
  const item = typeof node.title === 'string' ? SINGLE_KEY_ITEMS[node.title] : undefined;
  const { minProperties, maxProperties } = node;
  if (item !== undefined && keys.length !== 1) {
    const found = describeValue(value);
    issues.push({ pointer, message: `expected ${item}, found ${found}`, expected: item, found, kind: 'shape' });
  } else if (typeof minProperties === 'number' && keys.length < minProperties) {
    const expected = `at least ${minProperties} propert${minProperties === 1 ? 'y' : 'ies'}`;
    const found = describeValue(value);
    issues.push({ pointer, message: `expected ${expected}, found ${found}`, expected, found, kind: 'shape' });
  } else if (typeof maxProperties === 'number' && keys.length > maxProperties) {
    const expected = `at most ${maxProperties} propert${maxProperties === 1 ? 'y' : 'ies'}`;
    const found = describeValue(value);
    issues.push({ pointer, message: `expected ${expected}, found ${found}`, expected, found, kind: 'shape' });
  }

  const properties = isJsonObject(node.properties) ? node.properties : {};
  for (const [name, schema] of Object.entries(properties)) {
    if (!Object.hasOwn(value, name)) continue;
    if (schema === false) issues.push(unexpected(pointer, name, [], '(the schema forbids it here)'));
    else issues.push(...explain(v, `${location}/properties/${pointerSegment(name)}`, value[name], childPointer(pointer, name)));
  }
  const extra = keys.filter((key) => !Object.hasOwn(properties, key));
  if (node.additionalProperties === false) {
    for (const key of extra) issues.push(unexpected(pointer, key, Object.keys(properties)));
  } else if (isJsonObject(node.additionalProperties)) {
    for (const key of extra) {
      issues.push(...explain(v, `${location}/additionalProperties`, value[key], childPointer(pointer, key)));
    }
  }
  if (node.unevaluatedProperties === false) {
    const evaluated = evaluatedKeys(v, location, value);
    if (evaluated !== 'all') {
      const declared = declaredKeys(v, location);
      for (const key of keys) if (!evaluated.has(key)) issues.push(unexpected(pointer, key, declared));
    }
  }
  return issues;
}

function checkArray(v: SchemaValidator, location: string, node: JsonObject, value: unknown[], pointer: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  if (typeof node.minItems === 'number' && value.length < node.minItems) {
    const expected = `at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`;
    const found = describeValue(value);
    issues.push({ pointer, message: `expected ${expected}, found ${found}`, expected, found, kind: 'shape' });
  }
  if (node.items !== undefined) {
    value.forEach((item, index) => issues.push(...explain(v, `${location}/items`, item, childPointer(pointer, index))));
  }
  return issues;
}

function notIssue(v: SchemaValidator, location: string, value: unknown, pointer: string): SchemaIssue {
  const not = v.nodeAt(`${location}/not`);
  const forbidden = isJsonObject(not) && Array.isArray(not.required) && isJsonObject(value)
    ? not.required.find((name): name is string => typeof name === 'string' && Object.hasOwn(value, name))
    : undefined;
  if (forbidden !== undefined) return unexpected(pointer, forbidden, [], '(not allowed together with the other values here)');
  const expected = `anything but ${describeSchema(v.nodeAt, `${location}/not`)}`;
  const found = describeValue(value);
  return { pointer, message: `expected ${expected}, found ${found}`, expected, found, kind: 'value' };
}

function unexpected(pointer: string, name: string, declared: readonly string[], reason?: string): SchemaIssue {
  const expected = declared.length > 0 ? `one of ${declared.join(', ')}` : 'no such property';
  const detail = reason ?? (declared.length > 0 ? `; expected ${expected}` : '');
  return {
    pointer,
    property: name,
    message: `unexpected property ${quote(name)}${reason === undefined ? detail : ` ${detail}`}`,
    expected,
    found: `property ${quote(name)}`,
    kind: 'shape',
    isUnexpected: true,
  };
}

function mismatch(v: SchemaValidator, location: string, value: unknown, pointer: string, kind: SchemaIssueKind): SchemaIssue {
  const expected = describeSchema(v.nodeAt, location);
  const found = describeValue(value);
  return { pointer, message: `expected ${expected}, found ${found}`, expected, found, kind };
}

function matchesType(type: unknown, value: unknown): boolean {
  const types: unknown[] = Array.isArray(type) ? type : [type];
  return types.some((name) => {
    switch (name) {
      case 'integer':
        return Number.isInteger(value);
      case 'object':
        return isJsonObject(value);
      case 'array':
        return Array.isArray(value);
      case 'null':
        return value === null;
      default:
        return typeof value === name;
    }
  });
}

