/**
 * The jq a compiled WorkflowIR runs: how the kotoba workflow *state* lives in Serverless Workflow's `$context`.
 *
 * The state is `{ inputs, activities, …merged activity outputs }`:
 * - `inputs`: the checked workflow input, defaults applied (set once, by the first task);
 * - every activity's output object merged in as it completes (later keys win), and every output — object or not —
 *   kept under `activities.<activity_ref>`;
 * - a `parallel` (all) merges what each branch changed at its join, in branch declaration order;
 * - `sagas.<pointer>`: an advanced saga's record (the compensable steps that completed, the compensations' results),
 *   merged deeply at a join so that no branch's record hides another's.
 *
 * `input_mapping` values: `$.inputs.x` / `$.a.b` read that path of the state (`${ $context.inputs.x }`), `$` the
 * whole state; any other string is a literal. A decision condition that is a bare identifier is a truthy state
 * field; anything else is jq over the state (`.` is the state, and `$.` reads as `$context.`).
 */
import type { KValue } from './workflow-ir.js';
import { mappingValue } from './mapping-values.js';

/** Wraps jq as a runtime expression. */
export function expression(jq: string): string {
  return `\${ ${jq} }`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `$context.a.b`, with `["…"]` for keys that are not jq identifiers. */
export function statePath(segments: readonly string[]): string {
  return segments.reduce((path, segment) => (IDENTIFIER.test(segment) ? `${path}.${segment}` : `${path}[${JSON.stringify(segment)}]`), '$context');
}

/**
 * An `input_mapping` value as an SW `with` value: a state path becomes an expression; a literal stays itself unless
 * it would read as an expression (`${ … }`), then it becomes a jq string literal so it is never evaluated.
 */
export function mappingArgument(text: string): string {
  const mapping = mappingValue(text);
  if (mapping.kind === 'path') return expression(statePath(mapping.segments));
  return text.includes('${') ? expression(JSON.stringify(text)) : text;
}

/** A `with` object from an `input_mapping`, keys in their order. */
export function mappingArguments(mapping: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(mapping).map(([key, value]) => [key, mappingArgument(value)]));
}

/** An `input_mapping` as one jq object expression (for where a single value is needed). */
export function mappingObject(mapping: Readonly<Record<string, string>>): string {
  const fields = Object.entries(mapping).map(([key, text]) => {
    const value = mappingValue(text);
    return `${JSON.stringify(key)}: ${value.kind === 'path' ? statePath(value.segments) : JSON.stringify(text)}`;
  });
  return `{${fields.join(', ')}}`;
}

/** The value an event-filter entry expects: a state path read at the wait, or the literal itself. */
export function filterExpectation(value: KValue): string {
  if (typeof value === 'string') {
    const mapping = mappingValue(value);
    if (mapping.kind === 'path') return expression(statePath(mapping.segments));
  }
  return expression(JSON.stringify(value));
}

/** Reads an event attribute, or else the same field of an object `data` (evaluated on the event envelope). */
export function eventFieldExpression(key: string): string {
  const field = `.[${JSON.stringify(key)}]`;
  return expression(`if has(${JSON.stringify(key)}) then ${field} else (.data | if type == "object" then ${field} else null end) end`);
}

/** The first task's `set`: the initial state, from the workflow input with the declared defaults under it. */
export function initialState(defaults: Readonly<Record<string, KValue>>): string {
  return expression(`{inputs: (${JSON.stringify(defaults)} + .), activities: {}}`);
}

/** The state field under which advanced sagas keep their records (`sagas.<saga pointer>`). */
export const SAGAS_FIELD = 'sagas';

/** jq (a path) for one saga's record in the state: `.sagas["/workflow/strategy"]`. */
export function sagaRecordPath(sagaKey: string): string {
  return `.${SAGAS_FIELD}[${JSON.stringify(sagaKey)}]`;
}

/**
 * An activity's `export.as`: its output (`.`) merged into the state when it is an object, and kept under
 * `activities.<ref>` in every case. `sagaKeys` are the advanced sagas that compensate this step: each records it
 * as completed (`sagas.<key>.completed.<ref> = true`), in the same export, so the record and the step's outputs
 * enter the state together.
 */
export function activityExport(ref: string, sagaKeys: readonly string[] = []): string {
  const records = sagaKeys.map((key) => ` | ${sagaRecordPath(key)}.completed[${JSON.stringify(ref)}] = true`).join('');
  return expression(
    `. as $out | ($context + (if ($out | type) == "object" then $out else {} end))` +
      ` | .activities = ((.activities // {}) + {${JSON.stringify(ref)}: $out})${records}`,
  );
}

/**
 * A rule's `export.as` (see `compile-rules.ts`): a result `{applied: true, …outputs}` merges its outputs (without
 * `applied`) into the state and is kept whole under `activities.<rule>`; a rule that did not apply changes nothing.
 */
export function ruleExport(rule: string): string {
  return expression(
    `. as $out | if ($out | type) == "object" and $out.applied == true` +
      ` then ($context + ($out | del(.applied))) | .activities = ((.activities // {}) + {${JSON.stringify(rule)}: $out})` +
      ' else $context end',
  );
}

/**
 * A `parallel` (all) fork's `export.as`. Its output is the array of the branches' final states in declaration
 * order (`branchState` picks the state out of a branch's output); `$context` is the state the fork started with. Each branch contributes the top-level fields it changed,
 * and the `activities` entries it changed, in declaration order — so a later branch wins only where it wrote,
 * never by arrival order, and never by carrying a stale copy of a field another branch changed.
 */
export function parallelMergeExport(branchState = '.'): string {
  // `sagas` (an object) merges recursively (jq `*`): each branch adds its steps to the same saga records.
  const isSagas = `(.key == "${SAGAS_FIELD}" and (.value | type) == "object")`;
  const pick = branchState === '.' ? '' : ` | ${branchState}`;
  return expression(
    `$context as $start | reduce (.[] | select(. != null)${pick}) as $branch ($start;` +
      ` reduce ($branch | to_entries[] | select(.key != "activities" and (${isSagas} | not) and .value != $start[.key])) as $field (.; .[$field.key] = $field.value)` +
      ' | .activities = ((.activities // {}) + (($branch.activities // {}) | with_entries(select(.value != ($start.activities // {})[.key]))))' +
      ` | if ($branch.${SAGAS_FIELD} | type) == "object" then .${SAGAS_FIELD} = ((.${SAGAS_FIELD} | if type == "object" then . else {} end) * $branch.${SAGAS_FIELD}) else . end)`,
  );
}

/** A branch's last task: its output is the branch's final state, which the fork's export merges. */
export const BRANCH_STATE = expression('$context');

/**
 * A decision condition as a switch `when`: a bare identifier is that state field, truthy as in JavaScript (not
 * null, false, 0 or ""); anything else is jq with `.` the state and `$.` read as `$context.`.
 */
export function conditionExpression(condition: string): string {
  return expression(conditionBody(condition));
}

/** {@link conditionExpression} as bare, parenthesised jq, to combine with other jq. */
export function conditionJq(condition: string): string {
  return `(${conditionBody(condition)})`;
}

function conditionBody(condition: string): string {
  const trimmed = condition.trim();
  if (IDENTIFIER.test(trimmed)) return `${statePath([trimmed])} as $v | ($v != null and $v != false and $v != 0 and $v != "")`;
  return `$context | (${replaceStatePaths(trimmed)})`;
}

/** A value read from the state as bare jq: a bare identifier is that state field; anything else is jq over the state. */
export function stateValueJq(text: string): string {
  const trimmed = text.trim();
  return IDENTIFIER.test(trimmed) ? statePath([trimmed]) : `($context | (${replaceStatePaths(trimmed)}))`;
}

/** `$.` → `$context.` outside string literals (`$.` is not jq, so nothing else is changed). */
export function replaceStatePaths(jq: string): string {
  let result = '';
  let inString = false;
  for (let index = 0; index < jq.length; index += 1) {
    const char = jq[index];
    if (inString) {
      result += char;
      if (char === '\\') {
        result += jq[index + 1] ?? '';
        index += 1;
      } else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    if (char === '$' && jq[index + 1] === '.') {
      result += '$context';
      continue;
    }
    result += char;
  }
  return result;
}

/**
 * Whether `$error` is one of the policy's non-retryable errors, as the seed matched and the issue specifies: its
 * `name` or `code` (kept by activity errors), `title`, or `type` (whole, or its last segment) equals a listed string,
 * or its `detail` (the activity error's message) contains one.
 */
export function nonRetryableCondition(errors: readonly string[]): string {
  return expression(
    `${JSON.stringify(errors)} as $listed | $error as $e | any($listed[]; . as $s |` +
      ' $e.name == $s or $e.code == $s or $e.title == $s or $e.type == $s' +
      ' or (($e.type // "") | tostring | endswith("/" + $s))' +
      ' or (($e.detail // "") | tostring | contains($s)))',
  );
}
