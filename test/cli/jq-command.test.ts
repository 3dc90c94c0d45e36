/**
 * `itonami jq FILTER [--arg NAME STRING]... [--argjson NAME JSON]... [-n]` as a script sees it: compact results one
 * per line on stdout, jq's messages on stderr, jq's exit codes (0, 2 usage or unreadable input, 3 compile error,
 * 5 runtime error). Each case starts the real bin with its stdin.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type CliResult, REPO_ROOT, explain } from './cli-process.js';

/** Runs `itonami jq …` with `stdin` piped in (cli-process's helpers close stdin at once). */
function itonamiJq(args: readonly string[], stdin = ''): Promise<CliResult> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'itonami'), 'jq', ...args], {
    cwd: REPO_ROOT,
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_TEST_CONTEXT')),
    stdio: 'pipe',
  });
  child.stdin.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const cases: {
  name: string;
  args: string[];
  stdin?: string;
  code: number;
  stdout: string;
  stderr: string | RegExp;
}[] = [
  {
    name: 'every input, every output, compact and in order, keys in their order',
    args: ['.[]?, {z: .a?, a: 1}'],
    stdin: '{"a": [1, 2]}\n  [3]\t{"b": 0}',
    code: 0,
    stdout: '[1,2]\n{"z":[1,2],"a":1}\n3\n0\n{"z":null,"a":1}\n',
    stderr: '',
  },
  {
    name: 'numbers and strings as jq prints them',
    args: ['-n', '1e-5, 1e17, 0.1 + 0.2, -0, nan, infinite, "é\\u0000\\u007f/"'],
    code: 0,
    stdout: '1e-05\n1e+17\n0.30000000000000004\n-0\nnull\n1.7976931348623157e+308\n"é\\u0000\\u007f/"\n',
    stderr: '',
  },
  {
    name: '--arg binds a string, --argjson a value, before or after the filter; $ARGS holds them',
    args: ['--arg', 'who', 'Ann', '[$who, $n + 1, $ARGS.named]', '--argjson', 'n', '41'],
    stdin: 'null',
    code: 0,
    stdout: '["Ann",42,{"who":"Ann","n":41}]\n',
    stderr: '',
  },
  {
    name: '-n runs once on null and leaves stdin unread',
    args: ['-n', '., input_filename'],
    stdin: 'not json at all',
    code: 0,
    stdout: 'null\nnull\n',
    stderr: '',
  },
  {
    name: 'no input at all: nothing to run on, success',
    args: ['.'],
    stdin: ' \n',
    code: 0,
    stdout: '',
    stderr: '',
  },
  {
    name: 'a runtime error: its outputs so far, the message with the input line, the next inputs still run, exit 5',
    args: ['.a, (.b + 1)'],
    stdin: '{"a": 1, "b": 2}\n{"a": 3, "b": "x"}\n{"a": 5, "b": 6}\n',
    code: 5,
    stdout: '1\n3\n3\n5\n7\n',
    stderr: 'jq: error (at <stdin>:2): string ("x") and number (1) cannot be added\n',
  },
  {
    name: 'an error value that is not a string is printed as JSON',
    args: ['-n', 'error({code: 7})'],
    code: 5,
    stdout: '',
    stderr: 'jq: error (at <unknown>) (not a string): {"code":7}\n',
  },
  {
    name: 'a compile error: exit 3, nothing run, the message with its position',
    args: ['.a |||'],
    stdin: '{}',
    code: 3,
    stdout: '',
    stderr: /^jq: error: syntax error, .*\bline 1\b.*\njq: 1 compile error\n$/,
  },
  {
    name: 'an undefined variable is a compile error',
    args: ['$nope'],
    stdin: '{}',
    code: 3,
    stdout: '',
    stderr: /^jq: error: .*\$nope.* not defined.*\njq: 1 compile error\n$/,
  },
  {
    name: 'unreadable input: the values before it run, then exit 2',
    args: ['.'],
    stdin: '1 [2,\n{"a": }',
    code: 2,
    stdout: '1\n',
    stderr: /^jq: error \(at <stdin>:\d\): Cannot parse input: /,
  },
  {
    name: 'bad --argjson: exit 2 before reading anything',
    args: ['--argjson', 'x', '{', '.'],
    stdin: '1',
    code: 2,
    stdout: '',
    stderr: /^itonami: invalid JSON text passed to --argjson x: /,
  },
  {
    name: 'no filter: exit 2',
    args: [],
    code: 2,
    stdout: '',
    stderr: 'itonami: jq needs a filter, e.g. itonami jq .a\n',
  },
  {
    name: '--arg without its value: exit 2',
    args: ['.', '--arg', 'x'],
    code: 2,
    stdout: '',
    stderr: 'itonami: --arg takes two parameters (e.g. --arg varname value)\n',
  },
  {
    name: 'an unknown option: exit 2',
    args: ['--slurp', '.'],
    code: 2,
    stdout: '',
    stderr: 'itonami: unknown option --slurp (see itonami jq --help)\n',
  },
];

describe('itonami jq', { concurrency: 4, timeout: 120_000 }, () => {
  for (const c of cases) {
    test(`${c.name} (exit ${c.code})`, async () => {
      const result = await itonamiJq(c.args, c.stdin);
      assert.equal(result.code, c.code, explain(result));
      assert.equal(result.stdout, c.stdout, explain(result));
      if (typeof c.stderr === 'string') assert.equal(result.stderr, c.stderr, explain(result));
      else assert.match(result.stderr, c.stderr, explain(result));
    });
  }

  test('--help lists the options and exit codes (exit 0)', async () => {
    const result = await itonamiJq(['--help']);
    assert.equal(result.code, 0, explain(result));
    assert.match(result.stdout, /^Usage: itonami jq \[options\] <filter>/);
    for (const option of ['--arg NAME STRING', '--argjson NAME JSON', '-n, --null-input', '3 compile error, 5 runtime error']) {
      assert.ok(result.stdout.includes(option), `--help lacks ${option}\n${result.stdout}`);
    }
  });
});
