import { isJsonObject } from '../../model/json.js';
import { taskKinds } from '../../model/workflow.js';

/**
 * Noun phrases for "expected …, found …": what a schema node accepts, and what a value is. Written for workflow
 * authors, so the schema's own titles (`WorkflowVersion`, `DurationInline`) never appear.
 */

/** Definitions worth one hand-written phrase, because their structure reads badly (unions of unions). */
const NAMED_DEFINITIONS: Readonly<Record<string, string>> = {
  '/$defs/runtimeExpression': 'a runtime expression (${ … })',
  '/$defs/uriTemplate': 'an absolute URI or URI template (scheme://…)',
  '/$defs/duration':
    'a duration (an ISO 8601 string such as PT30S, an object with days, hours, minutes, seconds or milliseconds, ' +
    'or a runtime expression)',
  '/$defs/endpoint': 'an endpoint (an absolute URI template, a runtime expression, or an object with uri)',
  '/$defs/task': `a task (an object with exactly one of ${taskKinds.join(', ')})`,
  '/$defs/taskList': 'a list of tasks (single-key objects naming each task)',
  '/$defs/flowDirective': 'a flow directive (continue, exit, end or the name of a task)',
  '/$defs/eventConsumptionStrategy': 'an event consumption strategy (an object with all, any or one)',
  '/$defs/authenticationPolicy': 'an authentication policy (an object with basic, bearer, digest, oauth2 or oidc)',
  '/$defs/referenceableAuthenticationPolicy':
    'an authentication policy (an object with basic, bearer, digest, oauth2 or oidc) or a reference (an object with use)',
  '/$defs/schema': 'a schema (an object with document or resource, and optionally format)',
  '/$defs/timeout': 'a timeout (an object with after)',
  '/$defs/error': 'an error (an object with type and status)',
  '/$defs/externalResource': 'an external resource (an object with endpoint)',
};

/** Lists of single-key objects (task lists, switch cases, extensions), by the schema's title for the item. */
export const SINGLE_KEY_ITEMS: Readonly<Record<string, string>> = {
  TaskItem: 'one task per list item (a single-key object naming the task)',
  SwitchItem: 'one case per switch item (a single-key object naming the case)',
  ExtensionItem: 'one extension per item (a single-key object naming the extension)',
};

const FORMATS: Readonly<Record<string, string>> = {
  uri: 'a URI',
  'uri-template': 'a URI template',
  'date-time': 'an RFC 3339 date-time',
  'json-pointer': 'a JSON pointer',
};

/** Recognisers for the schema's patterns, so a message says "a semantic version string", not the regex. */
const PATTERNS: readonly { readonly matches: (pattern: string) => boolean; readonly phrase: string }[] = [
  { matches: (p) => p.startsWith('^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)'), phrase: 'a semantic version string' },
  {
    matches: (p) => p === '^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$',
    phrase: "a DNS label (letters, digits and '-', at most 63 characters, not starting or ending with '-')",
  },
  { matches: (p) => p === '^[a-zA-Z0-9](?:[a-zA-Z0-9-.]{0,61}[a-zA-Z0-9])?$', phrase: 'a host name' },
  { matches: (p) => p.startsWith('^\\s*\\$\\{'), phrase: NAMED_DEFINITIONS['/$defs/runtimeExpression'] ?? '' },
  { matches: (p) => p.startsWith('^P(?!$)'), phrase: 'an ISO 8601 duration such as PT30S' },
  { matches: (p) => p.startsWith('^[A-Za-z][A-Za-z0-9+\\-.]*://'), phrase: 'an absolute URI (scheme://…)' },
];

/** Reads the schema node at a location; supplied by the validator so this file stays free of ajv. */
export type SchemaNodeAt = (location: string) => unknown;

/** What the schema node at `location` accepts, as a noun phrase ("an integer from 0 to 65535"). */
export function describeSchema(nodeAt: SchemaNodeAt, location: string, depth = 0): string {
  const named = NAMED_DEFINITIONS[location];
  if (named !== undefined) return named;
  const node = nodeAt(location);
  if (node === true) return 'any value';
  if (node === false) return 'nothing (the property is not allowed here)';
  if (!isJsonObject(node) || depth > 6) return 'a value matching the schema';
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
    return describeSchema(nodeAt, node.$ref.slice(1), depth + 1);
  }
  const item = typeof node.title === 'string' ? SINGLE_KEY_ITEMS[node.title] : undefined;
  if (item !== undefined) return item;
  if (node.const !== undefined) return quote(node.const);
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((value) => plain(value)).join(', ')}`;
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = node[keyword];
    if (Array.isArray(branches)) {
      const phrases = branches.map((_, index) => describeSchema(nodeAt, `${location}/${keyword}/${index}`, depth + 1));
      return joinAlternatives(phrases);
    }
  }
  const allOf = node.allOf;
  const required = stringList(node.required);
  if (node.type === undefined && required.length === 0 && Array.isArray(allOf) && allOf.length > 0) {
    return describeSchema(nodeAt, `${location}/allOf/0`, depth + 1);
  }
  return describeTyped(node, required);
}

function describeTyped(node: Readonly<Record<string, unknown>>, required: readonly string[]): string {
  const type = node.type;
  if (typeof node.pattern === 'string' && (type === undefined || type === 'string')) {
    const pattern = node.pattern;
    return PATTERNS.find((known) => known.matches(pattern))?.phrase ?? `a string matching /${pattern}/`;
  }
  if (typeof node.format === 'string') return FORMATS[node.format] ?? `a ${node.format} string`;
  switch (type) {
    case 'string':
      return typeof node.minLength === 'number' && node.minLength > 0 ? 'a non-empty string' : 'a string';
    case 'integer':
    case 'number': {
      const noun = type === 'integer' ? 'an integer' : 'a number';
      const { minimum, maximum } = node;
      if (typeof minimum === 'number' && typeof maximum === 'number') return `${noun} from ${minimum} to ${maximum}`;
      if (typeof minimum === 'number') return `${noun} of at least ${minimum}`;
      if (typeof maximum === 'number') return `${noun} of at most ${maximum}`;
      return noun;
    }
    case 'boolean':
      return 'a boolean (true or false)';
    case 'null':
      return 'null';
    case 'array':
      return typeof node.minItems === 'number' && node.minItems > 0 ? 'a non-empty array' : 'an array';
    case 'object':
    case undefined:
      if (required.length > 0) return `an object with ${joinAll(required)}`;
      if (type === 'object') {
        return typeof node.minProperties === 'number' && node.minProperties > 0 ? 'a non-empty object' : 'an object';
      }
      return 'a value matching the schema';
    default:
      return Array.isArray(type) ? joinAlternatives(type.map((name) => `a ${String(name)}`)) : 'a value';
  }
}

/** "a, b or c", with "an object with x" alternatives merged into "an object with one of x, y". */
export function joinAlternatives(phrases: readonly string[]): string {
  const unique = phrases.filter((phrase, index) => phrases.indexOf(phrase) === index);
  const objectPrefix = 'an object with ';
  const single = /^an object with [^\s,]+$/;
  if (unique.length > 1 && unique.every((phrase) => single.test(phrase))) {
    return `${objectPrefix}one of ${unique.map((phrase) => phrase.slice(objectPrefix.length)).join(', ')}`;
  }
  if (unique.length <= 1) return unique[0] ?? 'nothing';
  return `${unique.slice(0, -1).join(', ')} or ${unique.at(-1) ?? ''}`;
}

function joinAll(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

const MAX_TEXT = 60;
const MAX_KEYS = 8;

/** What a value is: `'soon' (string)`, `1 (number)`, `an object with keys method, uri`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `${quote(value)} (string)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} (${typeof value})`;
  if (Array.isArray(value)) {
    return value.length === 0 ? 'an empty array' : `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, MAX_KEYS).join(', ');
    return `an object with key${keys.length === 1 ? '' : 's'} ${shown}${keys.length > MAX_KEYS ? ', …' : ''}`;
  }
  return typeof value;
}

/** A value quoted for a message: strings in single quotes, shortened; anything else as JSON. */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  const short = value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
  return `'${short.replaceAll('\n', '\\n')}'`;
}

function plain(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
