import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import type { NativeFunctionTable } from './native-function.js';

/**
 * One row of a native-function table test: `name/arity`, the input and jq arguments, and either the result or
 * jq's error value. Shared by the table tests of this folder.
 */
export interface NativeCase {
  name: string;
  input: Json;
  args?: Json[];
  out?: Json;
  error?: Json;
  /** For approximate numerics: the result may differ from `out` by this much (relative). */
  tolerance?: number;
  why?: string;
}

function describe(c: NativeCase): string {
  const args = c.args === undefined || c.args.length === 0 ? '' : `(${c.args.map((a) => JSON.stringify(a)).join('; ')})`;
  const text = `${JSON.stringify(c.input)} | ${c.name.replace(/\/\d+$/, '')}${args}`;
  return c.why === undefined ? text : `${text}: ${c.why}`;
}

export function runNativeCases(table: NativeFunctionTable, cases: readonly NativeCase[]): void {
  for (const c of cases) {
    test(describe(c), () => {
      const run = table[c.name];
      assert.ok(run !== undefined, `${c.name} is in the table`);
      const call = (): Json => run(c.input, ...(c.args ?? []));
      if (c.error !== undefined) {
        assert.throws(call, (e: unknown) => e instanceof JqError && assert.deepEqual(e.value, c.error) === undefined);
        return;
      }
      const actual = call();
      if (c.tolerance !== undefined && typeof actual === 'number' && typeof c.out === 'number') {
        assert.ok(Math.abs(actual - c.out) <= Math.abs(c.out) * c.tolerance + 1e-300, `${actual} ≈ ${c.out}`);
      } else {
        assert.deepEqual(actual, c.out);
      }
    });
  }
}
