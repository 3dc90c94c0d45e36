import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nativeFunctions } from './native-functions.js';

/** jq 1.7.1's function_list (src/builtin.c), as `name/arity` with the input not counted. */
const JQ_C_FUNCTIONS = [
  'frexp/0', 'modf/0', 'lgamma_r/0', 'tojson/0', 'fromjson/0', 'tonumber/0', 'tostring/0', 'keys/0', 'keys_unsorted/0',
  'startswith/1', 'endswith/1', 'ltrimstr/1', 'rtrimstr/1', 'split/1', 'explode/0', 'implode/0', '_strindices/1',
  'setpath/2', 'getpath/1', 'delpaths/1', 'has/1', 'contains/1', 'length/0', 'utf8bytelength/0', 'type/0',
  'isinfinite/0', 'isnan/0', 'isnormal/0', 'infinite/0', 'nan/0', 'sort/0', '_sort_by_impl/1', '_group_by_impl/1',
  'min/0', 'max/0', '_min_by_impl/1', '_max_by_impl/1', 'format/1', '_match_impl/3', 'strptime/1', 'strftime/1',
  'strflocaltime/1', 'mktime/0', 'gmtime/0', 'localtime/0',
];
/** The C functions the compiler owns (I/O, the environment, control, operators). */
const LEFT_TO_THE_COMPILER = [
  'error/0', 'env/0', 'halt/0', 'halt_error/1', 'get_search_list/0', 'get_prog_origin/0', 'get_jq_origin/0',
  'modulemeta/0', 'input/0', 'debug/0', 'stderr/0', 'now/0', 'input_filename/0', 'input_line_number/0',
  '_plus/2', '_negate/0', '_minus/2', '_multiply/2', '_divide/2', '_mod/2', '_equal/2', '_notequal/2', '_less/2',
  '_greater/2', '_lesseq/2', '_greatereq/2',
];

test('every C builtin of jq 1.7.1 that needs no I/O is native', () => {
  const missing = JQ_C_FUNCTIONS.filter((name) => !(name in nativeFunctions));
  assert.deepEqual(missing, []);
});

test('what the compiler owns is not in the table', () => {
  assert.deepEqual(LEFT_TO_THE_COMPILER.filter((name) => name in nativeFunctions), []);
});

test('every key is name/arity', () => {
  for (const name of Object.keys(nativeFunctions)) assert.match(name, /^[a-z_][a-z0-9_]*\/[0-3]$/);
});
