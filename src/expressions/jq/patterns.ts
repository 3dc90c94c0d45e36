import type { Json } from '../../model/json.js';
import type { JqNode, JqPattern } from './ast.js';
import { indexValue } from './builtins/indexing.js';
import { type Code, type Env, isCatchable, pushEnv } from './environment.js';

/**
 * Destructuring for `as`, `reduce` and `foreach`: `. as [$a, {b: $c}] ?// $d | …`. Every variable of every
 * alternative is bound (null where the chosen alternative lacks it), in order of first appearance, one runtime
 * link each. With `?//`, an error while destructuring, in the body or anywhere downstream of it (jq 1.7.1 keeps
 * the alternative's fork point until the whole expression is done), and a `break` passing through (jq raises
 * breaks as errors), moves on to the next alternative; outputs already given stand; the last alternative's error
 * propagates.
 */

type Destructure = (value: Json, env: Env, slots: Json[], next: () => void) => void;

export interface CompiledBinding {
  /** The variables, in the order their runtime links are pushed. */
  readonly variables: readonly string[];
  /** Destructures `value` (every way the patterns allow) and runs `body` with the variables bound. */
  bind(value: Json, env: Env, body: (env: Env) => void): void;
}

export function patternVariables(patterns: readonly JqPattern[]): string[] {
  const names: string[] = [];
  const visit = (pattern: JqPattern): void => {
    if (pattern.kind === 'variable') {
      if (!names.includes(pattern.name)) names.push(pattern.name);
    } else if (pattern.kind === 'array') {
      for (const element of pattern.elements) visit(element);
    } else {
      for (const entry of pattern.entries) {
        if (entry.variable !== undefined && !names.includes(entry.variable)) names.push(entry.variable);
        if (entry.value !== undefined) visit(entry.value);
      }
    }
  };
  for (const pattern of patterns) visit(pattern);
  return names;
}

/** `compileKey` compiles an object pattern's key expression in the scope outside the binding. */
export function compileBinding(patterns: readonly JqPattern[], compileKey: (node: JqNode) => Code): CompiledBinding {
  const variables = patternVariables(patterns);
  const first = patterns[0];
  if (patterns.length === 1 && first?.kind === 'variable') {
    return { variables, bind: (value, env, body) => body(pushEnv(env, value)) };
  }
  const slotOf = (name: string): number => variables.indexOf(name);
  const destructures = patterns.map((pattern) => compilePattern(pattern, slotOf, compileKey));
  const count = variables.length;
  const attempt = (destructure: Destructure, value: Json, env: Env, body: (env: Env) => void): void => {
    const slots: Json[] = new Array<Json>(count).fill(null);
    destructure(value, env, slots, () => {
      let bound = env;
      for (let i = 0; i < count; i++) bound = pushEnv(bound, slots[i]);
      body(bound);
    });
  };
  return {
    variables,
    bind(value, env, body) {
      const last = destructures.length - 1;
      for (let i = 0; i < last; i++) {
        try {
          attempt(destructures[i] as Destructure, value, env, body);
          return;
        } catch (error) {
          if (!isCatchable(error)) throw error;
        }
      }
      attempt(destructures[last] as Destructure, value, env, body);
    },
  };
}

function compilePattern(
  pattern: JqPattern,
  slotOf: (name: string) => number,
  compileKey: (node: JqNode) => Code,
): Destructure {
  if (pattern.kind === 'variable') {
    const slot = slotOf(pattern.name);
    return (value, _env, slots, next) => {
      slots[slot] = value;
      next();
    };
  }
  if (pattern.kind === 'array') {
    const elements = pattern.elements.map((element) => compilePattern(element, slotOf, compileKey));
    const step = (index: number, value: Json, env: Env, slots: Json[], next: () => void): void => {
      if (index === elements.length) {
        next();
        return;
      }
      (elements[index] as Destructure)(indexValue(value, index), env, slots, () =>
        step(index + 1, value, env, slots, next),
      );
    };
    return (value, env, slots, next) => {
      // jq indexes the value as an array even for `[]`-less inputs: `{} as [$a]` is "Cannot index object with number".
      if (elements.length === 0) indexValue(value, 0);
      step(0, value, env, slots, next);
    };
  }
  const entries = pattern.entries.map((entry) => ({
    key: compileKey(entry.key),
    slot: entry.variable === undefined ? -1 : slotOf(entry.variable),
    value: entry.value === undefined ? undefined : compilePattern(entry.value, slotOf, compileKey),
  }));
  const step = (index: number, value: Json, env: Env, slots: Json[], next: () => void): void => {
    const entry = entries[index];
    if (entry === undefined) {
      next();
      return;
    }
    entry.key.run(value, env, (key) => {
      const child = indexValue(value, key);
      if (entry.slot >= 0) slots[entry.slot] = child;
      if (entry.value === undefined) step(index + 1, value, env, slots, next);
      else entry.value(child, env, slots, () => step(index + 1, value, env, slots, next));
    });
  };
  return (value, env, slots, next) => step(0, value, env, slots, next);
}

