#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node:test through tsx.
//
//   node scripts/run-tests.mjs [filter…] [--node-test-option…]
//
// A filter keeps the files whose path (relative to the repo, `/`-separated) contains it; several filters keep the
// union. Arguments starting with `-` go to `node --test` as they are (`--test-name-pattern=wait`, `--test-only`).
// Node 20's --test does not expand `**` globs, hence the explicit, sorted file list.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROOTS = ['src', 'test'];

/** @param {string} dir @returns {string[]} repo-relative paths of the test files below `dir` */
function findTests(dir) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : findTests(path);
    return entry.isFile() && entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const nodeOptions = args.filter((arg) => arg.startsWith('-'));
const filters = args.filter((arg) => !arg.startsWith('-')).map((filter) => filter.split(sep).join('/'));

const files = ROOTS.flatMap(findTests)
  .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
  .sort();

if (files.length === 0) {
  const where = filters.length === 0 ? '' : ` matching ${filters.map((f) => JSON.stringify(f)).join(' or ')}`;
  console.error(`run-tests: no *.test.ts files under ${ROOTS.join('/, ')}/${where} in ${root}`);
  process.exit(1);
}

// TAP unless a person is watching: its closing `# pass N` / `# fail N` lines are what CI reads, and Node 23+ would
// otherwise default to `spec` everywhere. A terminal gets `spec` (its summary reads `ℹ pass N`).
const reporter = process.stdout.isTTY ? 'spec' : 'tap';
const hasReporter = nodeOptions.some((option) => option.startsWith('--test-reporter'));

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    ...(hasReporter ? [] : [`--test-reporter=${reporter}`]),
    ...nodeOptions,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);

// Ctrl-C reaches the child through the terminal's process group; forward what a supervisor sends only to us.
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => child.kill(signal));
}

child.on('error', (error) => {
  console.error(`run-tests: could not start ${process.execPath}: ${error.message}`);
  process.exitCode = 1;
});
child.on('exit', (code, signal) => {
  if (signal !== null) console.error(`run-tests: the test runner was killed by ${signal}`);
  process.exitCode = code ?? 1;
});
