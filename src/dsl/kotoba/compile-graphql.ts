/**
 * A GraphQL activity (`implementation: { type: GraphQL, endpoint, query }`) compiled to plain Serverless Workflow
 * tasks: no runtime piece, so the request is the ordinary `call: http` (recorded once, replayed, retried, timed out
 * and cancelled as every HTTP call is) and the response rule is two `raise` tasks guarded by `if`.
 *
 * - Request: `POST endpoint` with `{ query, variables, operationName? }` as JSON; `variables` is the activity's
 *   `input_mapping` (`$.`-paths read from the state). `accept: application/json` asks a GraphQL-over-HTTP server to
 *   answer request errors with 200 and an `errors` list rather than a 4xx; the author's headers (Itonami's
 *   `headers` extension) come on top, names compared case-insensitively.
 * - Response `{ data }` without errors: `data` is the activity's output (merged into the state like any output).
 * - Response with a non-empty `errors` list, whatever the HTTP status that carried it: a `communication` problem
 *   (status 500, as the type's default) whose `detail` is the first error's message and whose `errors` extension is
 *   the whole list. `communication`, not `runtime`: the far side failed and said so over the wire, which is what a
 *   4xx/5xx from the same endpoint already is, so one `catch`/retry filter covers both ways a server reports failure.
 * - No response, or a status outside 2xx: the `call: http` problem (`communication`, real status, body excerpt).
 * - A 2xx answer that is not a GraphQL response (not a JSON object with `data` or `errors`): `communication` 502,
 *   the status `call: http` gives a body that is not what it declared.
 */
import type { JsonObject } from '../../model/json.js';
import { problemTypes } from '../../model/problems.js';
import { expression } from './state-expressions.js';
import { type CallArguments, jqString } from './sw-fragments.js';
import type { ActivityImplementation } from './workflow-ir.js';

type GraphqlImplementation = Extract<ActivityImplementation, { kind: 'graphql' }>;

const DEFAULT_HEADERS: Readonly<Record<string, string>> = { accept: 'application/json', 'content-type': 'application/json' };

/** How much of a non-GraphQL answer goes into the problem's detail (as `call: http` excerpts error bodies). */
const EXCERPT_CHARS = 200;

/** jq over the response: true unless it is `{ data?, errors? }` with at least one of them and `errors` a list. */
const IS_NOT_GRAPHQL_RESPONSE =
  '(type == "object" and (has("data") or has("errors")) and ((.errors // []) | type) == "array") | not';

/** jq over the response: a non-empty `errors` list (GraphQL spec §7.1.2: present only when there are errors). */
const HAS_ERRORS = '(.errors | length) > 0';

/**
 * The task an activity `ref` of this implementation compiles to (its timeout, export and retry are the caller's),
 * with its inner tasks named by `name` (unique in the document).
 *
 * @example
 * graphqlCall('lookup', { kind: 'graphql', query: 'query($id: ID!) { order(id: $id) { status } }',
 *   endpoint: 'http://127.0.0.1:4000/graphql', headers: {} }, args, (base) => base);
 * // { do: [ { 'lookup-request': { call: 'http', … } }, { 'lookup-not-graphql': { if, raise } }, … ], output: { as: '${ .data }' } }
 */
export function graphqlCall(ref: string, implementation: GraphqlImplementation, args: CallArguments, name: (base: string) => string): JsonObject {
  const operation = implementation.operationName === undefined ? '' : `, operationName: ${jqString(implementation.operationName)}`;
  // One expression for the whole body: the query text is a jq string literal, so nothing in it is ever evaluated.
  const body = expression(`{query: ${jqString(implementation.query)}, variables: ${args.object}${operation}}`);
  const request = { method: 'post', endpoint: implementation.endpoint, headers: requestHeaders(implementation.headers), body };
  return {
    do: [
      { [name(`${ref}-request`)]: { call: 'http', with: request } },
      { [name(`${ref}-not-graphql`)]: { if: expression(IS_NOT_GRAPHQL_RESPONSE), raise: { error: notGraphqlError(implementation.endpoint) } } },
      { [name(`${ref}-errors`)]: { if: expression(HAS_ERRORS), raise: { error: graphqlErrors() } } },
    ],
    // A skipped raise passes its input on, so the list's output is the response.
    output: { as: expression('.data') },
  };
}

/** The defaults, then the author's headers, a name the author gives replacing the default of any case. */
function requestHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const given = new Set(Object.keys(headers).map((key) => key.toLowerCase()));
  const defaults = Object.entries(DEFAULT_HEADERS).filter(([key]) => !given.has(key));
  return { ...Object.fromEntries(defaults), ...headers };
}

/** The raised problem (Itonami's `raise.error` expression form, every member kept) for a response with errors. */
function graphqlErrors(): string {
  const { type, status, title } = problemTypes.communication;
  const firstMessage = '(.errors[0] | if type == "object" and (.message | type) == "string" then .message else tojson end)';
  return expression(`{type: ${jqString(type)}, status: ${status}, title: ${jqString(title)}, detail: ${firstMessage}, errors: .errors}`);
}

function notGraphqlError(endpoint: string): string {
  const { type, title } = problemTypes.communication;
  const prefix = `POST ${endpoint} did not answer with a GraphQL response (a JSON object with data or errors): `;
  const excerpt = `(if type == "string" then . else tojson end | if length > ${EXCERPT_CHARS} then .[0:${EXCERPT_CHARS}] + "…" else . end)`;
  return expression(`{type: ${jqString(type)}, status: 502, title: ${jqString(title)}, detail: (${jqString(prefix)} + ${excerpt})}`);
}
