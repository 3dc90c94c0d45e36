import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { parse as parseIsoDuration } from 'tinyduration';
import { type JsonObject, jsonText } from '../model/json.js';

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

/** ISO 8601 (`'PT30S'`, `'P1DT2H'`) or the Serverless Workflow inline form (`{ seconds: 30 }`), as workflows write it. */
export type ActivityDuration =
  | string
  | { readonly days?: number; readonly hours?: number; readonly minutes?: number; readonly seconds?: number; readonly milliseconds?: number };

/**
 * An activity's own retry policy: the shape of a Serverless Workflow `catch.retry` policy, computed by the same
 * formulas (README "Retries"). `limit.attempt.count` is the number of retries after the first attempt (unbounded when
 * absent, as in the DSL); `when`/`exceptWhen` are jq conditions over `$error` (the attempt's problem), checked when
 * they are first needed.
 */
export interface ActivityRetryPolicy {
  readonly when?: string;
  readonly exceptWhen?: string;
  /** @default no delay */
  readonly delay?: ActivityDuration;
  /** @default constant */
  readonly backoff?:
    | { readonly constant: { readonly maxDelay?: ActivityDuration } }
    | { readonly linear: { readonly maxDelay?: ActivityDuration } }
    | { readonly exponential: { readonly factor?: number; readonly maxDelay?: ActivityDuration } };
  readonly limit?: {
    readonly attempt?: { readonly count?: number; readonly duration?: ActivityDuration };
    readonly duration?: ActivityDuration;
  };
  readonly jitter?: { readonly from: ActivityDuration; readonly to: ActivityDuration };
}

/** What an activity definition may declare besides `name` and `run`; every member is optional. */
export interface ActivityOptions {
  /** JSON Schema (draft 2020-12) the input (`with` / `input_mapping`) must match before `run` is called. */
  readonly inputSchema?: JsonObject | boolean;
  /** Each attempt's time limit, counted from the attempt's recorded start. */
  readonly timeout?: ActivityDuration;
  /** Re-runs a failed attempt (a thrown error, a timeout) after a durable delay. */
  readonly retry?: ActivityRetryPolicy;
  /** An attempt that calls `ctx.heartbeat()` less often than this is stuck: it is aborted with a `timeout` problem. */
  readonly heartbeatTimeout?: ActivityDuration;
}

const DURATION_UNITS = new Set(['days', 'hours', 'minutes', 'seconds', 'milliseconds']);
const RETRY_KEYS = new Set(['when', 'exceptWhen', 'delay', 'backoff', 'limit', 'jitter']);
const BACKOFFS = new Set(['constant', 'linear', 'exponential']);

/**
 * The problems of an activity's options, each `<JSON pointer>: expected …, found …`; empty when they are valid. A
 * plain `{ name, run }` has none. Durations are checked here and converted by the runtime's duration rules.
 *
 * @example
 * activityOptionProblems({ timeout: 'soon' }); // ["/timeout: expected an ISO 8601 duration (PT30S) or …, found \"soon\""]
 */
export function activityOptionProblems(options: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const { inputSchema, timeout, retry, heartbeatTimeout } = options;
  if (inputSchema !== undefined) problems.push(...schemaProblems(inputSchema));
  if (timeout !== undefined) problems.push(...durationProblems(timeout, '/timeout', { isPositive: true }));
  if (heartbeatTimeout !== undefined) problems.push(...durationProblems(heartbeatTimeout, '/heartbeatTimeout', { isPositive: true }));
  if (retry !== undefined) problems.push(...retryProblems(retry));
  return problems;
}

function schemaProblems(schema: unknown): string[] {
  if (typeof schema !== 'boolean' && !isPlainObject(schema)) return [`/inputSchema: expected a JSON Schema (an object or a boolean), found ${shown(schema)}`];
  // The runtime validates with ajv's draft 2020-12 and formats (src/runtime/json-schema-validator.ts): compiling with
  // the same settings here means a schema accepted now is one the runtime can use.
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  try {
    ajv.compile(schema as object);
    return [];
  } catch (error) {
    return [`/inputSchema: expected a valid JSON Schema (draft 2020-12), found one ajv rejects: ${error instanceof Error ? error.message : String(error)}`];
  }
}

function durationProblems(value: unknown, pointer: string, { isPositive = false } = {}): string[] {
  const expected = `expected ${isPositive ? 'a positive' : 'an'} ISO 8601 duration (PT30S) or an object of days, hours, minutes, seconds, milliseconds`;
  if (typeof value === 'string') {
    if (value.includes('${')) return [`${pointer}: ${expected} (an activity's options are not expressions), found ${shown(value)}`];
    let parsed: ReturnType<typeof parseIsoDuration>;
    try {
      parsed = parseIsoDuration(value.trim());
    } catch {
      return [`${pointer}: ${expected}, found ${shown(value)}`];
    }
    const total = Object.entries(parsed).reduce((sum, [unit, n]) => (unit === 'negative' || typeof n !== 'number' ? sum : sum + n), 0);
    if (parsed.negative === true || (isPositive && total <= 0)) return [`${pointer}: ${expected}, found ${shown(value)}`];
    return [];
  }
  if (!isPlainObject(value)) return [`${pointer}: ${expected}, found ${shown(value)}`];
  const entries = Object.entries(value);
  const bad = entries.find(([unit, n]) => !DURATION_UNITS.has(unit) || typeof n !== 'number' || !Number.isFinite(n) || n < 0);
  if (bad !== undefined || entries.length === 0 || (isPositive && entries.every(([, n]) => n === 0))) return [`${pointer}: ${expected}, found ${shown(value)}`];
  return [];
}

function retryProblems(retry: unknown): string[] {
  if (!isPlainObject(retry)) return [`/retry: expected a retry policy object ({ delay, backoff, limit, jitter }), found ${shown(retry)}`];
  const problems: string[] = [];
  for (const key of Object.keys(retry)) {
    if (!RETRY_KEYS.has(key)) problems.push(`/retry/${key}: expected one of ${[...RETRY_KEYS].join(', ')}, found an unknown member`);
  }
  for (const key of ['when', 'exceptWhen'] as const) {
    const condition = retry[key];
    if (condition !== undefined && (typeof condition !== 'string' || condition.trim() === '')) problems.push(`/retry/${key}: expected a jq condition, found ${shown(condition)}`);
  }
  if (retry['delay'] !== undefined) problems.push(...durationProblems(retry['delay'], '/retry/delay'));
  problems.push(...backoffProblems(retry['backoff']));
  const limit = retry['limit'];
  if (limit !== undefined) {
    if (!isPlainObject(limit)) problems.push(`/retry/limit: expected an object ({ attempt: { count, duration }, duration }), found ${shown(limit)}`);
    else {
      if (limit['duration'] !== undefined) problems.push(...durationProblems(limit['duration'], '/retry/limit/duration', { isPositive: true }));
      const attempt = limit['attempt'];
      if (attempt !== undefined && !isPlainObject(attempt)) problems.push(`/retry/limit/attempt: expected an object ({ count, duration }), found ${shown(attempt)}`);
      else if (attempt !== undefined) {
        const count = attempt['count'];
        if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 0)) {
          problems.push(`/retry/limit/attempt/count: expected a whole number ≥ 0 (the retries after the first attempt), found ${shown(count)}`);
        }
        if (attempt['duration'] !== undefined) problems.push(...durationProblems(attempt['duration'], '/retry/limit/attempt/duration', { isPositive: true }));
      }
    }
  }
  const jitter = retry['jitter'];
  if (jitter !== undefined) {
    if (!isPlainObject(jitter) || jitter['from'] === undefined || jitter['to'] === undefined) problems.push(`/retry/jitter: expected { from, to } durations, found ${shown(jitter)}`);
    else problems.push(...durationProblems(jitter['from'], '/retry/jitter/from'), ...durationProblems(jitter['to'], '/retry/jitter/to'));
  }
  return problems;
}

function backoffProblems(backoff: unknown): string[] {
  if (backoff === undefined) return [];
  const expected = 'expected one of { constant: {} }, { linear: {} }, { exponential: { factor?, maxDelay? } }';
  const entries = isPlainObject(backoff) ? Object.entries(backoff) : [];
  const [kind, settings] = entries[0] ?? [];
  if (entries.length !== 1 || kind === undefined || !BACKOFFS.has(kind) || !isPlainObject(settings)) return [`/retry/backoff: ${expected}, found ${shown(backoff)}`];
  const problems: string[] = [];
  for (const key of Object.keys(settings)) {
    const isKnown = key === 'maxDelay' || (key === 'factor' && kind === 'exponential');
    if (!isKnown) problems.push(`/retry/backoff/${kind}/${key}: expected ${kind === 'exponential' ? 'factor or maxDelay' : 'maxDelay'}, found an unknown member`);
  }
  const factor = settings['factor'];
  if (factor !== undefined && (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1)) {
    problems.push(`/retry/backoff/exponential/factor: expected a number ≥ 1, found ${shown(factor)}`);
  }
  if (settings['maxDelay'] !== undefined) problems.push(...durationProblems(settings['maxDelay'], `/retry/backoff/${kind}/maxDelay`));
  return problems;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'string' ? JSON.stringify(value) : jsonText(value);
}
