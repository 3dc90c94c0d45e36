import type { Json } from '../../model/json.js';
import type { BinaryOperator, JqNode } from './ast.js';

/**
 * jq's `check_object_key` (parser.y): `{(0): 1}` and `. as {(null): $x} | …` are compile errors, not runtime ones,
 * because jq folds the key to a constant first. Returns the error reason, or `undefined` for a key that is not a
 * constant or is a string.
 */
export function constantKeyError(key: JqNode): string | undefined {
  const constant = constantValue(key);
  if (constant === undefined || typeof constant === 'string') return undefined;
  return `Cannot use ${kindName(constant)} (${truncatedDump(constant)}) as object key`;
}

/**
 * The value of a key jq treats as a constant when it checks object keys (`check_object_key` in parser.y): literals,
 * arrays and objects of constants, and the binary operations jq folds (`constant_fold`). Anything else: `undefined`.
 */
function constantValue(node: JqNode): Json | undefined {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'location':
      // `$__loc__` is a constant object in jq (gen_loc_object), so `{($__loc__): 1}` fails to compile.
      return { file: '<top-level>', line: node.line };
    case 'array': {
      if (node.body === undefined) return [];
      const elements: Json[] = [];
      const collect = (element: JqNode): boolean => {
        if (element.kind === 'comma') return collect(element.left) && collect(element.right);
        // jq folds an array of constants (gen_const_array) after folding its elements: `[[1], {}]` is constant.
        const value = constantValue(element);
        if (value === undefined) return false;
        elements.push(value);
        return true;
      };
      return collect(node.body) ? elements : undefined;
    }
    case 'object': {
      const object: Record<string, Json> = {};
      for (const entry of node.entries) {
        const key = constantValue(entry.key);
        const value = constantValue(entry.value);
        if (typeof key !== 'string' || value === undefined) return undefined;
        object[key] = value;
      }
      return object;
    }
    case 'binary':
      return foldBinary(node.operator, constantValue(node.left), constantValue(node.right));
    default:
      return undefined;
  }
}

function foldBinary(operator: BinaryOperator, a: Json | undefined, b: Json | undefined): Json | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (operator === '+' && a === null) return b;
  if (operator === '+' && b === null) return a;
  if (typeof a === 'string' && typeof b === 'string') return operator === '+' ? a + b : undefined;
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  switch (operator) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : a / b;
    case '%': return Number.isNaN(a) || Number.isNaN(b) || Math.trunc(b) === 0 ? undefined : Math.trunc(a) % Math.trunc(b);
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}

function kindName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** jq's `jv_dump_string_trunc` into a 15-byte buffer: at most 14 characters, the last three `...` when cut. */
function truncatedDump(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 14 ? `${text.slice(0, 11)}...` : text;
}
