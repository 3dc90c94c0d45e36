/**
 * The cases of jq 1.7.1's own tests that our jq does not run, each for one of a few fixed reasons. Everything else
 * must pass: a case that fails because of a bug in our jq is a failure, never a skip. A skip names its file and its
 * program text exactly; the suite fails when an entry matches no case, so the list cannot go stale.
 */

/** Why a case is skipped: the only reasons there are. */
export const SKIP_REASONS = {
  io: 'needs I/O or the process: input/inputs, $ENV and env (always empty here), input_filename, $__prog_args',
  modules: 'needs the module system (import, include, module, modulemeta), which Itonami has no files for',
  oniguruma: 'a documented difference between Oniguruma and JavaScript regular expressions',
  'number-literal': 'jq 1.7 keeps a number literal\'s text (1.000, big integers); Itonami\'s values are doubles',
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export interface Skip {
  /** The test file (`jq.test`). */
  readonly file: string;
  /** The program line, exactly as in the file. */
  readonly program: string;
  readonly reason: SkipReason;
  /** One line: what in this case needs the skipped feature. */
  readonly why: string;
}

const moduleCase = (program: string, why: string): Skip => ({ file: 'jq.test', program, reason: 'modules', why });

export const JQ_SUITE_SKIPS: readonly Skip[] = [
  { file: 'jq.test', program: 'try input catch .', reason: 'io', why: 'jq\'s runner has no inputs, so input raises "break"' },
  { file: 'man.test', program: '$ENV.PAGER', reason: 'io', why: 'expects PAGER=less from the manual\'s environment' },
  { file: 'man.test', program: 'env.PAGER', reason: 'io', why: 'expects PAGER=less from the manual\'s environment' },
  { file: 'jq.test', program: '.[0] | tostring', reason: 'number-literal', why: '13911860366432393 is not a double' },
  { file: 'jq.test', program: '.x | tojson', reason: 'number-literal', why: '13911860366432393 is not a double' },
  { file: 'jq.test', program: '13911860366432393 == 13911860366432392', reason: 'number-literal', why: 'both literals are the same double' },
  { file: 'man.test', program: '[., tojson]', reason: 'number-literal', why: 'prints the 23-digit literal 12345678909876543212345' },
  { file: 'man.test', program: 'map([., . == 1]) | tojson', reason: 'number-literal', why: 'prints 1.000 and 1.0 as written' },
  {
    file: 'man.test',
    program: '. as $big | [$big, $big + 1] | map(. > 10000000000000000000000000000000)',
    reason: 'number-literal',
    why: 'compares 32-digit literals exactly',
  },
  moduleCase('import "a" as foo; import "b" as bar; def fooa: foo::a; [fooa, bar::a, bar::b, foo::a]', 'imports modules a and b'),
  moduleCase('import "c" as foo; [foo::a, foo::c]', 'imports module c'),
  moduleCase('include "c"; [a, c]', 'includes module c'),
  moduleCase(
    'import "data" as $e; import "data" as $d; [$d[].this,$e[].that,$d::d[].this,$e::e[].that]|join(";")',
    'imports a data file',
  ),
  moduleCase('import "data" as $a; import "data" as $b; def f: {$a, $b}; f', 'imports a data file'),
  moduleCase('include "shadow1"; e', 'includes module shadow1'),
  moduleCase('include "shadow1"; include "shadow2"; e', 'includes modules shadow1 and shadow2'),
  moduleCase('import "shadow1" as f; import "shadow2" as f; import "shadow1" as e; [e::e, f::e]', 'imports shadowing modules'),
  moduleCase('module (.+1); 0', 'checks the module directive\'s metadata message'),
  moduleCase('module []; 0', 'checks the module directive\'s metadata message'),
  moduleCase('include "a" (.+1); 0', 'checks the include directive\'s metadata message'),
  moduleCase('include "a" []; 0', 'checks the include directive\'s metadata message'),
  moduleCase('include "\\ "; 0', 'checks the include path\'s escape message'),
  moduleCase('include "\\(a)"; 0', 'checks the include path\'s constant message'),
  moduleCase('modulemeta', 'reads module c\'s metadata'),
  moduleCase('modulemeta | .deps | length', 'reads module c\'s metadata'),
  moduleCase('modulemeta | .defs | length', 'reads module c\'s metadata'),
  moduleCase('import "test_bind_order" as check; check::check', 'imports module test_bind_order'),
];
