import type { DefinitionProblem } from '../../model/definition-problems.js';
import { childPointer } from '../../model/task-ref.js';
import { type PositionOf, placeProblems } from '../serverless/problem-positions.js';
import { quote } from '../serverless/schema-descriptions.js';
import { type IrChecks, IrReader, type ValueReader } from './ir-reader.js';
import { durationReader, kvalueReader } from './ir-values.js';
import { type OpFacts, OpReader } from './read-ops.js';
import { retryPolicyReader } from './read-retry-policy.js';
import { checkReferences } from './reference-checks.js';
import {
  type ActivityDeclaration,
  type ActivityImplementation,
  type ActivityParam,
  type IrForm,
  type KValue,
  type WorkflowIr,
  type WorkflowParam,
  paramTypes,
} from './workflow-ir.js';

export interface ReadWorkflowIrOptions {
  /** @default 'all' — see {@link IrChecks}. */
  readonly checks?: IrChecks;
  /**
   * Names of the activities registered with the engine. When given, every `activity_ref` and rule must name one of
   * them or an activity the workflow declares; when not, they are checked only against declared activities (if any).
   */
  readonly activities?: readonly string[];
  /** Where the value's nodes are in its source text, for line and column (the serde JSON form). */
  readonly positionOf?: PositionOf;
}

export type ReadWorkflowIrResult =
  | { readonly ok: true; readonly workflow: WorkflowIr }
  | { readonly ok: false; readonly problems: readonly DefinitionProblem[] };

const WORKFLOW_FIELDS = ['id', 'name', 'description', 'version', 'inputs', 'outputs', 'strategy', 'activities', 'timeout', 'retry_policy', 'metadata'];

/**
 * Reads a `.kotoba` file's evaluated value: `{ workflow: { … } }` in the authoring form (lower-case ops, ISO
 * durations, params with `type`, optional `required`/`input_mapping`/`metadata`). Pointers start at `/workflow`.
 */
export function readKotobaWorkflow(value: unknown, options: ReadWorkflowIrOptions = {}): ReadWorkflowIrResult {
  const reader = new IrReader('kotoba', options.checks ?? 'all');
  const root = reader.object(value, '', 'an object with workflow');
  if (root !== undefined) {
    reader.allowOnly(root, '', ['workflow']);
    const workflow = reader.required(root, '', 'workflow', (node, pointer) => readWorkflow(reader, node, pointer, options));
    if (workflow !== undefined && reader.problems.length === 0) return { ok: true, workflow };
  }
  return { ok: false, problems: placeProblems(reader.problems, options.positionOf) };
}

/**
 * Reads the serde JSON form (what kotoba-workflow's `serde_json::to_string(&ir)` writes): PascalCase ops,
 * `{secs, nanos}` durations, `Basic { strategy }` for rule strategies, every field required but the `Option`s —
 * except `activities`, which serde omits when empty and so defaults to `[]` here (IR.md §2a).
 */
export function readSerdeWorkflow(value: unknown, options: ReadWorkflowIrOptions = {}): ReadWorkflowIrResult {
  const reader = new IrReader('serde', options.checks ?? 'all');
  const workflow = readWorkflow(reader, value, '', options);
  if (workflow !== undefined && reader.problems.length === 0) return { ok: true, workflow };
  return { ok: false, problems: placeProblems(reader.problems, options.positionOf) };
}

function readWorkflow(reader: IrReader, value: unknown, pointer: string, options: ReadWorkflowIrOptions): WorkflowIr | undefined {
  const object = reader.object(value, pointer, `a workflow (an object with ${WORKFLOW_FIELDS.join(', ')})`);
  if (object === undefined) return undefined;
  reader.allowOnly(object, pointer, WORKFLOW_FIELDS);
  const facts: OpFacts = { activityRefs: [], rules: [], mappings: [] };
  const ops = new OpReader(reader, facts);
  const duration = durationReader(reader);
  const params = paramsReader(reader);

  const id = reader.required(object, pointer, 'id', reader.name);
  const name = reader.required(object, pointer, 'name', reader.name);
  const description = reader.optional(object, pointer, 'description', reader.string);
  const version = reader.required(object, pointer, 'version', reader.name);
  const inputs = reader.required(object, pointer, 'inputs', params);
  const outputs = reader.required(object, pointer, 'outputs', params);
  const strategy = reader.required(object, pointer, 'strategy', ops.op);
  const activities = reader.defaulted(object, pointer, 'activities', activitiesReader(reader), { fallback: [] });
  const timeout = reader.optional(object, pointer, 'timeout', duration);
  const retryPolicy = reader.optional(object, pointer, 'retry_policy', retryPolicyReader(reader));
  const metadata = reader.defaulted(object, pointer, 'metadata', reader.map(kvalueReader(reader)), { isRequiredIn: 'serde', fallback: {} });

  if (
    id === undefined || name === undefined || version === undefined || inputs === undefined || outputs === undefined ||
    strategy === undefined || activities === undefined || metadata === undefined
  ) {
    return undefined;
  }
  checkReferences(reader, facts, { declared: activities.map((activity) => activity.name), registered: options.activities }, inputs);
  return {
    id,
    name,
    ...(description === undefined ? {} : { description }),
    version,
    inputs,
    outputs,
    strategy,
    activities,
    ...(timeout === undefined ? {} : { timeout }),
    ...(retryPolicy === undefined ? {} : { retryPolicy }),
    metadata,
  };
}

/** The key of a parameter's type: `type` in `.kotoba` (as the seed's parser read it), `param_type` in serde. */
function typeKey(form: IrForm): string {
  return form === 'kotoba' ? 'type' : 'param_type';
}

function paramsReader(reader: IrReader): ValueReader<WorkflowParam[]> {
  const kvalue = kvalueReader(reader);
  const param: ValueReader<WorkflowParam> = (value, pointer) => {
    const key = typeKey(reader.form);
    const object = reader.object(value, pointer, `a parameter (an object with name, ${key}, required, default_value)`);
    if (object === undefined) return undefined;
    reader.allowOnly(object, pointer, ['name', key, 'required', 'default_value']);
    const name = reader.required(object, pointer, 'name', reader.name);
    const type = reader.required(object, pointer, key, reader.string);
    const isRequired = reader.defaulted(object, pointer, 'required', reader.boolean, { isRequiredIn: 'serde', fallback: false });
    const defaultValue = reader.optional(object, pointer, 'default_value', kvalue);
    if (name === undefined || type === undefined || isRequired === undefined) return undefined;
    if (object['default_value'] != null && defaultValue === undefined) return undefined;
    checkParamType(reader, childPointer(pointer, key), type);
    if (defaultValue !== undefined) checkDefault(reader, childPointer(pointer, 'default_value'), type, defaultValue);
    return { name, type, isRequired, ...(defaultValue === undefined ? {} : { defaultValue }) };
  };
  return uniqueNames(reader, reader.array(param), 'parameter');
}

function checkParamType(reader: IrReader, pointer: string, type: string): void {
  if ((paramTypes as readonly string[]).includes(type)) return;
  const expected = `a parameter type: one of ${paramTypes.join(', ')}`;
  reader.check({ pointer, message: `expected ${expected}, found ${quote(type)}`, expected, found: quote(type) });
}

/** A default must be a value of its parameter's type, or the input check at start would reject its own default. */
function checkDefault(reader: IrReader, pointer: string, type: string, value: KValue): void {
  const isOfType: Readonly<Record<string, (v: KValue) => boolean>> = {
    string: (v) => typeof v === 'string',
    number: (v) => typeof v === 'number',
    integer: (v) => typeof v === 'number',
    boolean: (v) => typeof v === 'boolean',
    array: (v) => Array.isArray(v),
    object: () => false,
    any: () => true,
  };
  const test = isOfType[type];
  if (test === undefined || test(value)) return;
  const expected = type === 'object' ? 'no default (kotoba values have no objects)' : `a default of type ${type}`;
  reader.check({ pointer, message: `expected ${expected}, found ${JSON.stringify(value)}`, expected, found: JSON.stringify(value) });
}

/** Reports a name used twice in a list (parameters, activities), at the later one. */
function uniqueNames<T extends { readonly name: string }>(reader: IrReader, read: ValueReader<T[]>, what: string): ValueReader<T[]> {
  return (value, pointer) => {
    const items = read(value, pointer);
    const first = new Map<string, number>();
    items?.forEach((item, index) => {
      const earlier = first.get(item.name);
      if (earlier === undefined) {
        first.set(item.name, index);
        return;
      }
      const expected = `each ${what} name once`;
      reader.check({
        pointer: childPointer(pointer, index, 'name'),
        message: `duplicate ${what} ${quote(item.name)} (first at ${childPointer(pointer, earlier)}): expected ${expected}`,
        expected,
        found: `${quote(item.name)} twice`,
      });
    });
    return items;
  };
}

const ACTIVITY_FIELDS = ['name', 'description', 'inputs', 'outputs', 'timeout', 'retry_policy', 'implementation'];
const IMPLEMENTATIONS = { function: 'function', http: 'http', process: 'process', graphql: 'graphql' } as const;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function activitiesReader(reader: IrReader): ValueReader<ActivityDeclaration[]> {
  const duration = durationReader(reader);
  const retry = retryPolicyReader(reader);
  const activityParam: ValueReader<ActivityParam> = (value, pointer) => {
    const key = typeKey(reader.form);
    const object = reader.object(value, pointer, `an activity parameter (an object with name, ${key}, required)`);
    if (object === undefined) return undefined;
    reader.allowOnly(object, pointer, ['name', key, 'required']);
    const name = reader.required(object, pointer, 'name', reader.name);
    const type = reader.required(object, pointer, key, reader.string);
    const isRequired = reader.defaulted(object, pointer, 'required', reader.boolean, { isRequiredIn: 'serde', fallback: false });
    return name !== undefined && type !== undefined && isRequired !== undefined ? { name, type, isRequired } : undefined;
  };
  const activityParams = uniqueNames(reader, reader.array(activityParam), 'parameter');
  const activity: ValueReader<ActivityDeclaration> = (value, pointer) => {
    const object = reader.object(value, pointer, `an activity (an object with ${ACTIVITY_FIELDS.join(', ')})`);
    if (object === undefined) return undefined;
    reader.allowOnly(object, pointer, ACTIVITY_FIELDS);
    const name = reader.required(object, pointer, 'name', reader.name);
    const description = reader.optional(object, pointer, 'description', reader.string);
    const inputs = reader.defaulted(object, pointer, 'inputs', activityParams, { isRequiredIn: 'serde', fallback: [] });
    const outputs = reader.defaulted(object, pointer, 'outputs', activityParams, { isRequiredIn: 'serde', fallback: [] });
    const timeout = reader.optional(object, pointer, 'timeout', duration);
    const retryPolicy = reader.optional(object, pointer, 'retry_policy', retry);
    const implementation = reader.required(object, pointer, 'implementation', (node, at) => readImplementation(reader, node, at));
    if (name === undefined || inputs === undefined || outputs === undefined || implementation === undefined) return undefined;
    if ((object['timeout'] != null && timeout === undefined) || (object['retry_policy'] != null && retryPolicy === undefined)) return undefined;
    return {
      name,
      ...(description === undefined ? {} : { description }),
      inputs,
      outputs,
      ...(timeout === undefined ? {} : { timeout }),
      ...(retryPolicy === undefined ? {} : { retryPolicy }),
      implementation,
    };
  };
  return uniqueNames(reader, reader.array(activity), 'activity');
}

function readImplementation(reader: IrReader, value: unknown, pointer: string): ActivityImplementation | undefined {
  const object = reader.object(value, pointer, 'an implementation (an object with type Function, Http, Process or GraphQL)');
  if (object === undefined) return undefined;
  const kind = reader.required(object, pointer, 'type', reader.tag(IMPLEMENTATIONS, 'an implementation type'));
  const stringMap = reader.map(reader.string);
  const required = (key: string): string | undefined => reader.required(object, pointer, key, reader.name);
  const defaulted = <T>(key: string, read: ValueReader<T>, fallback: T): T | undefined =>
    reader.defaulted(object, pointer, key, read, { isRequiredIn: 'serde', fallback });
  switch (kind) {
    case undefined:
      return undefined;
    case 'function': {
      reader.allowOnly(object, pointer, ['type', 'function_name']);
      const functionName = required('function_name');
      return functionName === undefined ? undefined : { kind, functionName };
    }
    case 'http': {
      reader.allowOnly(object, pointer, ['type', 'url', 'method', 'headers']);
      const [url, method, headers] = [required('url'), required('method'), defaulted('headers', stringMap, {})];
      if (url === undefined || method === undefined || headers === undefined) return undefined;
      checkUrl(reader, childPointer(pointer, 'url'), url);
      if (!HTTP_METHODS.includes(method.toUpperCase())) {
        const expected = `an HTTP method: one of ${HTTP_METHODS.join(', ')}`;
        reader.check({ pointer: childPointer(pointer, 'method'), message: `expected ${expected}, found ${quote(method)}`, expected, found: quote(method) });
      }
      return { kind, url, method, headers };
    }
    case 'process': {
      reader.allowOnly(object, pointer, ['type', 'command', 'args', 'env']);
      const [command, args, env] = [required('command'), defaulted('args', reader.array(reader.string), []), defaulted('env', stringMap, {})];
      return command !== undefined && args !== undefined && env !== undefined ? { kind, command, args, env } : undefined;
    }
    case 'graphql': {
      // operation_name and headers are Itonami's (the seed's GraphQL carries query and endpoint only): optional in
      // both forms, so the seed's documents read and write back unchanged.
      reader.allowOnly(object, pointer, ['type', 'query', 'endpoint', 'operation_name', 'headers']);
      const [query, endpoint] = [required('query'), required('endpoint')];
      const operationName = reader.optional(object, pointer, 'operation_name', reader.name);
      const headers = reader.optional(object, pointer, 'headers', stringMap);
      if (query === undefined || endpoint === undefined) return undefined;
      if ((object['operation_name'] != null && operationName === undefined) || (object['headers'] != null && headers === undefined)) return undefined;
      checkUrl(reader, childPointer(pointer, 'endpoint'), endpoint);
      return { kind, query, endpoint, ...(operationName === undefined ? {} : { operationName }), headers: headers ?? {} };
    }
  }
}

function checkUrl(reader: IrReader, pointer: string, url: string): void {
  if (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) return;
  const expected = 'an absolute http or https URL';
  reader.check({ pointer, message: `expected ${expected}, found ${quote(url)}`, expected, found: quote(url) });
}

