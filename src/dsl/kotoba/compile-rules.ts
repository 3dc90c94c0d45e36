/**
 * kotoba-core's graph-rewrite strategies (`once`, `exhaust`, `while`, `seq`, `choice`, `priority`) compiled to plain
 * Serverless Workflow tasks: `do`, `for` over a bounded range, `switch` with `then: exit`, `set` and `raise`. Every
 * loop is a `for`, so each rule call is keyed by its iteration index and a replay meets the same calls in the same
 * order; nothing here needs a runtime extension.
 *
 * **The rule contract.** A rule is an activity — a registered function, or a declared Http/Process activity — that
 * is called with `{ state, iteration, order? }`: the whole workflow state, the 0-based index of the call within its
 * `exhaust`/`while` (0 for `once`), and the strategy's `order` (`exhaust`/`while` only). It returns
 * `{ applied: boolean, ...outputs }`. When `applied` is true the outputs (without `applied`) merge into the state
 * like an activity's, and the whole result is kept under `activities.<rule>`; when false nothing changes, since a
 * rule that did not apply rewrote nothing. Anything else (not an object, `applied` not a boolean) faults with a
 * `runtime` problem naming the rule.
 *
 * **What each strategy does**, and whether it *applied* (what `choice`, `priority` and `seq` look at):
 * - `once`: calls the rule once; applied when the rule did.
 * - `exhaust`: calls the rule until it does not apply; applied when it applied at least once. `max_iterations`
 *   (default {@link DEFAULT_MAX_RULE_ITERATIONS}) bounds the calls: when the last allowed call still applied, it
 *   faults with a `runtime` problem. `measure`, when given, is a termination measure: a state field (a bare
 *   identifier) or jq over the state that must be a number after every application and smaller than before it
 *   (null before the first is accepted), else it faults. `order` (topdown, bottomup, fair) is where a graph-rewrite engine looks for matches; here the rule finds
 *   its own matches, so it receives `order` and honours it.
 * - `while`: while `pred` holds on the state (evaluated like a decision condition, before each call), calls the
 *   rule; it also stops when the rule does not apply (the state did not change, so `pred` would hold forever).
 *   Bounded like `exhaust`: when `pred` still holds after the last allowed call applied, it faults.
 * - `seq`: each strategy in order; applied when any did.
 * - `choice`: the strategies in order until one applies; applied when one did.
 * - `priority`: as `choice`, in descending priority (ties in declaration order).
 *
 * Each compiled strategy's output (the data, not the state) is an object whose `applied` says whether it applied.
 */
import type { JsonObject } from '../../model/json.js';
import { childPointer } from '../../model/task-ref.js';
import { conditionJq, expression, ruleExport, stateValueJq } from './state-expressions.js';
import { type CompileHost, type CompiledTask, item, jqString, runtimeError, withPointer } from './sw-fragments.js';
import { DEFAULT_MAX_RULE_ITERATIONS, type RuleOrder, type RuleStrategy } from './workflow-ir.js';

/** Compiles a rule strategy at `pointer` (the strategy object itself: serde's `Basic.strategy`, `.kotoba`'s op). */
export function compileRuleStrategy(host: CompileHost, strategy: RuleStrategy, pointer: string): CompiledTask {
  return withPointer(strategyTask(host, strategy, pointer), pointer);
}

function strategyTask(host: CompileHost, strategy: RuleStrategy, pointer: string): CompiledTask {
  switch (strategy.kind) {
    case 'once':
      return { name: host.name('once'), task: { do: application(host, strategy.rule, pointer, 0) } };
    case 'exhaust':
    case 'while':
      return loop(host, strategy, pointer);
    case 'seq':
      return sequence(host, strategy.strategies.map((child, index) => compileRuleStrategy(host, child, childPointer(pointer, 'strategies', index))));
    case 'choice':
      return choice(host, 'choice', strategy.strategies.map((child, index) => compileRuleStrategy(host, child, childPointer(pointer, 'strategies', index))));
    case 'priority': {
      // Higher priority first; Array.prototype.sort is stable, so ties keep declaration order.
      const ranked = strategy.strategies.map((entry, index) => ({ ...entry, index })).sort((a, b) => b.priority - a.priority);
      return choice(host, 'priority', ranked.map((entry) => compileRuleStrategy(host, entry.strategy, childPointer(pointer, 'strategies', entry.index, 'strategy'))));
    }
  }
}

/** One call of `rule`, then the contract check. The list's output is the rule's result. */
function application(host: CompileHost, rule: string, pointer: string, iteration: number | 'loop', order?: RuleOrder): JsonObject[] {
  const iterationValue = iteration === 'loop' ? expression('$iteration') : iteration;
  const iterationJq = iteration === 'loop' ? '$iteration' : String(iteration);
  const args = {
    with: { state: expression('$context'), iteration: iterationValue, ...(order === undefined ? {} : { order }) },
    object: `{state: $context, iteration: ${iterationJq}${order === undefined ? '' : `, order: ${jqString(order)}`}}`,
  };
  const call = withPointer(host.call(rule, args, ruleExport(rule), { pointer, refPointer: childPointer(pointer, 'rule') }), pointer);
  const isMalformed = '(type != "object") or ((.applied | type) != "boolean")';
  const detail = `"rule " + ${jqString(JSON.stringify(rule))} + " returned " + tojson + "; expected an object {applied: true or false, ...outputs}"`;
  return [item(call), { [host.name('rule-result')]: { if: expression(isMalformed), raise: { error: runtimeError(detail) } } }];
}

/**
 * `exhaust` and `while` as a `for` over `range(max_iterations)` whose `while` reads the previous call's verdict
 * (`again`), computed by a `set` after each call so that it sees the state the call left (`$context` is read when
 * a task starts). After the loop, `again` still true means the bound was reached.
 */
function loop(host: CompileHost, strategy: Extract<RuleStrategy, { kind: 'exhaust' | 'while' }>, pointer: string): CompiledTask {
  const bound = strategy.maxIterations ?? DEFAULT_MAX_RULE_ITERATIONS;
  const pred = strategy.kind === 'while' ? conditionJq(strategy.pred) : undefined;
  const again = pred === undefined ? '.applied' : `.applied and ${pred}`;
  const what = `${strategy.kind} of rule ${JSON.stringify(strategy.rule)}`;
  const measureText = strategy.kind === 'exhaust' ? strategy.measure : undefined;
  const measure = measureText === undefined ? undefined : stateValueJq(measureText);

  const start = {
    applied: false,
    applications: 0,
    again: pred === undefined ? true : expression(`if ${pred} then true else false end`),
    ...(measure === undefined ? {} : { measure: expression(measure) }),
  };
  const apply: JsonObject = { do: application(host, strategy.rule, pointer, 'loop', strategy.order) };
  // The apply's own input still holds the measure before the call: keep it beside the verdict.
  if (measure !== undefined) apply['output'] = { as: expression('{applied: .applied, before: $task.input.measure}') };
  const tally = {
    applied: expression('.applied'),
    applications: expression('$iteration + (if .applied then 1 else 0 end)'),
    again: expression(again),
    ...(measure === undefined ? {} : { measure: expression(measure), before: expression('.before') }),
  };
  const body: JsonObject[] = [{ [host.name('apply')]: apply }, { [host.name('tally')]: { set: tally } }];
  if (measure !== undefined) {
    // null before the first application is accepted: the rule may be what introduces the measured field.
    const grew = '.applied and ((.measure | type) != "number" or (.before != null and ((.before | type) != "number" or .measure >= .before)))';
    const detail =
      `${jqString(`${what}: measure ${JSON.stringify(measureText)} went from `)} + (.before | tojson) + " to " + (.measure | tojson)` +
      ' + "; it must be a number that decreases with every application"';
    body.push({ [host.name('decreasing')]: { if: expression(grew), raise: { error: runtimeError(detail) } } });
  }
  const reason = pred === undefined ? 'the rule still applied' : 'the rule still applied and pred still held';
  const exceeded = jqString(`${what}: ${reason} after ${bound} calls (max_iterations ${bound})`);
  return {
    name: host.name(strategy.kind),
    task: {
      do: [
        { [host.name('rules-start')]: { set: start } },
        { [host.name('repeat')]: { for: { in: expression(`[range(${bound})]`), at: 'iteration' }, while: expression('.again'), do: body } },
        { [host.name('bounded')]: { if: expression('.again'), raise: { error: runtimeError(exceeded) } } },
        { [host.name('rules-result')]: { set: { applied: expression('.applications > 0'), applications: expression('.applications') } } },
      ],
    },
  };
}

/** Every strategy in order; each one's `applied` is or-ed with the one before it (its task input). */
function sequence(host: CompileHost, children: readonly CompiledTask[]): CompiledTask {
  const accumulate = { as: expression('{applied: (.applied == true or $task.input.applied == true)}') };
  return {
    name: host.name('rules-seq'),
    task: { do: [{ [host.name('rules-start')]: { set: { applied: false } } }, ...children.map((child) => ({ [child.name]: { ...child.task, output: accumulate } }))] },
  };
}

/** The strategies in order until one applies: a `switch` after each leaves the list once one did. */
function choice(host: CompileHost, base: string, children: readonly CompiledTask[]): CompiledTask {
  if (children.length === 0) return { name: host.name(base), task: { do: [{ [host.name('rules-start')]: { set: { applied: false } } }] } };
  const list: JsonObject[] = [];
  children.forEach((child, index) => {
    list.push(item(child));
    if (index < children.length - 1) list.push({ [host.name('applied')]: { switch: [{ applied: { when: expression('.applied'), then: 'exit' } }] } });
  });
  return { name: host.name(base), task: { do: list } };
}
