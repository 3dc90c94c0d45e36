/**
 * call (DSL 1.0.3 "Call"): `http` and `openapi` through the engine's HTTP activities; a custom function from
 * `use.functions`, or from a catalog as `name:version@catalog`, runs as the task it defines with `with` as its
 * input. The response — or the error it raised, e.g. `communication` with the real status — is recorded before it
 * is used (`EffectCompleted`/`EffectFailed`), so replay never calls again; the idempotency key (execution, task
 * reference, attempt) goes out as `Idempotency-Key`. Recorded requests keep secret names, never authorization
 * headers. `grpc`, `asyncapi`, `a2a` and `mcp` are not implemented yet and raise a `runtime` error naming the type.
 * A function registered with the engine (an activity) runs under its `inputSchema`, `timeout`, `retry` and
 * `heartbeatTimeout`: see activity-call.ts for what its attempts record.
 */
import { callRegisteredActivity } from '../activity-call.js';
import { endpointUri } from '../endpoint-uri.js';
import type { HttpOutputFormat } from '../../activities/effects.js';
import { expandUriTemplate } from '../../expressions/uri-template.js';
import { isRuntimeExpression } from '../../expressions/runtime-expressions.js';
import { type Json, type JsonObject, isJsonObject, jsonText } from '../../model/json.js';
import { ProblemError, problem } from '../../model/problems.js';
import type { CallTask, Task } from '../../model/workflow.js';
import { authorizationArgument, resolveAuthentication } from '../authentication.js';
import type { TaskContext } from '../task-context.js';
import type { TaskHandler } from '../task-kinds.js';

const NOT_YET = new Set(['grpc', 'asyncapi', 'a2a', 'mcp']);
const CATALOG_CALL = /^(?<name>[^:@]+):(?<version>[^:@]+)@(?<catalog>[^:@]+)$/;

export const executeCall: TaskHandler<CallTask> = async (task, ctx) => {
  const name = String(task.call);
  const args = ((task as { with?: unknown }).with ?? {}) as JsonObject;
  if (name === 'http') return { output: await callHttp(ctx, args) };
  if (name === 'openapi') return { output: await callOpenApi(ctx, args) };
  if (NOT_YET.has(name)) {
    throw new ProblemError(
      problem('runtime', { detail: `call: ${name} is not supported by this version of Itonami yet (supported: http, openapi, custom and catalog functions)`, instance: ctx.pointer }),
    );
  }
  return { output: await callFunction(ctx, name, args) };
};

async function callHttp(ctx: TaskContext, args: JsonObject): Promise<Json> {
  const endpoint = args['endpoint'];
  const endpointObject = isJsonObject(endpoint ?? null) ? (endpoint as JsonObject) : undefined;
  const uriTemplate = endpointObject === undefined ? endpoint : endpointObject['uri'];
  if (typeof uriTemplate !== 'string') throw configuration(ctx, 'call http needs endpoint or endpoint.uri as a string');
  const uri = isRuntimeExpression(uriTemplate) ? jsonText(ctx.evaluate(uriTemplate)) : expandUriTemplate(uriTemplate, ctx.input, ctx.pointer);
  const authentication = resolveAuthentication(ctx, endpointObject?.['authentication']);
  const scoped = ctx.withVariables({ authorization: authorizationArgument(authentication) });
  const headers = stringMap(ctx, scoped.evaluateTemplate(args['headers'] ?? {}), 'headers');
  const query = stringMap(ctx, scoped.evaluateTemplate(args['query'] ?? {}), 'query');
  const body = args['body'] === undefined ? undefined : scoped.evaluateTemplate(args['body']);
  const method = jsonText(args['method'] ?? 'get').toUpperCase();
  return ctx.effect('call', 'http', (signal) =>
    ctx.run.ports.effects.http({
      ...ctx.effectOptions(signal),
      method,
      uri,
      headers,
      query,
      ...(body === undefined ? {} : { body }),
      output: outputFormat(args['output']),
      redirect: args['redirect'] === true,
      ...(authentication === undefined ? {} : { authentication }),
    }),
  );
}

async function callOpenApi(ctx: TaskContext, args: JsonObject): Promise<Json> {
  const document = args['document'];
  const endpoint = isJsonObject(document ?? null) ? (document as JsonObject)['endpoint'] : undefined;
  const uri = endpointUri(endpoint);
  if (uri === undefined) throw configuration(ctx, 'call openapi needs document.endpoint');
  const operationId = args['operationId'];
  if (typeof operationId !== 'string') throw configuration(ctx, 'call openapi needs an operationId');
  const authentication = resolveAuthentication(ctx, args['authentication']);
  const documentAuthentication = isJsonObject(endpoint ?? null) ? resolveAuthentication(ctx, (endpoint as JsonObject)['authentication']) : undefined;
  const parameters = ctx.withVariables({ authorization: authorizationArgument(authentication) }).evaluateTemplate(args['parameters'] ?? {});
  if (!isJsonObject(parameters)) throw configuration(ctx, 'call openapi parameters must be an object');
  return ctx.effect('call', 'openapi', (signal) =>
    ctx.run.ports.effects.openapi({
      ...ctx.effectOptions(signal),
      document: { uri, ...(documentAuthentication === undefined ? {} : { authentication: documentAuthentication }) },
      operationId,
      parameters,
      output: outputFormat(args['output']),
      redirect: args['redirect'] === true,
      ...(authentication === undefined ? {} : { authentication }),
    }),
  );
}

/**
 * A function of `use.functions` (or a catalog) is a task: it runs as one, under this call's reference, with the
 * evaluated `with` as its input. A function registered with the engine runs as recorded attempts under its activity
 * options (activity-call.ts).
 */
async function callFunction(ctx: TaskContext, name: string, args: JsonObject): Promise<Json> {
  const input = ctx.evaluateTemplate(args);
  const declared = ctx.run.document.use?.functions?.[name];
  if (declared === undefined && !CATALOG_CALL.test(name)) return callRegisteredActivity(ctx, name, input);
  const definition = declared ?? (await catalogFunction(ctx, name));
  const outcome = await ctx.runTask(definition, name, `${ctx.pointer}/call`, input, { ...ctx.scope, signal: ctx.signal });
  return outcome.output;
}

async function catalogFunction(ctx: TaskContext, call: string): Promise<Task> {
  const match = CATALOG_CALL.exec(call)?.groups;
  if (match === undefined) throw configuration(ctx, `function '${call}' is not defined in use.functions`);
  const { name = '', version = '', catalog = '' } = match;
  const declared = ctx.run.document.use?.catalogs?.[catalog] as { endpoint?: unknown } | undefined;
  const uri = endpointUri(declared?.endpoint);
  if (uri === undefined) throw configuration(ctx, `catalog '${catalog}' is not defined in use.catalogs`);
  const task = await ctx.effect('function', 'catalog', async (signal) =>
    (await ctx.run.ports.effects.resolveCatalogFunction({ name, version, catalog: { uri }, signal })) as unknown as Json,
  );
  return task as unknown as Task;
}

function outputFormat(value: unknown): HttpOutputFormat {
  return value === 'response' || value === 'raw' ? value : 'content';
}

function stringMap(ctx: TaskContext, value: Json, what: string): Record<string, string> {
  if (value === null) return {};
  if (!isJsonObject(value)) throw configuration(ctx, `call http ${what} must be an object`);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

function configuration(ctx: TaskContext, detail: string): ProblemError {
  return new ProblemError(problem('configuration', { detail, instance: ctx.pointer }));
}
