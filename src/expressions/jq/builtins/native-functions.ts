import { collectionFunctions } from './collections.js';
import { dateFunctions } from './dates.js';
import { formatFunctions } from './formats.js';
import { mathFunctions } from './math.js';
import type { NativeFunctionTable } from './native-function.js';
import { regexFunctions } from './regex.js';
import { stringFunctions } from './strings.js';

/**
 * Every builtin jq 1.7.1 implements in C (its `function_list` in src/builtin.c) that makes sense without I/O, keyed
 * `name/arity`. Left to the compiler: the operators (`_plus` …, see arithmetic.ts and values.ts), `error`, `env`,
 * `now`, `input`, `debug`, `stderr`, `halt`, `halt_error`, `input_filename`, `input_line_number`,
 * `get_search_list`, `get_*_origin`, `modulemeta`, and everything jq writes in builtin.jq.
 */
export const nativeFunctions: NativeFunctionTable = {
  ...stringFunctions,
  ...collectionFunctions,
  ...mathFunctions,
  ...formatFunctions,
  ...regexFunctions,
  ...dateFunctions,
};
