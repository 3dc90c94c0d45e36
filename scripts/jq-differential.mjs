#!/usr/bin/env node
// The differential test of test/jq/differential.test.ts from a shell: generated jq programs through jq-web and the
// compiled jq, every disagreement printed. Runs the TypeScript sources through tsx (a dev dependency), as
// bin/itonami does in a clone.
//
//   node scripts/jq-differential.mjs [--seed N] [--cases N] [--show N]
//
// --seed    the generator's seed (default: a random one, printed so the run reproduces)
// --cases   how many programs to generate, each run on one to three inputs (default 1200)
// --show    how many disagreements to print (default 20)
// Exit code: 0 when the engines agree on every case, 1 when they do not, 2 on bad usage.
import { register } from 'tsx/esm/api';

const USAGE = 'usage: node scripts/jq-differential.mjs [--seed N] [--cases N] [--show N]';

/** @param {string[]} args @returns {{ seed: number; cases: number; show: number }} */
function parseArgs(args) {
  const options = { seed: Math.floor(Math.random() * 2 ** 32), cases: 1200, show: 20 };
  for (let index = 0; index < args.length; index += 2) {
    const name = args[index];
    const value = Number(args[index + 1]);
    if (!['--seed', '--cases', '--show'].includes(name ?? '') || !Number.isSafeInteger(value) || value < 0) {
      throw new Error(`${name} ${args[index + 1] ?? ''}: expected --seed, --cases or --show with a non-negative integer\n${USAGE}`);
    }
    options[/** @type {'seed' | 'cases' | 'show'} */ ((name ?? '').slice(2))] = value;
  }
  return options;
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}

register();
const { createJqWebEngine } = await import('../test/support/jq-web-engine.ts');
const { createCompiledJqEngine } = await import('../src/expressions/jq/compiled-jq-engine.ts');
const { formatDisagreement, formatSummary, runDifferential } = await import('../test/jq/differential.ts');

console.log(`seed ${options.seed}, ${options.cases} programs`);
const report = runDifferential({
  seed: options.seed,
  programs: options.cases,
  reference: await createJqWebEngine(),
  candidate: createCompiledJqEngine(),
  keepDisagreements: options.show,
});
for (const sample of report.messageDifferences.samples) console.log(`message differs:\n${formatDisagreement(sample)}\n`);
for (const disagreement of report.disagreements) console.log(`${formatDisagreement(disagreement)}\n`);
console.log(formatSummary(report));
process.exitCode = report.disagreementCount === 0 ? 0 : 1;
