/**
 * Reads jq's own regression-test format (`tests/*.test` of jqlang/jq 1.7.1) the way jq's `--run-tests` does
 * (`run_jq_tests` in src/jq_test.c), so a case here is a case there:
 * - a line that is blank or starts with `#` (after spaces and tabs) separates cases and is otherwise ignored;
 * - a case is a program line, an input line (read whatever it holds), then expected output lines up to the next
 *   blank or comment line (or the end of the file);
 * - `%%FAIL` or `%%FAIL IGNORE MSG` on its own line announces a program that must not compile: the program line,
 *   then one line with jq's error message (compared only after plain `%%FAIL`).
 * Values are left as text: comparing them is the runner's business.
 */

/** A program that must run on `input` and give exactly `expected`, in order. */
export interface JqRunCase {
  readonly kind: 'run';
  /** The test file's name (`jq.test`). */
  readonly file: string;
  /** 1-based line of the program. */
  readonly line: number;
  readonly program: string;
  /** The input line as written (may carry a byte order mark, as one jq test does on purpose). */
  readonly input: string;
  /** One JSON text per expected output line. */
  readonly expected: readonly string[];
}

/** A program that must fail to compile; `message` is jq's whole error line when the test checks it. */
export interface JqFailCase {
  readonly kind: 'fail';
  readonly file: string;
  readonly line: number;
  readonly program: string;
  /** `jq: error: … at <top-level>, line 1:` after `%%FAIL`; undefined after `%%FAIL IGNORE MSG`. */
  readonly message: string | undefined;
}

export type JqTestCase = JqRunCase | JqFailCase;

/** jq's `skipline`: blank, or a comment after leading spaces and tabs. */
function isSeparator(line: string): boolean {
  const text = line.replace(/^[ \t]*/, '');
  return text === '' || text.startsWith('#') || text === '\r';
}

/** Every case of a `.test` file, in file order. Throws on a truncated case (a program with no input line). */
export function parseJqTestFile(text: string, file: string): JqTestCase[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop(); // the file's final newline ends the last line; it starts no empty one
  const cases: JqTestCase[] = [];
  let index = 0;
  const next = (): string | undefined => lines[index++];
  let failMode: 'check' | 'ignore' | undefined;
  while (index < lines.length) {
    const line = next() as string;
    if (isSeparator(line)) continue;
    if (line === '%%FAIL' || line === '%%FAIL IGNORE MSG') {
      failMode = line === '%%FAIL' ? 'check' : 'ignore';
      continue;
    }
    const programLine = index;
    if (failMode !== undefined) {
      const message = next();
      if (message === undefined) throw new Error(`${file}:${programLine}: %%FAIL program without its error line`);
      cases.push({ kind: 'fail', file, line: programLine, program: line, message: failMode === 'check' ? message : undefined });
      failMode = undefined;
      continue;
    }
    const input = next();
    if (input === undefined) throw new Error(`${file}:${programLine}: program without an input line`);
    const expected: string[] = [];
    for (let output = next(); output !== undefined && !isSeparator(output); output = next()) expected.push(output);
    cases.push({ kind: 'run', file, line: programLine, program: line, input, expected });
  }
  return cases;
}
